//! The database: its connections, its migrations, and the one way to write.
//!
//! SQLite allows one writer at a time. Rather than let connections race for
//! the write lock (a transaction that read first cannot upgrade once another
//! connection committed, and fails with "database is locked" whatever the
//! busy timeout), every write in this process goes through [`Db::begin_write`]:
//! the one writer connection, taken in turn from a fair queue, in a
//! transaction that takes the write lock when it starts (`BEGIN IMMEDIATE`).
//! Reads use a pool of read-only connections and never wait for writers (WAL).
//! Waiting is bounded: a request that cannot get its connection in time is
//! answered `503` with `Retry-After` ([`crate::error::Error::Busy`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor, Transaction};

use crate::error::Result;

/// A connection of either engine. Storage functions that write take one (the
/// caller's transaction); queries are written once, with `$1`-style
/// parameters, which both engines accept.
pub type Conn = sqlx::AnyConnection;

/// A pool of either engine.
pub type Pool = AnyPool;

/// A write transaction: holds the write lock until it commits or is dropped
/// (which rolls it back).
pub type WriteTx = Transaction<'static, Any>;

/// How long a request waits for the writer, or for a reader, before it is
/// answered `503`. Also SQLite's busy timeout, for locks held by another
/// process (a command-line subcommand, a backup), and PostgreSQL's lock
/// timeout for the write lock.
pub const WAIT: Duration = Duration::from_secs(5);

/// Read connections per process.
const READERS: u32 = 8;

/// The key of the PostgreSQL advisory lock every write transaction takes, so
/// that writes from every replica happen one at a time, as on SQLite.
pub const WRITE_LOCK: i64 = 0x4375_7274_6169_6e; // "Curtain"

/// Which database engine a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Readers in parallel, one writer at a time. Cloning is cheap (pools are
/// shared handles).
#[derive(Clone, Debug)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    engine: Engine,
    url: String,
    /// The database file; `None` in memory or on PostgreSQL.
    path: Option<PathBuf>,
}

/// The engine a database URL names.
pub fn engine_of(url: &str) -> Engine {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Engine::Postgres
    } else {
        Engine::Sqlite
    }
}

/// Opens (creating if needed) the database at `url` and brings its schema up
/// to date with the migrations embedded in the binary. On PostgreSQL the
/// migrator holds an advisory lock, so replicas starting together migrate once.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    let db = open(url).await?;
    match db.engine {
        Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&db.write).await,
        Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&db.write).await,
    }
    .context("running migrations")?;
    // The policy versions this release ships; refuses to start if a
    // published one was edited.
    crate::policy::store::sync_published(&db, crate::clock::now()).await?;
    Ok(db)
}

/// Opens the database without migrating it.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    match engine_of(url) {
        Engine::Sqlite => open_sqlite(url).await,
        Engine::Postgres => open_postgres(url).await,
    }
}

async fn open_postgres(url: &str) -> anyhow::Result<Db> {
    let options = AnyConnectOptions::from_str(url).with_context(|| format!("bad database URL {url:?}"))?;
    let write = AnyPoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(WAIT)
        .connect_with(options.clone())
        .await
        .with_context(|| format!("opening database {url}"))?;
    // Readers refuse to write, as on SQLite.
    let read = AnyPoolOptions::new()
        .max_connections(READERS)
        .min_connections(0)
        .idle_timeout(Some(Duration::from_secs(600)))
        .acquire_timeout(WAIT)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("SET default_transaction_read_only = on").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {url}"))?;
    Ok(Db { read, write, engine: Engine::Postgres, url: url.to_string(), path: None })
}

/// The settings every SQLite connection runs with; readers also refuse to write.
async fn sqlite_pragmas(conn: &mut Conn, query_only: bool) -> sqlx::Result<()> {
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute(format!("PRAGMA busy_timeout = {}", WAIT.as_millis()).as_str()).await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    if query_only {
        conn.execute("PRAGMA query_only = ON").await?;
    }
    Ok(())
}

