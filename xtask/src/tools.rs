//! The tools the build needs, at the versions known to work, installed when missing.
//!
//! Every check is a quick `--version` call, so a machine that is already set up
//! pays a fraction of a second. Every child process gets the same PATH: the npm
//! binaryen first (Debian's older wasm-opt builds a module Chromium refuses to
//! start), then cargo's bin directory, then the caller's PATH.

use std::env;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::shell;
use crate::versions::{locked_version, reported_version, reports_version};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const BINARYEN_VERSION: &str = "132";
/// Trunk for the dev loop; 0.22 needs a newer rustc than these machines have.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The accessibility checker the browser tests inject into every page.
pub const AXE_CORE_VERSION: &str = "4.14.1";
/// The consent banner the first-paint race in `cargo xtask bench` measures
/// Curtain's against (npm `vanilla-cookieconsent`).
pub const COOKIECONSENT_VERSION: &str = "3.1.0";
/// Lighthouse, for the bench's audit of the first paint (13.x: 12.x fails
/// on this Chromium with NO_NAVSTART).
pub const LIGHTHOUSE_VERSION: &str = "13.5.0";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether a task drives a browser, so Chromium and ChromeDriver must be there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Needed,
    NotNeeded,
}

/// The prepared environment: tools checked, PATH decided. Commands made here
/// run in the workspace root with that PATH.
pub struct Toolchain {
    root: PathBuf,
    /// Where npm-installed tools live (binaryen, axe-core).
    tools_dir: PathBuf,
    cargo: OsString,
    path: OsString,
}

impl Toolchain {
    /// Checks every tool, installs what is missing or at the wrong version.
    pub fn prepare(root: &Path, browser: Browser) -> Result<Toolchain, String> {
        let home = env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from);
        let cargo_bin = cargo_home(env::var_os("CARGO_HOME"), home.clone())
            .ok_or("neither CARGO_HOME nor HOME is set")?
            .join("bin");
        let tools_root = tools_dir(env::var_os("XDG_CACHE_HOME"), home)
            .ok_or("neither XDG_CACHE_HOME nor HOME is set")?;
        let binaryen_dir = tools_root.join(format!("binaryen-{BINARYEN_VERSION}"));
        let npm_bin = binaryen_dir.join("node_modules").join(".bin");

