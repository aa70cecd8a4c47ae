//! Sessions as an attacker would try them over HTTP: replaying a token after
//! sign-out or revocation, using it past its idle or absolute end, moving a
//! CSRF token to another session, and guessing from one address across
//! many accounts.
//!
//! Time is moved in the database (a session's `last_seen_at`, `expires_at`,
//! `created_at`) rather than waited for.

use std::net::{IpAddr, Ipv4Addr};

use curtain_server::clock;
use curtain_server::rate_limit::PER_IP;
use curtain_server::session::{IDLE_SECONDS, PERSISTENT_SECONDS};
use curtain_tests::{ApiClient, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PW: &str = "correct horse battery";

/// A browser that holds exactly these cookies and nothing else: what an
/// attacker who copied them (or an old backup of the browser) would send.
fn replaying(app: &TestApp, session: &str, csrf: Option<&str>) -> ApiClient {
    let c = app.client();
    c.set_cookie("curtain_session", session);
    if let Some(csrf) = csrf {
        c.set_cookie("curtain_csrf", csrf);
    }
    c
}

fn tokens(c: &ApiClient) -> (String, String) {
    (c.cookie("curtain_session").expect("a session cookie"), c.cookie("curtain_csrf").expect("a CSRF cookie"))
}

/// Something a signed-in member may do that changes state (logging a
/// watched title), to prove a replayed token can no longer act, not only
/// that it cannot read.
async fn change_something(c: &ApiClient) -> StatusCode {
    let entry = json!({"title": "Stalker", "kind": "movie", "watched_on": clock::today().to_string()});
    c.send(Method::POST, "/api/me/history", Some(&entry), None).await.status
}

/// How many times `username` logged a title.
async fn changes(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM watch_history WHERE user_id = (SELECT id FROM users WHERE username = $1)")
        .bind(username)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_replayed_after_sign_out_is_refused() {
    let app = TestApp::spawn().await;
    let c = app.member("otto", PW).await;
    let (session, csrf) = tokens(&c);
    // The copy works while the session lives: the replay below proves the end, not a typo.
    assert_eq!(replaying(&app, &session, None).get("/api/session").await.status, StatusCode::OK);

    assert_eq!(c.post("/api/auth/signout", &json!({})).await.status, StatusCode::NO_CONTENT);
    let replay = replaying(&app, &session, Some(&csrf));
    let r = replay.get("/api/session").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthorized"));
    assert_eq!(change_something(&replay).await, StatusCode::UNAUTHORIZED);
    assert_eq!(changes(&app, "otto").await, 0, "the replay changed nothing");
}

// promise: end-sessions
#[tokio::test]
async fn a_token_replayed_after_revocation_is_refused() {
    let app = TestApp::spawn().await;
    let laptop = app.member("petra", PW).await;
    let phone = app.client();
    assert_eq!(phone.sign_in("petra", PW, false).await.status, StatusCode::OK);
    let (phone_session, phone_csrf) = tokens(&phone);
    let third = app.client();
    assert_eq!(third.sign_in("petra", PW, false).await.status, StatusCode::OK);
    let (third_session, third_csrf) = tokens(&third);

    // "Sign out" on one device, from another.
    let phone_id: i64 = sqlx::query_scalar("SELECT id FROM sessions ORDER BY id LIMIT 1 OFFSET 1").fetch_one(&app.db).await.unwrap();
    let r = laptop.send(Method::DELETE, &format!("/api/me/sessions/{phone_id}"), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let replay = replaying(&app, &phone_session, Some(&phone_csrf));
    assert_eq!(replay.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(change_something(&replay).await, StatusCode::UNAUTHORIZED);

    // "Sign out everywhere else".
    assert_eq!(replaying(&app, &third_session, None).get("/api/session").await.status, StatusCode::OK);
    assert_eq!(laptop.post("/api/me/sessions/revoke-others", &json!({})).await.status, StatusCode::OK);
    let replay = replaying(&app, &third_session, Some(&third_csrf));
    assert_eq!(replay.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(change_something(&replay).await, StatusCode::UNAUTHORIZED);
    assert_eq!(changes(&app, "petra").await, 0);
    assert_eq!(laptop.get("/api/session").await.status, StatusCode::OK, "this device stays signed in");
}

// promise: forgery-protection
#[tokio::test]
async fn a_csrf_token_works_only_with_its_own_session() {
    let app = TestApp::spawn().await;
    let one = app.member("quentin", PW).await;
    let two = app.client();
    assert_eq!(two.sign_in("quentin", PW, false).await.status, StatusCode::OK);
    let stranger = app.member("rhea", PW).await;
    let (one_session, one_csrf) = tokens(&one);
    let (two_session, two_csrf) = tokens(&two);
    let (_, stranger_csrf) = tokens(&stranger);
    assert_ne!(one_csrf, two_csrf, "each sign-in has its own token");

    // Another session of the same member, another member, or a token tampered by one character.
    let mut tampered = one_csrf.clone();
    tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
    for (csrf, whose) in [(&two_csrf, "another session of the member"), (&stranger_csrf, "another member"), (&tampered, "tampered")] {
        let c = replaying(&app, &one_session, Some(csrf));
        let entry = json!({"title": "Stalker", "kind": "movie", "watched_on": clock::today().to_string()});
        let r = c.post("/api/me/history", &entry).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf"), "a CSRF token from {whose}");
    }
    assert_eq!(changes(&app, "quentin").await, 0, "no refused request changed anything");

    // Its own token works, for either session.
    assert_eq!(change_something(&replaying(&app, &two_session, Some(&two_csrf))).await, StatusCode::CREATED);
    assert_eq!(change_something(&replaying(&app, &one_session, Some(&one_csrf))).await, StatusCode::CREATED);
    assert_eq!(changes(&app, "quentin").await, 2);

    // A token from before signing out and in again is not the new session's.
    assert_eq!(one.post("/api/auth/signout", &json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(one.sign_in("quentin", PW, false).await.status, StatusCode::OK);
    let (new_session, new_csrf) = tokens(&one);
    assert_ne!(new_csrf, one_csrf);
    assert_eq!(change_something(&replaying(&app, &new_session, Some(&one_csrf))).await, StatusCode::FORBIDDEN);
    assert_eq!(change_something(&replaying(&app, &new_session, Some(&new_csrf))).await, StatusCode::CREATED);
    assert_eq!(changes(&app, "quentin").await, 3);
}

/// The newest session: the one the test just signed in.
async fn newest_session(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM sessions ORDER BY id DESC LIMIT 1").fetch_one(&app.db).await.unwrap()
}

/// Puts a session where it would be had it last been used `idle` seconds
/// ago, started `age` seconds ago, as the server itself keeps it: a
/// browser-session sign-in ends [`IDLE_SECONDS`] after its last use, a
/// remembered one [`PERSISTENT_SECONDS`] after it started.
async fn age_session(app: &TestApp, id: i64, age: i64, idle: i64) {
    let now = clock::now();
    sqlx::query(
        "UPDATE sessions SET created_at = $1, last_seen_at = $2,
           expires_at = CASE WHEN persistent THEN $1 + $3 ELSE $2 + $4 END
         WHERE id = $5",
    )
    .bind(now - age)
    .bind(now - idle)
    .bind(PERSISTENT_SECONDS)
    .bind(IDLE_SECONDS)
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn expires_at(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT expires_at FROM sessions WHERE id = $1").bind(id).fetch_one(&app.db).await.unwrap()
}

// promise: session-cookie-lifetime
#[tokio::test]
async fn a_browser_session_sign_in_ends_after_twelve_idle_hours() {
    let app = TestApp::spawn().await;
    let c = app.member("sven", PW).await;
    let id = newest_session(&app).await;
    let hour = 3600;

    // Eleven idle hours: still signed in, and using it moves the end on.
    age_session(&app, id, 20 * hour, 11 * hour).await;
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK);
    let end = expires_at(&app, id).await;
    assert!(end >= clock::now() + IDLE_SECONDS - 60, "used now, it ends twelve hours from now: {end}");

    // Twelve idle hours and a minute: the cookie, though the browser still sends it, is refused.
    age_session(&app, id, 20 * hour, IDLE_SECONDS + 60).await;
    let r = c.get("/api/session").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthorized"));
    assert_eq!(change_something(&c).await, StatusCode::UNAUTHORIZED);
    assert!(expires_at(&app, id).await < clock::now(), "a refused request does not revive it");
}

// promise: session-cookie-lifetime
#[tokio::test]
async fn a_remembered_sign_in_ends_after_thirty_days_however_often_it_is_used() {
    let app = TestApp::spawn().await;
    app.client().sign_up("tove", PW).await;
    let c = app.client();
    c.give_consent(true, false).await;
    let r = c.sign_in("tove", PW, true).await;
    assert_eq!(r.body["remembered"], true, "{:?}", r.body);
    let id = newest_session(&app).await;
    let day = 24 * 3600;

    // Idle for longer than a browser-session sign-in may be: still signed in.
    age_session(&app, id, 3 * day, 2 * day).await;
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK);

    // Used every day for 29 days: signed in, and using it does not move its end.
    age_session(&app, id, 29 * day, 120).await;
    let end = expires_at(&app, id).await;
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK);
    assert_eq!(expires_at(&app, id).await, end, "a remembered sign-in has a fixed end");

    // Thirty days and a minute after signing in, used a minute ago: over.
    age_session(&app, id, PERSISTENT_SECONDS + 60, 60).await;
    let r = c.get("/api/session").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthorized"));
    assert_eq!(change_something(&c).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn twenty_failures_from_one_address_across_accounts_are_limited() {
    let app = TestApp::spawn().await;
    app.client().sign_up("ulla", PW).await;
    let guesser = ApiClient::from_address(&app.base, IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    // A different unknown login each time, so no one account's limit is reached.
    for i in 0..PER_IP {
        let r = guesser.sign_in(&format!("nobody_{i}"), "a guess", false).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "bad_credentials"), "guess {i}");
    }
    let r = guesser.sign_in("nobody_else", "a guess", false).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"), "{:?}", r.body);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // From that address even a right password waits...
    let r = guesser.sign_in("ulla", PW, false).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.set_cookie("curtain_session").is_none());
    // ...while the member, from another address, is not locked out by someone else's guessing.
    let member = ApiClient::from_address(&app.base, IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3)));
    assert_eq!(member.sign_in("ulla", PW, false).await.status, StatusCode::OK);
}
