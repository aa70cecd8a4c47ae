//! Members are told of a material policy version by e-mail: `curtain-server
//! policy publish` writes one notice per member to the outbox, with links
//! built from `--public-url`, and a wording-only version tells nobody. The
//! demo's unsubscribe links name the address the demo is reached at. Run
//! with the real binary against the test server's database (SQLite, or
//! PostgreSQL with `CURTAIN_TEST_DATABASE=postgres`).

use std::process::Output;

use curtain_api::CivilDate;
use curtain_server::clock;
use curtain_tests::process::{describe_output, run_server_command, ServerProcess};
use curtain_tests::{long_date, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";
const URGENT: &str = "A new national law requires us to name our hosting provider by next week.";

fn in_days(days: i64) -> CivilDate {
    CivilDate::from_unix_days(clock::now().div_euclid(86_400) + days)
}

fn version_file(n: u32, effective: CivilDate, material: bool, summary: &str) -> String {
    let material = if material { "yes" } else { "no" };
    format!(
        "---\nversion: {n}\neffective: {effective}\nmaterial: {material}\nsummary: {summary}\n---\n\n\
         ## In short {{#in-short}}\n\nShort, version {n}.\n\n## Children {{#children}}\n\nNot for children.\n"
    )
}

/// The version after the ones this release ships.
fn next_version() -> u32 {
    curtain_server::policy::published::PUBLISHED.len() as u32 + 1
}

/// `curtain-server policy publish FILE ARGS… --database URL` on the app's database.
async fn publish(app: &TestApp, source: &str, args: &[&str]) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), source).unwrap();
    let mut all = vec!["policy".to_string(), "publish".into(), file.path().display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["--database".to_string(), app.database_url.clone()]);
    run_server_command(all).await
}

/// A policy change notice as stored in the outbox.
#[derive(Debug, sqlx::FromRow)]
struct Notice {
    user_id: Option<i64>,
    to_address: String,
    subject: String,
    body: String,
}

async fn notices(app: &TestApp) -> Vec<Notice> {
    sqlx::query_as("SELECT user_id, to_address, subject, body FROM outbox WHERE kind = 'policy_change' ORDER BY id")
        .fetch_all(app.command_db.read())
        .await
        .unwrap()
}

async fn outbox_size(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(app.command_db.read()).await.unwrap()
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.command_db.read())
        .await
        .unwrap()
}

/// Every absolute link in a plain-text body.
fn links(body: &str) -> Vec<&str> {
    body.split_whitespace().filter(|w| w.contains("://")).collect()
}

/// The notices of version `n`, checked to be exactly one per member in
/// `members` (username, account id), to the member's address, and the same
/// for everyone. Returns that subject and body.
async fn one_notice_each(app: &TestApp, n: u32, members: &[(&str, i64)]) -> (String, String) {
    let version_link = format!("/privacy/v/{n}");
    let of_n: Vec<Notice> = notices(app)
        .await
        .into_iter()
        .filter(|m| links(&m.body).iter().any(|l| l.ends_with(&version_link)))
        .collect();
    let mut got: Vec<(Option<i64>, String)> = of_n.iter().map(|m| (m.user_id, m.to_address.clone())).collect();
    got.sort();
    let mut want: Vec<(Option<i64>, String)> =
        members.iter().map(|(name, id)| (Some(*id), format!("{name}@example.org"))).collect();
    want.sort();
    assert_eq!(got, want, "exactly one notice of version {n} per member, to their address: {of_n:#?}");
    for m in &of_n[1..] {
        assert_eq!((&m.subject, &m.body), (&of_n[0].subject, &of_n[0].body), "every member gets the same notice");
    }
    (of_n[0].subject.clone(), of_n[0].body.clone())
}

