//! The real `curtain-server` binary as a child process, for what only a
//! process can show: how it stops on SIGTERM and with which exit status, and
//! the command-line subcommands (backup, restore) run beside a live server.
//!
//! The binary comes from `CURTAIN_SERVER_BIN`, which `cargo xtask test` sets
//! after building it. Without it these tests fail: they never skip.

use std::io::{BufRead, BufReader, Read};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::ApiClient;

/// How long a server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a one-off subcommand (backup, restore) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The `curtain-server` binary under test.
pub fn server_binary() -> PathBuf {
    let Some(path) = std::env::var_os("CURTAIN_SERVER_BIN") else {
        panic!(
            "CURTAIN_SERVER_BIN is not set, so this test cannot start the server as a process: \
             run the tests with `cargo xtask test`, which builds `curtain-server` and sets it"
        );
    };
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "CURTAIN_SERVER_BIN names {}, which is not a file: run the tests with `cargo xtask test`",
        path.display()
    );
    path
}

/// The `--database` value for an SQLite file.
pub fn database_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A `curtain-server serve` child process on a random loopback port, with a
/// placeholder SPA. Dropping it kills the process if it is still running.
pub struct ServerProcess {
    child: Child,
    base: String,
    exited: Option<ExitStatus>,
    output: Arc<Mutex<String>>,
    _dist: tempfile::TempDir,
}

impl ServerProcess {
    /// Starts `curtain-server serve --addr 127.0.0.1:0 --database sqlite://DB
    /// --dist DIR EXTRA…` and waits (at most 30 s) for the line that says
    /// where it listens.
    pub async fn spawn(db_path: &Path, extra_args: &[&str]) -> ServerProcess {
        Self::spawn_on(&database_url(db_path), "127.0.0.1:0", extra_args).await
    }

    /// [`ServerProcess::spawn`] on the database at `database` (either
    /// engine), listening on `addr`.
    pub async fn spawn_on(database: &str, addr: &str, extra_args: &[&str]) -> ServerProcess {
        let dist = tempfile::tempdir().expect("temporary directory");
        let spa = crate::placeholder_spa(dist.path());
        let mut child = Command::new(server_binary())
            .arg("serve")
            .args(["--addr", addr, "--database", database])
            .arg("--dist")
            .arg(&spa)
            .args(extra_args)
            // The flags above win over these; the rest must not leak in from
            // the environment the tests run in.
            .env_remove("CURTAIN_DEMO")
            .env_remove("CURTAIN_SECURE_COOKIES")
            .env_remove("CURTAIN_PUBLIC_URL")
            .env_remove("CURTAIN_SITE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting curtain-server");
        let output = Arc::new(Mutex::new(String::new()));
        let (listening_tx, listening_rx) = tokio::sync::oneshot::channel::<String>();
        // Both pipes are drained for the whole life of the process, so a
        // chatty server never blocks on a full pipe.
        let stdout = child.stdout.take().expect("piped stdout");
        let out = output.clone();
        std::thread::spawn(move || {
            let mut listening_tx = Some(listening_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(base) = listening_base(&line) {
                    if let Some(tx) = listening_tx.take() {
                        let _ = tx.send(base);
                    }
                }
                out.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let stderr = child.stderr.take().expect("piped stderr");
        drain(stderr, output.clone());

        let mut server = ServerProcess { child, base: String::new(), exited: None, output, _dist: dist };
        match tokio::time::timeout(START_TIMEOUT, listening_rx).await {
            Ok(Ok(base)) => server.base = base,
            Ok(Err(_)) => {
                // Give stderr a moment to arrive, then show it.
                tokio::time::sleep(Duration::from_millis(200)).await;
                let status = server.child.try_wait().ok().flatten();
                panic!("curtain-server stopped before listening ({status:?}); it printed:\n{}", server.output());
            }
            Err(_) => {
                panic!("curtain-server printed no \"listening on\" line within 30 s; it printed:\n{}", server.output())
            }
        }
        server
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A fresh HTTP client of this server with its own cookie jar.
    pub fn client(&self) -> ApiClient {
        ApiClient::new(&self.base)
    }

    /// A fresh client connecting from `local` (a `127.x.y.z` address).
    pub fn client_from(&self, local: IpAddr) -> ApiClient {
        ApiClient::from_address(&self.base, local)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the process printed so far, stdout and stderr interleaved by line.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Asks the server to stop, as a service manager would: SIGTERM.
    pub fn sigterm(&self) {
        // Once reaped, the id could name another process.
        assert!(self.exited.is_none(), "the server has already exited");
        // `kill` the command, not the call: no unsafe code and no dependency.
        let status =
            Command::new("kill").args(["-s", "TERM", &self.child.id().to_string()]).status().expect("running kill");
        assert!(status.success(), "sending SIGTERM to the server failed: kill {status}");
    }

    /// Waits for the process to exit and returns its status; panics (showing
    /// what it printed) when it is still running after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_exit() {
                return status;
            }
            if Instant::now() >= deadline {
                panic!("curtain-server was still running {timeout:?} later; it printed:\n{}", self.output());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The exit status, if the process has exited.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().expect("checking on the server process");
        }
        self.exited
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.try_exit().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The base URL in "Curtain is listening on http://127.0.0.1:PORT/".
fn listening_base(line: &str) -> Option<String> {
    let rest = &line[line.find("listening on http://")? + "listening on ".len()..];
    let end = rest["http://".len()..].find('/').map_or(rest.len(), |i| i + "http://".len());
    Some(rest[..end].trim().to_string())
}

fn drain(pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
}

/// Runs `curtain-server ARGS…` to completion (at most two minutes) and
/// returns its status and output.
pub async fn run_server_command<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = tokio::process::Command::new(server_binary());
    command
        .args(args)
        .env_remove("CURTAIN_DATABASE_URL")
        // Links in messages name the address the test gives, or the default.
        .env_remove("CURTAIN_PUBLIC_URL")
        .env_remove("CURTAIN_SITE_URL")
        .env_remove("CURTAIN_ADDR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let described = format!("{:?}", command.as_std());
    let child = command.spawn().unwrap_or_else(|e| panic!("starting {described}: {e}"));
    match tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => output.unwrap_or_else(|e| panic!("running {described}: {e}")),
        Err(_) => panic!("{described} did not finish within {COMMAND_TIMEOUT:?}"),
    }
}

/// What a finished command printed, for assertion messages.
pub fn describe_output(output: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[cfg(test)]
mod tests {
    use super::listening_base;

    #[test]
    fn reads_the_address_from_the_listening_line() {
        assert_eq!(
            listening_base("Curtain is listening on http://127.0.0.1:41234/").as_deref(),
            Some("http://127.0.0.1:41234")
        );
        assert_eq!(listening_base("listening on http://[::1]:80").as_deref(), Some("http://[::1]:80"));
        assert_eq!(listening_base("Loaded 3 demonstration members"), None);
    }
}