async fn open_sqlite(url: &str) -> anyhow::Result<Db> {
    let sqlite = SqliteConnectOptions::from_str(url).with_context(|| format!("bad database URL {url:?}"))?;
    let path = sqlite.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:") || path.as_os_str().is_empty() || path == Path::new(":memory:");
    // Created when missing.
    let url_rwc = if in_memory || url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    let options = AnyConnectOptions::from_str(&url_rwc).with_context(|| format!("bad database URL {url:?}"))?;
    // An in-memory database lives as long as its one connection, which must
    // then both read and write.
    if in_memory {
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(WAIT)
            .after_connect(|conn, _| Box::pin(async move { sqlite_pragmas(conn, false).await }))
            .connect_with(options)
            .await
            .with_context(|| format!("opening database {url}"))?;
        return Ok(Db { read: pool.clone(), write: pool, engine: Engine::Sqlite, url: url.to_string(), path: None });
    }
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    // The writer first: it creates the file and switches it to WAL.
    let write = AnyPoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(WAIT)
        .after_connect(|conn, _| Box::pin(async move { sqlite_pragmas(conn, false).await }))
        .connect_with(options.clone())
        .await
        .with_context(|| format!("opening database {url}"))?;
    write.execute("PRAGMA journal_mode = WAL").await.context("switching to write-ahead logging")?;
    // Readers refuse to write, so a write that forgot to go through
    // `begin_write` fails loudly in the tests instead of racing the writer.
    let read = AnyPoolOptions::new()
        .max_connections(READERS)
        .min_connections(0)
        .idle_timeout(Some(Duration::from_secs(600)))
        .max_lifetime(Some(Duration::from_secs(1800)))
        .acquire_timeout(WAIT)
        .after_connect(|conn, _| Box::pin(async move { sqlite_pragmas(conn, true).await }))
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {url}"))?;
    Ok(Db { read, write, engine: Engine::Sqlite, url: url.to_string(), path: Some(path) })
}

impl Db {
    /// The read-only connections, for any query that writes nothing.
    pub fn read(&self) -> &AnyPool {
        &self.read
    }

    /// Which engine this is, for the few statements that differ.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Starts a write transaction, holding the write lock from the start:
    /// on SQLite the one writer connection in `BEGIN IMMEDIATE`; on
    /// PostgreSQL a transaction that takes the advisory write lock every
    /// replica shares. Waits its turn at most [`WAIT`]; then `Busy`.
    /// Read what the write depends on through the transaction, not through
    /// [`Db::read`]: only then is it what the write sees.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        match self.engine {
            Engine::Sqlite => Ok(self.write.begin_with("BEGIN IMMEDIATE").await?),
            Engine::Postgres => {
                let mut tx = self.write.begin().await?;
                (&mut *tx).execute(format!("SET LOCAL lock_timeout = '{}ms'", WAIT.as_millis()).as_str()).await?;
                // `SELECT 1 FROM`: the function returns `void`, which no driver decodes.
                sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(&mut *tx).await?;
                Ok(tx)
            }
        }
    }

    /// Copies the whole database, consistent as of one moment, to a new file
    /// at `to`, while others go on reading and writing. The copy is written
    /// beside `to` and linked into place only when complete, so `to` is
    /// either absent or a whole backup.
    pub async fn backup_to(&self, to: &Path) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.engine == Engine::Sqlite,
            "back up PostgreSQL with its own tools (pg_dump; see docs/deploy.md)"
        );
        anyhow::ensure!(self.path.is_some(), "an in-memory database cannot be backed up");
        anyhow::ensure!(!to.exists(), "{} already exists; a backup never overwrites a file", to.display());
        let partial = sibling(to, ".partial");
        let _ = std::fs::remove_file(&partial);
        let target = partial.to_str().context("the backup path must be valid UTF-8")?.to_string();
        // A connection of its own: readers are `query_only`, which VACUUM
        // INTO refuses, and the copy must not hold up the writer. VACUUM
        // INTO reads one snapshot, so the copy is consistent.
        let options = SqliteConnectOptions::from_str(&self.url)?.busy_timeout(WAIT);
        let mut conn = options.connect().await.context("opening a connection for the backup")?;
        sqlx::query("VACUUM INTO ?").bind(&target).execute(&mut conn).await.context("copying the database")?;
        conn.close().await.ok();
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).context("syncing the backup")?;
        // A hard link never replaces a file that appeared meanwhile.
        std::fs::hard_link(&partial, to).with_context(|| format!("moving the backup to {}", to.display()))?;
        std::fs::remove_file(&partial).ok();
        Ok(())
    }

    /// Moves everything in the write-ahead log into the database file and
    /// empties the log, then closes every connection. The last thing a
    /// server does before it exits.
    pub async fn close(&self) -> anyhow::Result<()> {
        self.read.close().await;
        if self.engine == Engine::Sqlite && self.path.is_some() {
            // Waits for the writer like any write, so a write in flight finishes first.
            let mut conn = self.write.acquire().await.context("taking the writer to checkpoint")?;
            let (busy, _, _): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut *conn).await?;
            if busy != 0 {
                tracing::warn!("the write-ahead log could not be fully checkpointed (another process is reading)");
            }
        }
        self.write.close().await;
        Ok(())
    }

    /// Whether the database answers a query within `timeout`.
    pub async fn answers(&self, timeout: Duration) -> bool {
        let probe = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.read);
        matches!(tokio::time::timeout(timeout, probe).await, Ok(Ok(1)))
    }
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// What a restore put in place.
#[derive(Debug)]
pub struct Restored {
    /// Migrations the backup had applied (the server applies any newer ones when it starts).
    pub migrations: usize,
    /// Member accounts in it.
    pub members: i64,
}

