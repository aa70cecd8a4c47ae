//! The retention purge as the real binary runs it: `curtain-server serve`
//! purges at start (and stops cleanly on SIGTERM), and `curtain-server purge`
//! does it on demand and prints what it removed. The periods themselves are
//! proved with a moved clock in `api_retention.rs`.

use std::path::Path;
use std::time::{Duration, Instant};

use curtain_tests::open_database;
use curtain_tests::process::{database_url, describe_output, run_server_command, ServerProcess};
use sqlx::AnyPool;

const DAY: i64 = 86_400;

/// A migrated database at `path` holding records long past their periods,
/// and one failed sign-in that still counts. Returns a connection to it.
async fn database_with_old_records(path: &Path) -> AnyPool {
    let db = curtain_server::db::connect(&database_url(path)).await.expect("a new database");
    db.close().await.unwrap();
    let pool = open_database(path).await;
    let now = curtain_server::clock::now();
    for (sql, at) in [
        ("INSERT INTO signin_failures (account_key, ip, at) VALUES ('ana', '10.0.0.1', $1)", now - 3 * DAY),
        ("INSERT INTO signin_failures (account_key, ip, at) VALUES ('bruno', '10.0.0.2', $1)", now - 2 * DAY),
        ("INSERT INTO signin_failures (account_key, ip, at) VALUES ('fresh', '10.0.0.3', $1)", now),
        (
            "INSERT INTO child_reports (username, reporter_email, message, ip, created_at)
             VALUES ('kid_old', 'parent@example.org', 'Long ago.', '10.0.0.4', $1)",
            now - 400 * DAY,
        ),
        (
            "INSERT INTO child_reports (username, reporter_email, message, ip, created_at)
             VALUES ('kid_recent', 'parent@example.org', 'A hundred days ago.', '10.0.0.5', $1)",
            now - 100 * DAY,
        ),
    ] {
        sqlx::query(sql).bind(at).execute(&pool).await.unwrap();
    }
    sqlx::query("INSERT INTO page_views (path, day, count) VALUES ('/privacy', '2001-01-01', 3)").execute(&pool).await.unwrap();
    pool
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// What should be left once the purge has run: the fresh failure, and the
/// recent report without its address.
async fn purged(pool: &AnyPool) -> bool {
    count(pool, "SELECT COUNT(*) FROM signin_failures").await == 1
        && count(pool, "SELECT COUNT(*) FROM page_views").await == 0
        && count(pool, "SELECT COUNT(*) FROM child_reports WHERE username = 'kid_old'").await == 0
        && count(pool, "SELECT COUNT(*) FROM child_reports WHERE username = 'kid_recent' AND ip = ''").await == 1
}

// promise: retention-periods
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_purges_when_it_starts_and_still_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curtain.db");
    let pool = database_with_old_records(&path).await;
    assert!(!purged(&pool).await);

    let mut server = ServerProcess::spawn(&path, &[]).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !purged(&pool).await {
        assert!(Instant::now() < deadline, "the server did not purge at start; it printed:\n{}", server.output());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM signin_failures WHERE account_key = 'fresh'").await,
        1,
        "a failure that still counts stays"
    );
    server.sigterm();
    let status = server.wait_exit(Duration::from_secs(12)).await;
    assert!(status.success(), "exit status {status}; the server printed:\n{}", server.output());
}

#[tokio::test]
async fn the_purge_command_says_what_it_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curtain.db");
    let pool = database_with_old_records(&path).await;

    let out = run_server_command(["purge".into(), "--database".into(), database_url(&path)]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "Failed sign-ins: 2 deleted (kept one day after the attempt)",
        "Parents' reports: 1 deleted (kept one year after the report)",
        "IP addresses on parents' reports: 1 cleared (kept 90 days after the report)",
        "Page-view counts: 1 deleted (kept two years after the end of the day)",
        "Sign-in log: 0 deleted (kept one year after the sign-in)",
        "5 record(s) past their retention period removed.",
    ] {
        assert!(stdout.lines().any(|l| l == line), "no line {line:?} in:\n{}", describe_output(&out));
    }
    assert!(purged(&pool).await);

    // Nothing more is due: a second run removes nothing.
    let out = run_server_command(["purge".into(), "--database".into(), database_url(&path)]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n0 record(s) past their retention period removed."));
}
