//! The accounts API over real HTTP against a real server and database.

use curtain_tests::{signup_body, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn sign_up_sign_out_and_sign_in_again() {
    let app = TestApp::spawn().await;
    let c = app.client();

    let r = c.sign_up("Ana_Lima", PW).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["username"], "Ana_Lima");
    assert_eq!(r.body["email"], "ana_lima@example.org");
    assert_eq!(r.body["minor"], false);

    let r = c.get("/api/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["username"], "Ana_Lima");

    let token = c.cookie("curtain_session").unwrap();
    let r = c.post("/api/auth/signout", &json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.set_cookie("curtain_session").unwrap().contains("Max-Age=0"), "sign-out clears the cookie");
    // The server ended the session too: a copy of the old cookie is refused.
    let replay = app.client();
    replay.set_cookie("curtain_session", &token);
    assert_eq!(replay.get("/api/session").await.status, StatusCode::UNAUTHORIZED);

    // Sign in by username in another case, then by e-mail.
    let r = c.sign_in("ana_lima", PW, false).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["username"], "Ana_Lima");
    let other = app.client();
    assert_eq!(other.sign_in("ANA_LIMA@example.org", PW, false).await.status, StatusCode::OK);
}

// promise: session-tokens, session-cookie-lifetime
#[tokio::test]
async fn session_cookie_flags_follow_the_contract() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.sign_up("bea", PW).await;
    let session = r.set_cookie("curtain_session").expect("session cookie set");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    assert!(!session.contains("Max-Age") && !session.contains("Expires"), "browser-session cookie: {session}");
    assert!(!session.contains("Secure"), "no Secure without --secure-cookies: {session}");

    let csrf = r.set_cookie("curtain_csrf").expect("csrf cookie set");
    assert!(csrf.contains("SameSite=Strict") && csrf.contains("Path=/"), "{csrf}");
    assert!(!csrf.contains("HttpOnly"), "the page must be able to read {csrf}");

    // "Remember me" (with preferences consent) makes both persistent for 30 days.
    let remembering = app.client();
    remembering.give_consent(true, false).await;
    let r = remembering.sign_in("bea", PW, true).await;
    let session = r.set_cookie("curtain_session").unwrap();
    assert!(session.contains("Max-Age=2592000"), "{session}");
    assert!(r.set_cookie("curtain_csrf").unwrap().contains("Max-Age=2592000"));
    assert_eq!(r.body["remembered"], true);
    let r = app.client().sign_in("bea", PW, false).await;
    assert!(!r.set_cookie("curtain_session").unwrap().contains("Max-Age"));
    assert_eq!(r.body["remembered"], false);
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::spawn_with(curtain_tests::Options { secure_cookies: true, ..Default::default() }).await;
    let r = app.client().sign_up("cid", PW).await;
    assert!(r.set_cookie("curtain_session").unwrap().contains("Secure"));
    assert!(r.set_cookie("curtain_csrf").unwrap().contains("Secure"));
}

// promise: session-tokens, passwords-hashed
#[tokio::test]
async fn the_database_keeps_only_a_hash_of_the_token_and_where_it_came_from() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.sign_up("dora", PW).await;
    let token = c.cookie("curtain_session").unwrap();
    let rows: Vec<(Vec<u8>, String, String)> =
        sqlx::query_as("SELECT token_hash, ip, user_agent FROM sessions").fetch_all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let (hash, ip, agent) = &rows[0];
    assert_eq!(hash.len(), 32);
    assert!(!hash.windows(token.len()).any(|w| w == token.as_bytes()));
    assert_eq!((ip.as_str(), agent.as_str()), ("127.0.0.1", "curtain-tests"));
    let hash_col: String = sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.db).await.unwrap();
    assert!(hash_col.starts_with("$argon2id$"), "{hash_col}");
}