/// Replaces the database at `url` with the backup `from`, which is left as it
/// was. The server must be stopped: a database another process has open is
/// refused. The backup is copied beside the database, checked (SQLite's
/// integrity check, and migrations this release knows), and only then moved
/// over it, with the old write-ahead log removed so nothing of the old
/// database is replayed into the restored one.
pub async fn restore(from: &Path, url: &str) -> anyhow::Result<Restored> {
    anyhow::ensure!(engine_of(url) == Engine::Sqlite, "restore PostgreSQL with its own tools (pg_restore; see docs/deploy.md)");
    anyhow::ensure!(from.is_file(), "{} is not a file", from.display());
    let options = SqliteConnectOptions::from_str(url).with_context(|| format!("bad database URL {url:?}"))?;
    let target = options.get_filename().to_path_buf();
    anyhow::ensure!(!url.contains(":memory:"), "restore needs a database file, not an in-memory database");
    if target.exists() {
        ensure_unused(&target).await?;
    } else if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let incoming = sibling(&target, ".restoring");
    std::fs::copy(from, &incoming).with_context(|| format!("copying {} to {}", from.display(), incoming.display()))?;
    let restored = match check_backup(&incoming).await {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(e.context(format!("{} is not a usable Curtain backup", from.display())));
        }
    };
    std::fs::File::open(&incoming).and_then(|f| f.sync_all()).context("syncing the restored copy")?;
    for suffix in ["-wal", "-shm"] {
        let stale = sibling(&target, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
        }
    }
    std::fs::rename(&incoming, &target).with_context(|| format!("moving the restored copy to {}", target.display()))?;
    Ok(restored)
}

/// Fails when another process (a running server) has the database open.
async fn ensure_unused(path: &Path) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .locking_mode(sqlx::sqlite::SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO);
    let mut conn = options.connect().await.with_context(|| format!("opening {}", path.display()))?;
    let taken = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
    let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
    conn.close().await.ok();
    if taken.is_err() {
        anyhow::bail!("{} is in use: stop the server (and any other program using it) first", path.display());
    }
    Ok(())
}

/// Checks a copy of a backup: SQLite's integrity check passes and every
/// migration it applied is one this release has, unchanged.
async fn check_backup(path: &Path) -> anyhow::Result<Restored> {
    let mut conn = SqliteConnectOptions::new().filename(path).connect().await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    anyhow::ensure!(integrity == "ok", "its integrity check failed: {integrity}");
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .context("it has no migration history")?;
    let known = sqlx::migrate!("./migrations/sqlite");
    for (version, checksum) in &applied {
        let ours = known.iter().find(|m| m.version == *version);
        anyhow::ensure!(
            ours.is_some_and(|m| m.checksum.as_ref() == checksum.as_slice()),
            "its migration {version} is not one this release knows (a backup from a newer or different release?)"
        );
    }
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(Restored { migrations: applied.len(), members })
}

/// Opens a database that must already exist (for commands that only read
/// it, like `backup`), without migrating it.
pub async fn open_existing(url: &str) -> anyhow::Result<Db> {
    if engine_of(url) == Engine::Postgres {
        return open(url).await;
    }
    let options = SqliteConnectOptions::from_str(url).with_context(|| format!("bad database URL {url:?}"))?;
    let path = options.get_filename();
    anyhow::ensure!(path.is_file(), "there is no database at {}", path.display());
    open(url).await
}

/// A yes/no column as either engine stores it: PostgreSQL `BOOLEAN`, SQLite
/// `INTEGER` 0/1 (and SQLite's `EXISTS`, comparisons and the like, which are
/// integers too). Decode a flag as `Flag` and use `.0`; bind a `bool`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<Any>>::compatible(ty) || <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> std::result::Result<Self, sqlx::error::BoxDynError> {
        // SQL's unknown (a NULL from a comparison with NULL) is not true.
        if sqlx::ValueRef::is_null(&value) {
            return Ok(Flag(false));
        }
        match <bool as sqlx::Decode<Any>>::decode(value.clone()) {
            Ok(b) => Ok(Flag(b)),
            Err(_) => Ok(Flag(<i64 as sqlx::Decode<Any>>::decode(value)? != 0)),
        }
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// The engine behind a pool of either kind.
pub fn engine_of_pool(pool: &AnyPool) -> Engine {
    engine_of(pool.connect_options().database_url.as_str())
}

/// The engine behind a connection of either kind.
pub fn engine_of_conn(conn: &Conn) -> Engine {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        Engine::Postgres
    } else {
        Engine::Sqlite
    }
}
