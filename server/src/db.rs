//! The database pool and its migrations.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Opens (creating if needed) the SQLite database at `url` and brings its
/// schema up to date with the migrations embedded in the binary.
pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        anyhow::bail!("PostgreSQL is not supported yet; use a sqlite:// URL");
    }
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("bad database URL {url:?}"))?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    // An in-memory database lives as long as its one connection.
    let in_memory = url.contains(":memory:");
    let pool = SqlitePoolOptions::new()
        .max_connections(if in_memory { 1 } else { 8 })
        .min_connections(if in_memory { 1 } else { 0 })
        .idle_timeout(if in_memory { None } else { Some(Duration::from_secs(600)) })
        .max_lifetime(if in_memory { None } else { Some(Duration::from_secs(1800)) })
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {url}"))?;
    sqlx::migrate!("./migrations").run(&pool).await.context("running migrations")?;
    // The policy versions this release ships; refuses to start if a
    // published one was edited.
    crate::policy::store::sync_published(&pool, crate::clock::now()).await?;
    Ok(pool)
}