#[tokio::test]
async fn every_sign_in_gets_a_fresh_token_and_ends_the_previous_one() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.sign_up("eli", PW).await;
    let first = c.cookie("curtain_session").unwrap();
    assert_eq!(c.sign_in("eli", PW, false).await.status, StatusCode::OK);
    let second = c.cookie("curtain_session").unwrap();
    assert_ne!(first, second);
    let stale = app.client();
    stale.set_cookie("curtain_session", &first);
    assert_eq!(stale.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_duplicate_username_is_refused_but_an_address_in_use_is_not_given_away() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client().sign_up("fabio", PW).await.status, StatusCode::CREATED);

    let r = app.client().post("/api/auth/signup", &signup_body("FABIO", PW, "1990-01-01")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "taken");
    assert!(r.body["error"]["fields"]["username"][0].as_str().unwrap().contains("taken"));
    assert!(r.body["error"]["fields"].get("email").is_none(), "usernames are public; addresses are not");

    // The same answer, field for field, for an address in use as for a free one.
    let fresh = app.client().post("/api/auth/signup", &signup_body("gino", PW, "1990-01-01")).await;
    let mut body = signup_body("fabio2", PW, "1990-01-01");
    body["email"] = json!("Fabio@Example.org");
    let in_use = app.client().post("/api/auth/signup", &body).await;
    assert_eq!((fresh.status, in_use.status), (StatusCode::CREATED, StatusCode::CREATED));
    let shape = |v: &serde_json::Value| {
        let mut v = v.clone();
        for k in ["username", "email", "joined_at"] {
            v[k] = json!("…");
        }
        v
    };
    assert_eq!(shape(&fresh.body), shape(&in_use.body));
    assert_eq!(in_use.body["email"], "Fabio@Example.org");
    assert_eq!(in_use.body["email_verified"], false);
    // The address stays fabio's: signing in with it reaches fabio's account.
    let r = app.client().sign_in("fabio@example.org", PW, false).await;
    assert_eq!(r.body["username"], "fabio", "{:?}", r.body);
}

fn years_ago(years: i32, days_later: i64) -> String {
    let today = curtain_server::clock::today();
    // 29 February has no twin in a common year: use the 28th, one day earlier.
    let base = curtain_api::CivilDate::new(today.year - years, today.month, today.day)
        .unwrap_or_else(|| curtain_api::CivilDate::new(today.year - years, today.month, 28).unwrap());
    // Walk forward day by day; simple and exact.
    let mut d = base;
    for _ in 0..days_later {
        let next = curtain_api::CivilDate::new(d.year, d.month, d.day + 1)
            .or_else(|| curtain_api::CivilDate::new(d.year, d.month + 1, 1))
            .or_else(|| curtain_api::CivilDate::new(d.year + 1, 1, 1))
            .unwrap();
        d = next;
    }
    d.to_string()
}

// promise: under-13-nothing-stored
#[tokio::test]
async fn under_thirteen_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let c = app.client();
    // Turns 13 tomorrow.
    let r = c.post("/api/auth/signup", &signup_body("young", PW, &years_ago(13, 1))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    assert_eq!(r.code(), "underage");
    assert!(r.set_cookie("curtain_session").is_none());
    let counts = app.rows_added().await;
    assert!(counts.iter().any(|(t, _)| t == "users"), "{counts:?}");
    for (table, n) in counts {
        assert_eq!(n, 0, "table {table} has rows after an under-13 sign-up");
    }
    // Even with other errors in the form, the age gate answers first.
    let mut body = signup_body("x", "short", &years_ago(8, 0));
    body["email"] = json!("nope");
    assert_eq!(c.post("/api/auth/signup", &body).await.code(), "underage");
}

#[tokio::test]
async fn thirteen_to_seventeen_are_stored_as_minors() {
    let app = TestApp::spawn().await;
    let r = app.client().post("/api/auth/signup", &signup_body("teen", PW, &years_ago(13, 0))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["minor"], true);
    let r = app.client().post("/api/auth/signup", &signup_body("adult", PW, &years_ago(18, 0))).await;
    assert_eq!(r.body["minor"], false);
}

