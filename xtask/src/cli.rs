//! The command line: which task, with which options. Parsed by hand; there are few.

pub const USAGE: &str = "\
Usage: cargo xtask <task> [options]

Tasks:
  run [--addr HOST:PORT] [--database URL] [--no-demo]
          Build the SPA and the server, then serve Curtain until Ctrl-C.
          Defaults: --addr 127.0.0.1:8080, --database sqlite://data/curtain.db?mode=rwc,
          demonstration members loaded (--no-demo leaves them out).
  dev     The dev loop: the API server (demo data, its own database in target/dev/)
          and `trunk serve`, which rebuilds the SPA and reloads the browser when
          src/, style/, public/ or index.html change. Prints the address to open
          (http://127.0.0.1:8081/); rebuilds and restarts the server when server/,
          api/ or policies/ change; Ctrl-C stops both. Installs trunk 0.21.14.
  test [-- <cargo test arguments>]
          Build the SPA, then run every test (unit, API and browser) with
          `cargo test --workspace`. Anything after `--` goes to cargo test:
          `cargo xtask test -- signup` runs the tests whose names contain \"signup\".
  build   Build the SPA (into dist/, split into a main module and one module
          per page) and the server (target/server/curtain-server).
  bench   Build for release, start the server on a temporary database with demo data,
          and measure: first-load transfer sizes, cold page loads in headless
          Chromium, API throughput and latency under load (wrk), peak memory.
          Prints a table and writes target/bench.json. Options go to the driver:
          --only first-load,pages,api,members,scale  --database sqlite|postgres
          --replicas N (servers on one PostgreSQL database)  --samples N  --seconds N.
  setup   Install the tools below, including the browser for the tests, and stop.
  help    Show this message.

Every task first makes sure these are installed, installing what is missing:
the wasm32-unknown-unknown Rust target, the wasm-bindgen CLI at the
version Cargo.lock pins, wasm-opt from the npm package binaryen@132 (in
$XDG_CACHE_HOME/curtain-tools, else $HOME/.cache/curtain-tools; needs npm), and for
`test` and `setup` Debian's chromium and chromium-driver.
";

/// What `cargo xtask` was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Task {
    Help,
    Setup,
    /// Arguments for the benchmark driver (`--only`, `--database`, `--replicas`, …).
    Bench { driver_args: Vec<String> },
    Build,
    Run(ServeOptions),
    Dev,
    Test { cargo_test_args: Vec<String> },
}

/// How `cargo xtask run` starts the server.
#[derive(Debug, PartialEq, Eq)]
pub struct ServeOptions {
    pub addr: String,
    pub database: String,
    pub demo: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: "127.0.0.1:8080".to_owned(),
            database: "sqlite://data/curtain.db?mode=rwc".to_owned(),
            demo: true,
        }
    }
}

impl ServeOptions {
    /// The address to open in a browser. A wildcard listen address (every
    /// interface) is reachable, and shown, as the loopback one.
    pub fn url(&self) -> String {
        let (host, port) = split_addr(&self.addr).unwrap_or((&self.addr, ""));
        let host = match host {
            "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            other => other,
        };
        format!("http://{host}:{port}/")
    }
}

/// `args` are the words after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Task, String> {
    let Some((task, rest)) = args.split_first() else {
        return Ok(Task::Help);
    };
    match task.as_str() {
        "help" | "-h" | "--help" => Ok(Task::Help),
        "setup" => nothing_more("setup", rest).map(|()| Task::Setup),
        "bench" => Ok(Task::Bench { driver_args: rest.to_vec() }),
        "build" => nothing_more("build", rest).map(|()| Task::Build),
        "run" => parse_run(rest).map(Task::Run),
        "dev" => nothing_more("dev", rest).map(|()| Task::Dev),
        "test" => parse_test(rest),
        other => Err(format!("unknown task `{other}`")),
    }
}

fn nothing_more(task: &str, rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("`{task}` takes no arguments, got `{arg}`")),
    }
}

fn parse_run(args: &[String]) -> Result<ServeOptions, String> {
    let mut options = ServeOptions::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // Both `--addr X` and `--addr=X`.
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (arg.as_str(), None),
        };
        let mut value = || match inline_value {
            Some(value) => Ok(value.to_owned()),
            None => match args.next() {
                Some(value) if !value.starts_with("--") => Ok(value.clone()),
                _ => Err(format!("`{flag}` needs a value")),
            },
        };
        match flag {
            "--addr" => options.addr = value()?,
            "--database" => options.database = value()?,
            "--no-demo" if inline_value.is_none() => options.demo = false,
            _ => return Err(format!("`run` does not know `{arg}`")),
        }
    }
    if split_addr(&options.addr).is_none() {
        return Err(format!(
            "`--addr` wants HOST:PORT, like 127.0.0.1:8080; got `{}`",
            options.addr
        ));
    }
    if options.database.is_empty() {
        return Err("`--database` needs a URL, like sqlite://data/curtain.db?mode=rwc".to_owned());
    }
    Ok(options)
}

