//! `cargo xtask`: Curtain's developer tasks, in Rust so they behave the same on
//! a laptop and in CI. `cargo xtask help` lists them.
//!
//! Every task starts by making sure the pinned tools are installed (`tools`),
//! then builds with them; each command is printed before it runs.

mod cli;
mod compress;
mod dev;
mod shell;
mod spa;
mod tools;
mod versions;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use cli::{ServeOptions, Task};
use tools::{Browser, Toolchain, CHROMEDRIVER, CHROMIUM};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let task = match cli::parse(&args) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("error: {message}\n(`cargo xtask help` lists the tasks and their options)");
            return ExitCode::from(2);
        }
    };
    match run(task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> Result<(), String> {
    let root = workspace_root();
    match task {
        Task::Help => {
            print!("{}", cli::USAGE);
            Ok(())
        }
        Task::Setup => Toolchain::prepare(&root, Browser::Needed).map(drop),
        Task::Bench { driver_args } => {
            let tools = Toolchain::prepare(&root, Browser::Needed)?;
            tools.ensure_debian_tool("/usr/bin/wrk", "wrk")?;
            let postgres = tools.ensure_postgres()?;
            let reference = tools.ensure_cookieconsent()?;
            let lighthouse = tools.ensure_lighthouse()?;
            build_spa(&tools)?;
            let server = build_server(&tools)?;
            bench(&tools, &server, &postgres, &reference, &lighthouse, &driver_args)
        }
        Task::Build => {
            let tools = Toolchain::prepare(&root, Browser::NotNeeded)?;
            build_spa(&tools)?;
            build_server(&tools).map(drop)
        }
        Task::Run(options) => {
            let tools = Toolchain::prepare(&root, Browser::NotNeeded)?;
            build_spa(&tools)?;
            let server = build_server(&tools)?;
            serve(&tools, &server, &options)
        }
        Task::Dev => {
            let tools = Toolchain::prepare(&root, Browser::NotNeeded)?;
            dev::run(&tools, &target_dir(tools.root()))
        }
        Task::Test { cargo_test_args } => {
            let tools = Toolchain::prepare(&root, Browser::Needed)?;
            let postgres = tools.ensure_postgres()?;
            tools.ensure_trunk()?;
            build_spa(&tools)?;
            // The dev loop's build too, which a browser test checks.
            let trunk_dist = target_dir(tools.root()).join("trunk-dist");
            tools.run(tools.command("trunk").args(["build", "--release", "--dist"]).arg(&trunk_dist))?;
            test(&tools, &postgres, &trunk_dist, &cargo_test_args)
        }
    }
}

/// The SPA, optimised and split by page, into `dist/`, with compressed twins.
fn build_spa(tools: &Toolchain) -> Result<(), String> {
    let dist = tools.root().join("dist");
    spa::build(tools, &target_dir(tools.root()), &dist).map(drop)
}

/// The server binary, built with the workspace's `server` profile; returns its path.
fn build_server(tools: &Toolchain) -> Result<PathBuf, String> {
    tools.run(
        tools
            .cargo()
            .args(["build", "--profile", "server", "-p", "curtain-server"]),
    )?;
    Ok(target_dir(tools.root())
        .join("server")
        .join("curtain-server"))
}

/// Runs the server in the foreground until Ctrl-C; its exit status becomes ours.
fn serve(tools: &Toolchain, server: &Path, options: &ServeOptions) -> Result<(), String> {
    // The default SQLite database lives here; the server creates the file, not the folder.
    let data = tools.root().join("data");
    fs::create_dir_all(&data)
        .map_err(|err| format!("could not create {}: {err}", data.display()))?;

    let mut command = tools.command(server);
    command.args([
        "serve",
        "--addr",
        &options.addr,
        "--database",
        &options.database,
        "--dist",
        "dist",
    ]);
    if options.demo {
        command.arg("--demo");
    }
    let line = tools.describe(&command);
    println!("$ {line}");
    println!(
        "\nCurtain is running at {}  (Ctrl-C stops it)\n",
        options.url()
    );
    foreground(command, &line)
}

/// Becomes the server process, so Ctrl-C and the exit status reach it directly.
#[cfg(unix)]
fn foreground(mut command: Command, line: &str) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let err = command.exec();
    Err(format!("could not start `{line}`: {err}"))
}