        let toolchain = Toolchain {
            root: root.to_owned(),
            tools_dir: tools_root,
            // The cargo running this task, so nested builds use the same toolchain.
            cargo: env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            path: tool_path(&npm_bin, &cargo_bin, env::var_os("PATH"))?,
        };
        toolchain.ensure_wasm_target()?;
        // The CLI must equal the library the SPA links, or the generated glue won't fit.
        let lockfile = fs::read_to_string(root.join("Cargo.lock"))
            .map_err(|err| format!("could not read Cargo.lock: {err}"))?;
        let wasm_bindgen = locked_version(&lockfile, "wasm-bindgen")?;
        toolchain.ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &wasm_bindgen)?;
        toolchain.ensure_wasm_opt(&binaryen_dir)?;
        if browser == Browser::Needed {
            toolchain.ensure_browser()?;
            toolchain.ensure_axe()?;
        }
        Ok(toolchain)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `program`, to run in the workspace root with the tools' PATH.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    pub fn cargo(&self) -> Command {
        self.command(&self.cargo)
    }

    /// Shows `command`, runs it with this terminal, and fails unless it succeeds.
    pub fn run(&self, command: &mut Command) -> Result<(), String> {
        let line = self.describe(command);
        println!("$ {line}");
        let status = command
            .status()
            .map_err(|err| format!("could not start `{line}`: {err}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{line}` failed ({status})"))
        }
    }

    /// `command` as one would type it in the workspace root (PATH aside).
    pub fn describe(&self, command: &Command) -> String {
        let program = Path::new(command.get_program());
        let program = if program == Path::new(&self.cargo) {
            Path::new("cargo")
        } else {
            program.strip_prefix(&self.root).unwrap_or(program)
        };
        let env = command
            .get_envs()
            .filter(|(name, _)| *name != "PATH")
            .filter_map(|(name, value)| Some((name, value?)));
        let line = shell::command_line(env, &program.to_string_lossy(), command.get_args());
        match command.get_current_dir() {
            Some(dir) if dir != self.root => format!("{line}   (in {})", dir.display()),
            _ => line,
        }
    }

    /// What `command` prints on stdout, if it starts and succeeds. Quiet.
    fn stdout_of(&self, command: &mut Command) -> Option<String> {
        let output = command
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn version_of(&self, program: impl AsRef<OsStr>) -> Option<String> {
        self.stdout_of(self.command(program).arg("--version"))
    }

    fn ensure_wasm_target(&self) -> Result<(), String> {
        let installed = self
            .stdout_of(self.command("rustup").args(["target", "list", "--installed"]))
            .ok_or("`rustup` was not found: install Rust with rustup (https://rustup.rs), which adds the wasm target")?;
        if installed.lines().any(|line| line.trim() == WASM_TARGET) {
            println!("✓ rust target {WASM_TARGET}");
            return Ok(());
        }
        println!("adding rust target {WASM_TARGET}…");
        self.run(self.command("rustup").args(["target", "add", WASM_TARGET]))
    }

    fn ensure_cargo_tool(
        &self,
        binary: &str,
        package: &str,
        version: &str,
    ) -> Result<(), String> {
        if self
            .version_of(binary)
            .is_some_and(|out| reports_version(&out, version))
        {
            println!("✓ {binary} {version}");
            return Ok(());
        }
        println!("installing {binary} {version} (takes a few minutes the first time)…");
        let mut install = self.cargo();
        // Not `--locked`: the tools' own lock files pin versions the registry
        // no longer serves.
        install.args(["install", package, "--version", version]);
        self.run(&mut install)?;
        self.confirm_version(binary, binary, version)
    }

    /// Trunk, for the dev loop (`trunk serve`), at the version that builds
    /// with this Rust: 0.22 needs a newer one.
    pub fn ensure_trunk(&self) -> Result<(), String> {
        if self.version_of("trunk").is_some_and(|out| reports_version(&out, TRUNK_VERSION)) {
            println!("✓ trunk {TRUNK_VERSION}");
            return Ok(());
        }
        println!("installing trunk {TRUNK_VERSION} (about six minutes on two cores, once)…");
        self.run(self.cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
        self.confirm_version("trunk", "trunk", TRUNK_VERSION)
    }

    fn ensure_wasm_opt(&self, binaryen_dir: &Path) -> Result<(), String> {
        let wasm_opt = binaryen_dir
            .join("node_modules")
            .join(".bin")
            .join("wasm-opt");
        if self
            .version_of(&wasm_opt)
            .is_some_and(|out| reports_version(&out, BINARYEN_VERSION))
        {
            println!("✓ wasm-opt {BINARYEN_VERSION} (binaryen from npm)");
            return Ok(());
        }
        if self.version_of("npm").is_none() {
            return Err(format!(
                "`npm` was not found. Install Node.js and npm (Debian: `apt-get install nodejs npm`), \
                 then run this again: it fetches wasm-opt from the npm package binaryen@{BINARYEN_VERSION}, \
                 because Debian's own wasm-opt breaks the app"
            ));
        }
        println!("installing wasm-opt {BINARYEN_VERSION} (binaryen from npm)…");
        self.npm_install(binaryen_dir, &format!("binaryen@{BINARYEN_VERSION}"))?;
        self.confirm_version("wasm-opt", &wasm_opt, BINARYEN_VERSION)
    }

    /// `npm install PACKAGE` into a folder of its own.
    fn npm_install(&self, dir: &Path, package: &str) -> Result<(), String> {
        fs::create_dir_all(dir).map_err(|err| format!("could not create {}: {err}", dir.display()))?;
        // Without a package.json here, npm would install into a parent folder that has one.
        let manifest = dir.join("package.json");
        if !manifest.exists() {
            fs::write(&manifest, "{\n  \"private\": true\n}\n")
                .map_err(|err| format!("could not write {}: {err}", manifest.display()))?;
        }
        self.run(
            self.command("npm")
                .args(["install", "--no-audit", "--no-fund", package])
                .current_dir(dir),
        )
    }

    /// `axe.min.js` from the npm package axe-core, for the accessibility tests.
    pub fn axe_script(&self) -> PathBuf {
        self.tools_dir
            .join(format!("axe-core-{AXE_CORE_VERSION}"))
            .join("node_modules")
            .join("axe-core")
            .join("axe.min.js")
    }

    fn ensure_axe(&self) -> Result<(), String> {
        self.ensure_npm_package("axe-core", AXE_CORE_VERSION, "axe.min.js").map(drop)
    }

    /// The npm package `vanilla-cookieconsent`'s folder (its `dist/` holds
    /// the script and stylesheet), for the bench's reference page.
    pub fn ensure_cookieconsent(&self) -> Result<PathBuf, String> {
        self.ensure_npm_package("vanilla-cookieconsent", COOKIECONSENT_VERSION, "dist/cookieconsent.umd.js")
    }

    /// The `lighthouse` command of the npm package, for the bench.
    pub fn ensure_lighthouse(&self) -> Result<PathBuf, String> {
        let package = self.ensure_npm_package("lighthouse", LIGHTHOUSE_VERSION, "cli/index.js")?;
        Ok(package.join("cli").join("index.js"))
    }

    /// Installs npm package `name@version` into its own tools folder unless it
    /// is there already (its `file` present, its package.json at that
    /// version), and returns the package's folder.
    fn ensure_npm_package(&self, name: &str, version: &str, file: &str) -> Result<PathBuf, String> {
        let dir = self.tools_dir.join(format!("{name}-{version}"));
        let package_dir = dir.join("node_modules").join(name);
        let installed = fs::read_to_string(package_dir.join("package.json"))
            .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")));
        if installed && package_dir.join(file).is_file() {
            println!("✓ {name} {version}");
            return Ok(package_dir);
        }
        if self.version_of("npm").is_none() {
            return Err("`npm` was not found: install Node.js and npm, then run this again".into());
        }
        println!("installing {name} {version} (npm)…");
        let package = format!("{name}@{version}");
        self.npm_install(&dir, &package)?;
        if package_dir.join(file).is_file() {
            Ok(package_dir)
        } else {
            Err(format!("{} is missing after installing {package}", package_dir.join(file).display()))
        }
    }

    /// After an install: the tool must now report the wanted version.
    fn confirm_version(
        &self,
        name: &str,
        program: impl AsRef<OsStr>,
        version: &str,
    ) -> Result<(), String> {
        let output = self.version_of(program).unwrap_or_default();
        if reports_version(&output, version) {
            println!("✓ {name} {version}");
            return Ok(());
        }
        Err(format!(
            "after installing {name} {version}, `{name} --version` reports {}",
            reported_version(&output)
                .map_or("nothing".to_owned(), |found| format!("version {found}")),
        ))
    }

    fn ensure_browser(&self) -> Result<(), String> {
        let missing = || {
            [CHROMIUM, CHROMEDRIVER]
                .into_iter()
                .filter(|path| !Path::new(path).exists())
                .collect::<Vec<_>>()
        };
        if missing().is_empty() {
            println!("✓ chromium and chromedriver");
            return Ok(());
        }
        if !self.running_as_root() {
            return Err(format!(
                "{} not found: the browser tests need Debian's Chromium and ChromeDriver. Install them with\n\n    \
                 sudo apt-get update && sudo apt-get install -y chromium chromium-driver\n\nthen run this again",
                missing().join(" and ")
            ));
        }
        println!("installing chromium and chromium-driver…");
        self.run(self.command("apt-get").arg("update"))?;
        self.run(
            self.command("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "chromium", "chromium-driver"]),
        )?;
        match missing().as_slice() {
            [] => {
                println!("✓ chromium and chromedriver");
                Ok(())
            }
            still_missing => Err(format!(
                "{} still missing after installing chromium and chromium-driver",
                still_missing.join(" and ")
            )),
        }
    }

    /// A program from a Debian package (e.g. `wrk` for `bench`), installed with
    /// apt-get when missing and running as root.
    pub fn ensure_debian_tool(&self, binary: &str, package: &str) -> Result<(), String> {
        if Path::new(binary).exists() {
            println!("✓ {package}");
            return Ok(());
        }
        if !self.running_as_root() {
            return Err(format!(
                "{binary} not found. Install it with\n\n    sudo apt-get install -y {package}\n\nthen run this again"
            ));
        }
        self.install_debian_package(package)?;
        if Path::new(binary).exists() {
            Ok(())
        } else {
            Err(format!("{binary} still missing after installing {package}"))
        }
    }

    /// PostgreSQL's programs (for the tests that run against it): the newest
    /// `/usr/lib/postgresql/*/bin` that has `initdb`, installing Debian's
    /// `postgresql` package when there is none. Returns that folder.
    pub fn ensure_postgres(&self) -> Result<PathBuf, String> {
        let find = || -> Option<PathBuf> {
            let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .flatten()
                .filter_map(|e| {
                    let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                    let bin = e.path().join("bin");
                    bin.join("initdb").exists().then_some((version, bin))
                })
                .collect();
            found.sort();
            found.pop().map(|(_, bin)| bin)
        };
        if let Some(bin) = find() {
            println!("✓ postgresql ({})", bin.display());
            return Ok(bin);
        }
        if self.running_as_root() {
            self.install_debian_package("postgresql")?;
        }
        find().ok_or_else(|| {
            "PostgreSQL was not found. Install it with\n\n    sudo apt-get install -y postgresql\n\nthen run this again".to_string()
        })
    }

    fn install_debian_package(&self, package: &str) -> Result<(), String> {
        println!("installing {package}…");
        self.run(self.command("apt-get").arg("update"))?;
        self.run(
            self.command("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", package]),
        )
    }

    fn running_as_root(&self) -> bool {
        self.stdout_of(self.command("id").arg("-u"))
            .is_some_and(|uid| uid.trim() == "0")
    }
}

/// `$CARGO_HOME`, else `$HOME/.cargo`.
fn cargo_home(cargo_home: Option<OsString>, home: Option<PathBuf>) -> Option<PathBuf> {
    match cargo_home.filter(|dir| !dir.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => Some(home?.join(".cargo")),
    }
}

/// Where downloaded tools live: `$XDG_CACHE_HOME/curtain-tools`, else
/// `$HOME/.cache/curtain-tools`. A relative XDG_CACHE_HOME is ignored, as the
/// XDG specification asks.
fn tools_dir(xdg_cache_home: Option<OsString>, home: Option<PathBuf>) -> Option<PathBuf> {
    let cache = match xdg_cache_home
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
    {
        Some(dir) => dir,
        None => home?.join(".cache"),
    };
    Some(cache.join("curtain-tools"))
}

/// The PATH for every child: npm's bin, cargo's bin, then the rest without repeats of those two.
fn tool_path(
    npm_bin: &Path,
    cargo_bin: &Path,
    inherited: Option<OsString>,
) -> Result<OsString, String> {
    let inherited = inherited.unwrap_or_default();
    // An empty entry would mean the current directory: leave those out too.
    let rest = env::split_paths(&inherited)
        .filter(|dir| !dir.as_os_str().is_empty() && dir != npm_bin && dir != cargo_bin);
    let dirs: Vec<PathBuf> = [npm_bin.to_owned(), cargo_bin.to_owned()]
        .into_iter()
        .chain(rest)
        .collect();
    env::join_paths(dirs).map_err(|err| format!("could not build PATH for the tools: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_home_prefers_the_variable() {
        let home = Some(PathBuf::from("/home/ada"));
        assert_eq!(
            cargo_home(Some("/opt/cargo".into()), home.clone()),
            Some("/opt/cargo".into())
        );
        assert_eq!(
            cargo_home(None, home.clone()),
            Some("/home/ada/.cargo".into())
        );
        assert_eq!(
            cargo_home(Some("".into()), home),
            Some("/home/ada/.cargo".into())
        );
        assert_eq!(cargo_home(None, None), None);
    }

    #[test]
    fn tools_live_in_the_user_cache() {
        let home = Some(PathBuf::from("/home/ada"));
        assert_eq!(
            tools_dir(None, home.clone()),
            Some("/home/ada/.cache/curtain-tools".into())
        );
        assert_eq!(
            tools_dir(Some("/var/cache/ada".into()), home.clone()),
            Some("/var/cache/ada/curtain-tools".into())
        );
        assert_eq!(
            tools_dir(Some("relative".into()), home.clone()),
            Some("/home/ada/.cache/curtain-tools".into())
        );
        assert_eq!(
            tools_dir(Some("".into()), home),
            Some("/home/ada/.cache/curtain-tools".into())
        );
        assert_eq!(tools_dir(None, None), None);
    }

    #[test]
    fn npm_binaryen_comes_first_on_path_then_cargo() {
        let npm = Path::new("/c/binaryen-132/node_modules/.bin");
        let cargo = Path::new("/h/.cargo/bin");
        let path = tool_path(npm, cargo, Some("/usr/bin:/h/.cargo/bin:/bin".into())).unwrap();
        assert_eq!(
            path,
            "/c/binaryen-132/node_modules/.bin:/h/.cargo/bin:/usr/bin:/bin"
        );
        assert_eq!(
            tool_path(npm, cargo, None).unwrap(),
            "/c/binaryen-132/node_modules/.bin:/h/.cargo/bin"
        );
    }
}