fn parse_test(args: &[String]) -> Result<Task, String> {
    match args.split_first() {
        None => Ok(Task::Test { cargo_test_args: Vec::new() }),
        Some((first, rest)) if first == "--" => Ok(Task::Test { cargo_test_args: rest.to_vec() }),
        Some((first, _)) => Err(format!(
            "`test` passes arguments to cargo test only after `--`, as in `cargo xtask test -- {first}`"
        )),
    }
}

/// `HOST:PORT` split in two, when the port is a port number and the host is not empty.
fn split_addr(addr: &str) -> Option<(&str, &str)> {
    let (host, port) = addr.rsplit_once(':')?;
    (!host.is_empty() && port.parse::<u16>().is_ok()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Task, String> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn no_task_or_help_shows_usage() {
        assert_eq!(parse_words(""), Ok(Task::Help));
        assert_eq!(parse_words("help"), Ok(Task::Help));
        assert_eq!(parse_words("--help"), Ok(Task::Help));
        assert_eq!(parse_words("-h"), Ok(Task::Help));
    }

    #[test]
    fn run_has_working_defaults() {
        assert_eq!(parse_words("run"), Ok(Task::Run(ServeOptions::default())));
        let defaults = ServeOptions::default();
        assert_eq!(defaults.addr, "127.0.0.1:8080");
        assert_eq!(defaults.database, "sqlite://data/curtain.db?mode=rwc");
        assert!(defaults.demo);
    }

    #[test]
    fn run_flags_override_defaults_in_either_spelling() {
        let expected = Task::Run(ServeOptions {
            addr: "0.0.0.0:3000".to_owned(),
            database: "postgres://curtain@db/curtain".to_owned(),
            demo: false,
        });
        assert_eq!(
            parse_words(
                "run --addr 0.0.0.0:3000 --database postgres://curtain@db/curtain --no-demo"
            ),
            Ok(expected)
        );
        assert_eq!(
            parse_words(
                "run --no-demo --database=postgres://curtain@db/curtain --addr=0.0.0.0:3000"
            ),
            parse_words(
                "run --addr 0.0.0.0:3000 --database postgres://curtain@db/curtain --no-demo"
            ),
        );
    }

    #[test]
    fn an_inline_value_keeps_its_own_equals_signs() {
        let Ok(Task::Run(options)) = parse_words("run --database=sqlite://x.db?mode=rwc") else {
            panic!("should parse");
        };
        assert_eq!(options.database, "sqlite://x.db?mode=rwc");
    }

    #[test]
    fn run_rejects_what_it_cannot_use() {
        let rejected = |line: &str| parse_words(line).unwrap_err();
        assert!(rejected("run --addr").contains("`--addr` needs a value"));
        assert!(rejected("run --addr --no-demo").contains("needs a value"));
        assert!(rejected("run --addr 8080").contains("HOST:PORT"));
        assert!(rejected("run --addr localhost:http").contains("HOST:PORT"));
        assert!(rejected("run --addr=:8080").contains("HOST:PORT"));
        assert!(rejected("run --database=").contains("needs a URL"));
        assert!(rejected("run --port 1").contains("`--port`"));
        assert!(rejected("run --no-demo=yes").contains("--no-demo=yes"));
    }

    #[test]
    fn test_passes_everything_after_the_separator_to_cargo_test() {
        assert_eq!(
            parse_words("test"),
            Ok(Task::Test {
                cargo_test_args: vec![]
            })
        );
        assert_eq!(
            parse_words("test -- signup"),
            Ok(Task::Test {
                cargo_test_args: vec!["signup".to_owned()]
            })
        );
        assert_eq!(
            parse_words("test -- -p curtain-api -- --nocapture"),
            Ok(Task::Test {
                cargo_test_args: ["-p", "curtain-api", "--", "--nocapture"]
                    .map(str::to_owned)
                    .to_vec()
            })
        );
        assert!(parse_words("test signup")
            .unwrap_err()
            .contains("cargo xtask test -- signup"));
    }

    #[test]
    fn other_tasks_take_no_arguments() {
        assert_eq!(parse_words("build"), Ok(Task::Build));
        assert_eq!(parse_words("setup"), Ok(Task::Setup));
        assert_eq!(parse_words("bench"), Ok(Task::Bench { driver_args: vec![] }));
        assert_eq!(
            parse_words("bench --database postgres --replicas 2"),
            Ok(Task::Bench { driver_args: ["--database", "postgres", "--replicas", "2"].map(String::from).to_vec() })
        );
        assert!(parse_words("build --release").is_err());
        assert!(parse_words("deploy")
            .unwrap_err()
            .contains("unknown task `deploy`"));
    }

    #[test]
    fn the_url_to_open_points_at_a_reachable_host() {
        let url = |addr: &str| {
            ServeOptions {
                addr: addr.to_owned(),
                ..ServeOptions::default()
            }
            .url()
        };
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("0.0.0.0:3000"), "http://127.0.0.1:3000/");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/");
        assert_eq!(url("[::1]:8080"), "http://[::1]:8080/");
        assert_eq!(url("localhost:9000"), "http://localhost:9000/");
    }
}
