//! Backup and restore with the real binary: `curtain-server backup` copies
//! the database consistently while the server runs and members write;
//! `curtain-server restore` puts such a copy in place of a database, and a
//! server started on it works.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::time::{Duration, Instant};

use curtain_tests::load::{self, LoadConfig, Mix};
use curtain_tests::open_database;
use curtain_tests::process::{database_url, describe_output, run_server_command, ServerProcess};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::AnyPool;

const PW: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_to_a_working_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("curtain.db");
    let backup = dir.path().join("backup.db");
    let mut server = ServerProcess::spawn(&db, &[]).await;

    // Someone who was there well before the backup.
    let early = server.client();
    let r = early.sign_up("early_bird", PW).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let title = json!({"title": "Rear Window", "year": 1954, "kind": "movie", "watched_on": "2024-06-01"});
    assert_eq!(early.post("/api/me/history", &title).await.status, StatusCode::CREATED);

    let base = server.base().to_string();
    let load =
        tokio::spawn(async move { load::run(&base, LoadConfig::new(8, Duration::from_secs(5), Mix::Writes)).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let backup_started = Instant::now();
    let out = run_server_command(command("backup", "--to", &backup, &db)).await;
    let backup_took = backup_started.elapsed();
    assert!(out.status.success(), "backup under load: {}", describe_output(&out));
    assert!(backup.is_file(), "the backup wrote no {}", backup.display());
    println!("backup took {backup_took:?}");

    // A second backup to the same file is refused and leaves it alone.
    let before = std::fs::read(&backup).unwrap();
    let out = run_server_command(command("backup", "--to", &backup, &db)).await;
    assert!(!out.status.success(), "a backup over an existing file must fail: {}", describe_output(&out));
    assert!(std::fs::read(&backup).unwrap() == before, "the refused backup changed the existing file");

    let report = load.await.expect("the load ran");
    println!("{}", report.summary());
    assert_eq!(report.server_errors(), 0, "5xx while the backup ran:\n{}", report.status_table());
    server.sigterm();
    let status = server.wait_exit(Duration::from_secs(12)).await;
    assert!(status.success(), "exit status {status}; the server printed:\n{}", server.output());

    // The copy itself is sound and complete as of some moment during the backup.
    let copy = open_database(&backup).await;
    assert_eq!(integrity(&copy).await, "ok");
    copy.close().await;

    let restored = dir.path().join("restored").join("curtain.db");
    std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
    let out = run_server_command(command("restore", "--from", &backup, &restored)).await;
    assert!(out.status.success(), "restore: {}", describe_output(&out));

    let pool = open_database(&restored).await;
    assert_eq!(integrity(&pool).await, "ok");
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh_path = fresh_dir.path().join("fresh.db");
    let fresh = curtain_server::db::connect(&database_url(&fresh_path)).await.expect("a freshly migrated database");
    fresh.close().await.unwrap();
    let fresh = open_database(&fresh_path).await;
    assert_eq!(schema(&pool).await, schema(&fresh).await, "the restored database's schema differs from a fresh one");
    // Everything acknowledged before the backup began is in it.
    let signed_up_before = backup_started - report.started;
    let names: Vec<String> = sqlx::query_scalar("SELECT username_key FROM users").fetch_all(&pool).await.unwrap();
    let missing: Vec<&String> = report
        .ledger
        .members
        .iter()
        .filter(|(name, m)| m.signed_up < signed_up_before && !names.contains(&name.to_lowercase()))
        .map(|(name, _)| name)
        .collect();
    let before_count = report.ledger.members.values().filter(|m| m.signed_up < signed_up_before).count();
    assert!(before_count > 0, "no member signed up under load before the backup");
    assert!(missing.is_empty(), "signed up (201) before the backup began, missing from it: {missing:?}");
    pool.close().await;

    let mut again = ServerProcess::spawn(&restored, &[]).await;
    let c = again.client();
    let r = c.get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = c.sign_in("early_bird", PW, false).await;
    assert_eq!(r.status, StatusCode::OK, "a member from before the backup signs in: {:?}", r.body);
    let r = c.get("/api/users/early_bird/history").await;
    assert_eq!(r.body["entries"][0]["title"], "Rear Window", "{:?}", r.body);
    again.sigterm();
    assert!(again.wait_exit(Duration::from_secs(12)).await.success());
}

/// `curtain-server SUBCOMMAND FLAG FILE --database sqlite://DB`
fn command(subcommand: &str, flag: &str, file: &Path, db: &Path) -> Vec<OsString> {
    vec![subcommand.into(), flag.into(), file.into(), "--database".into(), database_url(db).into()]
}

async fn integrity(db: &AnyPool) -> String {
    sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db).await.unwrap()
}

/// Every table with its columns (name, type, not null, default, key
/// position), and every named index.
async fn schema(db: &AnyPool) -> BTreeMap<String, Vec<(String, String, i64, Option<String>, i64)>> {
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut schema = BTreeMap::new();
    for (kind, name) in names {
        let columns = if kind == "table" {
            sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(db)
                .await
                .unwrap()
        } else {
            Vec::new()
        };
        schema.insert(format!("{kind} {name}"), columns);
    }
    schema
}