#[tokio::test]
async fn a_material_version_tells_every_member_once_and_a_wording_change_nobody() {
    let app = TestApp::spawn().await;
    let mia = app.member("mia", PW).await;
    app.member("noor", PW).await;
    app.member("otto", PW).await;
    let pia = app.member("pia", PW).await;
    // Marketing preferences change nothing: mia wants the newsletter, the others keep it off.
    let r = mia.send(reqwest::Method::PATCH, "/api/me/email-preferences", Some(&json!({"newsletter": true})), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // A deleted account is not mailed.
    let r = pia.send(reqwest::Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "pia"})), None).await;
    assert!(r.status.is_success(), "{:?}", r.body);
    // An account whose typed address another account holds has no address
    // of its own yet (only a pending one): nothing can be sent to it.
    let mut body = curtain_tests::signup_body("sam", PW, "1990-05-01");
    body["email"] = json!("Mia@example.org");
    assert_eq!(app.client().post("/api/auth/signup", &body).await.status, StatusCode::CREATED);
    let members =
        [("mia", user_id(&app, "mia").await), ("noor", user_id(&app, "noor").await), ("otto", user_id(&app, "otto").await)];
    let before = outbox_size(&app).await;

    // An urgent material version, with links on the public address.
    let n = next_version();
    let effective = in_days(3);
    let source = version_file(n, effective, true, "Names the company that hosts our servers.");
    let out = publish(&app, &source, &["--urgent", URGENT, "--public-url", "https://curtain.example/"]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 member(s) notified by e-mail, with links to https://curtain.example "), "{}", describe_output(&out));
    assert_eq!(outbox_size(&app).await, before + 3);
    let (subject, body) = one_notice_each(&app, n, &members).await;
    let date = long_date(effective);
    assert_eq!(subject, format!("Our privacy policy changes on {date}"));
    assert!(body.contains(&format!("Version {n} takes effect on {date}.")), "{body}");
    assert!(body.contains("What changes: Names the company that hosts our servers.\n"), "{body}");
    assert!(body.contains(&format!("because: {URGENT}\n")), "{body}");
    // The version in force is the one the comparison starts from.
    let in_force = n - 1;
    assert_eq!(
        links(&body),
        [
            format!("https://curtain.example/privacy/v/{n}"),
            format!("https://curtain.example/privacy/compare?from={in_force}&to={n}")
        ],
        "{body}"
    );
    // Both links lead to real pages of the site.
    for link in links(&body) {
        let path = link.strip_prefix("https://curtain.example").unwrap();
        let r = app.client().get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }

    // A wording-only version: nobody is e-mailed.
    let source = version_file(n + 1, effective, false, "Clearer wording; nothing we do changes.");
    let out = publish(&app, &source, &["--public-url", "https://curtain.example"]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no member was e-mailed"), "{}", describe_output(&out));
    assert_eq!(outbox_size(&app).await, before + 3, "no message for a wording-only version");

    // A material version in good time, published with the option's older name.
    let later = in_days(45);
    let source = version_file(n + 2, later, true, "Adds film clubs.");
    let out = publish(&app, &source, &["--site-url", "https://www.curtain.example"]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    assert_eq!(outbox_size(&app).await, before + 6);
    let (subject, body) = one_notice_each(&app, n + 2, &members).await;
    assert_eq!(subject, format!("Our privacy policy changes on {}", long_date(later)));
    assert!(!body.contains("because:"), "no urgent reason: {body}");
    assert_eq!(
        links(&body),
        [
            format!("https://www.curtain.example/privacy/v/{}", n + 2),
            format!("https://www.curtain.example/privacy/compare?from={in_force}&to={}", n + 2)
        ],
        "{body}"
    );
    assert_eq!(notices(&app).await.len(), 6, "two material versions, three members");
}

#[tokio::test]
async fn a_bad_public_url_is_refused_before_anything_is_published() {
    let app = TestApp::spawn().await;
    app.member("quin", PW).await;
    let source = version_file(next_version(), in_days(40), true, "Adds film clubs.");
    for (given, says) in [
        ("ftp://curtain.example", "must start with http:// or https://"),
        ("curtain.example", "not an absolute address"),
        ("https://curtain.example/?from=mail", "must not have a query"),
        ("https://curtain.example/curtain", "has a path"),
        ("https://editor:secret@curtain.example", "user name or password"),
    ] {
        let out = publish(&app, &source, &["--public-url", given]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("--public-url") && stderr.contains(says), "{given}: {}", describe_output(&out));
        let r = app.client().get("/api/policies/privacy/versions").await;
        assert_eq!(r.body["versions"].as_array().unwrap().len(), next_version() as usize - 1, "{given}: nothing published");
    }
    assert!(notices(&app).await.is_empty());
    // The other commands refuse it the same way, before starting.
    let dir = tempfile::tempdir().unwrap();
    let dist = curtain_tests::placeholder_spa(dir.path()).display().to_string();
    let out = run_server_command([
        "serve", "--addr", "127.0.0.1:0", "--database", &app.database_url, "--dist", &dist, "--public-url", "https://x.example/#top",
    ])
    .await;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("fragment"), "{}", describe_output(&out));
    let out = run_server_command(["newsletter", "send", "--subject", "Weekly", "--site", "localhost:8080", "--database", &app.database_url])
        .await;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("http:// or https://"), "{}", describe_output(&out));

    // A refused version tells nobody either.
    let out = publish(&app, &version_file(next_version() + 1, in_days(40), true, "Skips a number."), &[]).await;
    assert!(!out.status.success(), "{}", describe_output(&out));
    assert!(notices(&app).await.is_empty());

    // Without the option, links name the address `serve` listens on by default.
    let out = publish(&app, &source, &[]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    let sent = notices(&app).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains(&format!("http://127.0.0.1:8080/privacy/v/{}\n", next_version())), "{}", sent[0].body);
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
