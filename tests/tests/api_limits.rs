//! Limits that keep one caller from wearing down an account or filling the
//! database: failed sign-ins count per account whatever the login's spelling,
//! and the writes anyone may send without signing in are limited per address,
//! across visitors and members alike. Each client here connects from an
//! address of its own choosing (`127.x.y.z`), as the server sees it.

use std::net::{IpAddr, Ipv4Addr};

use curtain_server::rate_limit;
use curtain_tests::{consent_answer, ApiClient, Reply, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

/// A loopback address of its own, `127.0.<group>.<n>`.
fn address(group: u8, n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, group, n))
}

fn from(app: &TestApp, group: u8, n: u8) -> ApiClient {
    ApiClient::from_address(&app.base, address(group, n))
}

/// A 429 in the error shape, with a `Retry-After` within `window` seconds.
fn assert_limited(what: &str, r: &Reply, window: i64) {
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"), "{what}: {:?}", r.body);
    assert!(!r.body["error"]["message"].as_str().unwrap_or("").is_empty(), "{what}: {:?}", r.body);
    let retry: i64 = r.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(-1);
    assert!(retry > 0 && retry <= window, "{what}: Retry-After {retry}, window {window}");
}

#[tokio::test]
async fn failed_sign_ins_count_per_account_whatever_the_spelling() {
    let app = TestApp::spawn().await;
    app.member("hana", PW).await;
    // Three guesses by username from one address, two by e-mail from another:
    // five for the account.
    let by_name = from(&app, 1, 1);
    for login in ["hana", "HANA", " Hana "] {
        assert_eq!(by_name.sign_in(login, "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED, "{login}");
    }
    let by_email = from(&app, 1, 2);
    for login in ["hana@example.org", "Hana@Example.ORG"] {
        assert_eq!(by_email.sign_in(login, "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED, "{login}");
    }
    // Now the account waits, by either spelling, from anywhere, even with
    // the right password.
    let elsewhere = from(&app, 1, 3);
    for login in ["hana", "hana@example.org"] {
        assert_limited(login, &elsewhere.sign_in(login, PW, false).await, rate_limit::WINDOW_SECONDS);
    }
    // Another account is not held up.
    app.member("ines", PW).await;
    assert_eq!(elsewhere.sign_in("ines@example.org", PW, false).await.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_current_passwords_count_with_failed_sign_ins_by_email() {
    let app = TestApp::spawn().await;
    let lou = app.member("lou", PW).await;
    let guesser = from(&app, 2, 1);
    for _ in 0..3 {
        assert_eq!(guesser.sign_in("lou@example.org", "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..2 {
        let r = lou.post("/api/me/password", &json!({"current_password": "guess guess", "new_password": "a brand new password"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    }
    assert_limited("sign-in by username", &from(&app, 2, 2).sign_in("lou", PW, false).await, rate_limit::WINDOW_SECONDS);
}

#[tokio::test]
async fn unknown_logins_are_counted_by_the_normalised_login() {
    let app = TestApp::spawn().await;
    let c = from(&app, 3, 1);
    for login in ["Ghost", " ghost", "GHOST ", "ghost", "gHost"] {
        assert_eq!(c.sign_in(login, "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED, "{login}");
    }
    assert_limited("ghost", &from(&app, 3, 2).sign_in("ghost", "wrong wrong", false).await, rate_limit::WINDOW_SECONDS);
    assert_eq!(c.sign_in("ghost2", "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn consent_answers_are_limited_per_address_across_visitors_and_members() {
    let app = TestApp::spawn().await;
    let limit = rate_limit::CONSENT_ANSWERS;
    let revision = app.client().get("/api/consent/config").await.body["revision"].as_u64().unwrap() as u32;
    // Visitors in new browsers and a signed-in member, all behind one address.
    let member = from(&app, 4, 1);
    assert_eq!(member.sign_up("mona", PW).await.status, StatusCode::CREATED);
    for i in 0..limit.max {
        let visitor = from(&app, 4, 1);
        let c = if i % 2 == 0 { &visitor } else { &member };
        let r = c.post("/api/consent", &consent_answer(revision, i % 3 == 0, false).1).await;
        assert_eq!(r.status, StatusCode::CREATED, "answer {i}: {:?}", r.body);
    }
    let r = from(&app, 4, 1).post("/api/consent", &consent_answer(revision, true, true).1).await;
    assert_limited("a visitor", &r, limit.window_seconds);
    let r = member.post("/api/consent", &consent_answer(revision, true, true).1).await;
    assert_limited("a member", &r, limit.window_seconds);
    let receipts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consent_receipts").fetch_one(&app.db).await.unwrap();
    assert_eq!(receipts, limit.max, "a refused answer stores nothing");
    // Another address is not held up.
    let r = from(&app, 4, 2).post("/api/consent", &consent_answer(revision, true, false).1).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn page_views_are_limited_per_address() {
    let app = TestApp::spawn().await;
    let limit = rate_limit::PAGE_VIEWS;
    let a = from(&app, 5, 1);
    let b = from(&app, 5, 1);
    a.give_consent(false, true).await;
    b.give_consent(false, true).await;
    for i in 0..limit.max {
        let c = if i % 2 == 0 { &a } else { &b };
        let r = c.post("/api/analytics/pageview", &json!({"path": "/privacy"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "view {i}: {:?}", r.body);
    }
    assert_limited("page view", &a.post("/api/analytics/pageview", &json!({"path": "/privacy"})).await, limit.window_seconds);
    let counted: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await.unwrap();
    assert_eq!(counted, limit.max);
    let other = from(&app, 5, 2);
    other.give_consent(false, true).await;
    assert_eq!(other.post("/api/analytics/pageview", &json!({"path": "/privacy"})).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn unsubscribe_attempts_are_limited_per_address() {
    let app = TestApp::spawn().await;
    let limit = rate_limit::UNSUBSCRIBES;
    let member = app.member("una", PW).await;
    let r = member.send(reqwest::Method::PATCH, "/api/me/email-preferences", Some(&json!({"newsletter": true})), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let token: String = sqlx::query_scalar("SELECT unsubscribe_token FROM email_preferences").fetch_one(&app.db).await.unwrap();
    // Guessed tokens count as much as real ones.
    for i in 0..limit.max {
        let r = from(&app, 6, 1).post("/api/unsubscribe", &json!({"token": format!("guess-{i}")})).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "unknown_link"), "{i}");
    }
    let r = from(&app, 6, 1).post("/api/unsubscribe", &json!({"token": token})).await;
    assert_limited("unsubscribe", &r, limit.window_seconds);
    assert_eq!(member.get("/api/me/email-preferences").await.body["newsletter"], true, "a refused request changes nothing");
    let r = from(&app, 6, 2).post("/api/unsubscribe", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn child_reports_are_limited_per_address_with_retry_after() {
    let app = TestApp::spawn().await;
    let limit = rate_limit::CHILD_REPORTS;
    let body = json!({"username": "tess", "reporter_email": "parent@example.org", "message": "My daughter is 11."});
    // Parents in different browsers, one signed in, behind one address.
    let member = from(&app, 7, 1);
    assert_eq!(member.sign_up("pam", PW).await.status, StatusCode::CREATED);
    for i in 0..limit.max {
        let visitor = from(&app, 7, 1);
        let c = if i % 2 == 0 { &visitor } else { &member };
        assert_eq!(c.post("/api/reports/child-account", &body).await.status, StatusCode::ACCEPTED, "report {i}");
    }
    assert_limited("a visitor", &from(&app, 7, 1).post("/api/reports/child-account", &body).await, limit.window_seconds);
    assert_limited("a member", &member.post("/api/reports/child-account", &body).await, limit.window_seconds);
    assert_eq!(curtain_server::child_reports::list(app.command_db.read()).await.unwrap().len() as i64, limit.max);
    assert_eq!(from(&app, 7, 2).post("/api/reports/child-account", &body).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_address_across_accounts() {
    let app = TestApp::spawn().await;
    let c = from(&app, 8, 1);
    for i in 0..rate_limit::PER_IP {
        assert_eq!(c.sign_in(&format!("nobody{i}"), "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    assert_limited("a new login", &c.sign_in("nobody_new", "wrong wrong", false).await, rate_limit::WINDOW_SECONDS);
    assert_eq!(from(&app, 8, 2).sign_in("nobody_new", "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED);
}