#[cfg(not(unix))]
fn foreground(mut command: Command, line: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|err| format!("could not start `{line}`: {err}"))?;
    std::process::exit(status.code().unwrap_or(1))
}

/// Every test in the workspace; the end-to-end ones find the SPA, the browser
/// and the server binary (for the tests that run it as a separate process:
/// shutdown, backup and restore) through these variables.
///
/// The tests crate is built on its own (`-p curtain-tests`), in both of its
/// runs: cargo resolves features per command, so building it once with the
/// whole workspace and once alone would link every test binary twice. Every
/// run goes ahead even when one before it failed; the task fails at the end.
fn test(tools: &Toolchain, postgres: &Path, trunk_dist: &Path, cargo_test_args: &[String]) -> Result<(), String> {
    // A dev build: it shares all but `main.rs` with what `cargo test` compiles.
    tools.run(
        tools
            .cargo()
            .args(["build", "-p", "curtain-server", "--bin", "curtain-server"]),
    )?;
    let server = target_dir(tools.root())
        .join("debug")
        .join(format!("curtain-server{}", env::consts::EXE_SUFFIX));
    let mut failed = Vec::new();
    // The unit tests of every other crate: the SPA's logic, the API types,
    // the shared views, the server, the tasks and the vendored splitter.
    println!("\nthe unit tests:");
    if let Err(err) = tools.run(
        tools
            .cargo()
            .args(["test", "--workspace", "--exclude", "curtain-tests", "--no-fail-fast"])
            .args(cargo_test_args),
    ) {
        failed.push(err);
    }
    println!("\nthe API, browser and load tests, on SQLite:");
    if let Err(err) = tools.run(
        tools
            .cargo()
            .env("CURTAIN_SERVER_BIN", &server)
            .env("CURTAIN_DIST", tools.root().join("dist"))
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("CHROMIUM", CHROMIUM)
            .env("AXE_CORE_JS", tools.axe_script())
            .env("CURTAIN_PG_BIN", postgres)
            .env("CURTAIN_TRUNK_DIST", trunk_dist)
            .args(["test", "-p", "curtain-tests", "--no-fail-fast"])
            .args(cargo_test_args),
    ) {
        failed.push(err);
    }
    // The API tests and the mixed load again, each on a database of its own
    // in a throwaway PostgreSQL cluster.
    println!("\nthe API tests and the mixed load again, on PostgreSQL:");
    if let Err(err) = tools.run(
        tools
            .cargo()
            .env("CURTAIN_TEST_DATABASE", "postgres")
            .env("CURTAIN_SERVER_BIN", &server)
            .env("CURTAIN_PG_BIN", postgres)
            .args(["test", "-p", "curtain-tests", "--no-fail-fast", "--test", "api_*", "--test", "load"])
            .args(cargo_test_args),
    ) {
        failed.push(err);
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n"))
    }
}

/// Runs the benchmark driver (in the tests crate, which has the browser
/// harness) against the release server.
fn bench(
    tools: &Toolchain,
    server: &Path,
    postgres: &Path,
    reference: &Path,
    lighthouse: &Path,
    driver_args: &[String],
) -> Result<(), String> {
    let out = target_dir(tools.root()).join("bench.json");
    tools.run(
        tools
            .cargo()
            .env("CURTAIN_PG_BIN", postgres)
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("CHROMIUM", CHROMIUM)
            .args(["run", "--quiet", "-p", "curtain-tests", "--bin", "bench", "--"])
            .arg("--server")
            .arg(server)
            .arg("--dist")
            .arg(tools.root().join("dist"))
            .arg("--out")
            .arg(out)
            .arg("--reference")
            .arg(reference)
            .arg("--lighthouse")
            .arg(lighthouse)
            .args(driver_args),
    )
}

/// The workspace root: the folder above this package.
fn workspace_root() -> PathBuf {
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_owned)
        .unwrap_or(manifest_dir)
}

/// Cargo's output folder: `CARGO_TARGET_DIR` when set (relative to the root), else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}