#[tokio::test]
async fn invalid_fields_get_422_with_a_message_per_field() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .post(
            "/api/auth/signup",
            &json!({"username": "a b", "email": "nope", "password": "short", "birth_date": "31/12/1990", "accepted_policy_version": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "invalid");
    let fields = r.body["error"]["fields"].as_object().unwrap();
    for f in ["username", "email", "password", "birth_date", "accepted_policy_version"] {
        assert!(fields[f][0].as_str().is_some_and(|m| !m.is_empty()), "no message for {f}: {fields:?}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_401() {
    let app = TestApp::spawn().await;
    app.client().sign_up("gus", PW).await;
    let wrong = app.client().sign_in("gus", "not the password", false).await;
    let unknown = app.client().sign_in("nobody_here", "not the password", false).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "bad_credentials");
    assert!(wrong.set_cookie("curtain_session").is_none());
}

// promise: signin-slowed
#[tokio::test]
async fn repeated_failures_are_rate_limited_with_retry_after() {
    let app = TestApp::spawn().await;
    app.client().sign_up("hana", PW).await;
    let c = app.client();
    for _ in 0..5 {
        assert_eq!(c.sign_in("hana", "wrong wrong", false).await.status, StatusCode::UNAUTHORIZED);
    }
    let r = c.sign_in("hana", "wrong wrong", false).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // Even the right password waits: the limit is per account.
    assert_eq!(app.client().sign_in("HANA", PW, false).await.status, StatusCode::TOO_MANY_REQUESTS);
}

// promise: forgery-protection
#[tokio::test]
async fn unsafe_requests_need_the_csrf_header_when_signed_in() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.sign_up("ivo", PW).await;

    let r = c.post_without_csrf("/api/auth/signout", &json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf");
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK, "a refused sign-out changes nothing");

    let r = c
        .http
        .post(app.url("/api/auth/signout"))
        .header("X-CSRF-Token", "forged-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK);

    assert_eq!(c.post("/api/auth/signout", &json!({})).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_tampered_or_garbage_session_cookie_means_signed_out() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.sign_up("jon", PW).await;
    let mut token = c.cookie("curtain_session").unwrap();
    token.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    for value in [token.as_str(), "", "%%%", "a;b", &"x".repeat(4000)] {
        let other = app.client();
        other.set_cookie("curtain_session", value);
        let r = other.get("/api/session").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "cookie {value:?}");
        assert_eq!(r.code(), "unauthorized");
        // Signed-out callers need no CSRF token, so sign-in still works.
        assert_eq!(other.sign_in("jon", PW, false).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn malformed_requests_get_clear_4xx_never_500() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.post_raw("/api/auth/signup", "application/json", "{not json").await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let r = c.post_raw("/api/auth/signin", "application/json", r#"{"login": 5}"#).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    assert!(r.body["error"]["message"].as_str().unwrap().contains("login"), "{:?}", r.body);
    let r = c.post_raw("/api/auth/signin", "text/plain", "login=a").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let r = c.post_raw("/api/auth/signup", "application/json", &format!("\"{}\"", "a".repeat(100_000))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = c.post("/api/auth/signin", &json!({"login": "", "password": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["login"].is_array());
    let r = c.get("/api/no-such-thing").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = c.get("/api/auth/signin").await;
    assert_eq!((r.status, r.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    assert_eq!(r.body["database"], "ok");
}

#[tokio::test]
async fn api_answers_are_never_cached_and_carry_security_headers() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/api/health").await;
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["x-frame-options"], "DENY");
}

/// A short JSON answer fits in one packet compressed or not, so it goes out
/// as it is; a long one is still compressed.
#[tokio::test]
async fn only_long_json_answers_are_compressed() {
    let app = TestApp::spawn().await;
    let http = app.client().http;
    for (path, encoding) in [("/api/health", None), ("/api/policies/privacy", Some("br"))] {
        let r = http.get(app.url(path)).header("accept-encoding", "br").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{path}");
        assert!(r.headers()["vary"].to_str().unwrap().contains("accept-encoding"), "{path}");
    }
}

#[tokio::test]
async fn over_long_fields_get_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let mut body = signup_body("longfields", PW, "1990-01-01");
    body["username"] = json!("u".repeat(31));
    body["email"] = json!(format!("{}@example.org", "e".repeat(250)));
    body["password"] = json!("p".repeat(257));
    let r = app.client().post("/api/auth/signup", &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["username", "email", "password"] {
        assert!(r.body["error"]["fields"][field].is_array(), "{field}: {:?}", r.body);
    }
    for (table, n) in app.rows_added().await {
        assert_eq!(n, 0, "table {table} gained rows from a refused sign-up");
    }
}
