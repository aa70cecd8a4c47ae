//! Links written into e-mail name the site's public address: the demo's
//! unsubscribe links name the address the demo is reached at (the port it
//! listens on, or `--public-url`). Run with the real binary (SQLite, or
//! PostgreSQL with `CURTAIN_TEST_DATABASE=postgres`).

use curtain_tests::process::ServerProcess;
use serde_json::json;
use reqwest::StatusCode;

/// Every absolute link in a plain-text body.
fn links(body: &str) -> Vec<&str> {
    body.split_whitespace().filter(|w| w.contains("://")).collect()
}

/// The body of ana's demonstration newsletter.
async fn demo_newsletter(database: &str) -> String {
    let pool = curtain_tests::connect_any(database).await;
    sqlx::query_scalar(
        "SELECT o.body FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.username = 'ana' AND o.kind = 'newsletter'",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
}

/// The unsubscribe link in `body`.
fn unsubscribe_link(body: &str) -> &str {
    links(body).into_iter().find(|l| l.contains("/unsubscribe/")).unwrap_or_else(|| panic!("no unsubscribe link: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_on_a_given_port_writes_links_naming_that_port() {
    let dir = tempfile::tempdir().unwrap();
    let database = curtain_tests::test_database_url(dir.path()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = ServerProcess::spawn_on(&database, &format!("127.0.0.1:{port}"), &["--demo"]).await;
    assert_eq!(server.base(), format!("http://127.0.0.1:{port}"));

    let body = demo_newsletter(&database).await;
    let link = unsubscribe_link(&body);
    assert!(link.starts_with(&format!("http://127.0.0.1:{port}/unsubscribe/")), "{body}");
    // And it works there, signed out.
    let token = link.rsplit('/').next().unwrap();
    let r = server.client().post("/api/unsubscribe", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_with_a_public_url_writes_links_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = curtain_tests::test_database_url(dir.path()).await;
    let server =
        ServerProcess::spawn_on(&database, "127.0.0.1:0", &["--demo", "--public-url", "https://Demo.Curtain.example/"]).await;
    let body = demo_newsletter(&database).await;
    assert!(unsubscribe_link(&body).starts_with("https://demo.curtain.example/unsubscribe/"), "{body}");
    assert!(!body.contains("127.0.0.1"), "{body}");
    // The server's own pages name it too.
    let robots = server.client().get("/robots.txt").await;
    assert!(robots.body.as_str().unwrap().contains("https://demo.curtain.example/sitemap.xml"), "{:?}", robots.body);
}
