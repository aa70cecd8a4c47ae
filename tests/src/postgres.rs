//! A throwaway PostgreSQL cluster for the tests that run against
//! PostgreSQL: started on first use in a temporary folder (one per test
//! process), on its own port, with durability switched off for speed, and
//! stopped and removed when the process exits. Each test gets a database of
//! its own ([`fresh_database`]).
//!
//! The server binaries come from `CURTAIN_PG_BIN` (which `cargo xtask test`
//! sets after installing PostgreSQL when it is missing), else the newest
//! `/usr/lib/postgresql/*/bin`. `initdb` refuses to run as root, so as root
//! the cluster runs as the `postgres` user.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

static CLUSTER: OnceLock<Mutex<Option<Cluster>>> = OnceLock::new();
static NEXT_DATABASE: AtomicU64 = AtomicU64::new(0);

/// Where PostgreSQL's programs are.
pub fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CURTAIN_PG_BIN").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
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
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn start() -> Cluster {
        let bin = bin_dir().expect("PostgreSQL is not installed (cargo xtask test installs it)");
        let dir = tempfile::Builder::new().prefix("curtain-pg-").tempdir().expect("a temporary folder").keep();
        let as_postgres = running_as_root();
        if as_postgres {
            let status = Command::new("chown").args(["-R", "postgres"]).arg(&dir).status().expect("chown");
            assert!(status.success(), "chown the cluster folder to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let cluster = Cluster { dir: dir.clone(), bin, port, as_postgres };
        let data = dir.join("data");
        // A linguistic default collation, as most servers have (ICU's
        // English), so that no query may rely on byte order by accident;
        // plain C where PostgreSQL was built without ICU.
        let initdb = |locale: &[&str]| {
            let _ = std::fs::remove_dir_all(&data);
            cluster
                .command("initdb")
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", "curtain", "--no-sync", "-E", "UTF8"])
                .args(locale)
                .output()
                .expect("running initdb")
        };
        let mut out = initdb(&["--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"]);
        if !out.status.success() {
            out = initdb(&["--locale=C"]);
        }
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            dir.display()
        );
        let out = cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-w", "-l"])
            .arg(dir.join("log"))
            .arg("start")
            .output()
            .expect("running pg_ctl");
        assert!(
            out.status.success(),
            "PostgreSQL did not start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        cluster
    }

    fn stop(&self) {
        let _ = self.command("pg_ctl").arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://curtain@127.0.0.1:{}/{database}", self.port)
    }
}

extern "C" fn stop_at_exit() {
    if let Some(cluster) = CLUSTER.get().and_then(|c| c.lock().ok()?.take()) {
        cluster.stop();
    }
}

fn cluster_url(database: &str) -> String {
    let cell = CLUSTER.get_or_init(|| {
        let cluster = Cluster::start();
        // SAFETY: registers a plain function to run at exit.
        unsafe { libc::atexit(stop_at_exit) };
        Mutex::new(Some(cluster))
    });
    cell.lock().unwrap().as_ref().expect("the cluster is running").url(database)
}

/// The URL of a new, empty database on the test cluster.
pub async fn fresh_database() -> String {
    let maintenance = cluster_url("postgres");
    let name = format!("curtain_{}_{}", std::process::id(), NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&maintenance).await.expect("connecting to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("creating a test database");
    cluster_url(&name)
}

/// Whether `path` looks like a PostgreSQL URL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}
