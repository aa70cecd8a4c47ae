//! The member's own account over real HTTP: e-mail preferences and the
//! unsubscribe link, sessions and revoking them, the sign-in log, changing the
//! password and e-mail, the export, deletion, and parents' reports.

use curtain_tests::{ApiClient, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

/// A request with any method, sending the CSRF header from the jar unless told not to.
async fn call(app: &TestApp, c: &ApiClient, method: Method, path: &str, body: Option<Value>, csrf: bool) -> Reply {
    let mut req = c.http.request(method, app.url(path));
    if let Some(body) = body {
        req = req.json(&body);
    }
    if csrf {
        if let Some(token) = c.cookie(curtain_api::CSRF_COOKIE) {
            req = req.header(curtain_api::CSRF_HEADER, token);
        }
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, headers, body }
}

async fn patch(app: &TestApp, c: &ApiClient, path: &str, body: Value) -> Reply {
    call(app, c, Method::PATCH, path, Some(body), true).await
}

async fn delete(app: &TestApp, c: &ApiClient, path: &str, body: Option<Value>) -> Reply {
    call(app, c, Method::DELETE, path, body, true).await
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1").bind(name.to_lowercase()).fetch_one(&app.db).await.unwrap()
}

/// The unsubscribe token in the newest outbox message to `user`.
async fn link_token_in_outbox(app: &TestApp, user: i64) -> String {
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE user_id = $1 AND kind = 'newsletter' ORDER BY id DESC")
        .bind(user)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let start = body.find("/unsubscribe/").expect("the newsletter carries an unsubscribe link") + "/unsubscribe/".len();
    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

// promise: marketing-opt-in
#[tokio::test]
async fn email_preferences_start_off_and_change_only_with_csrf() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client().get("/api/me/email-preferences").await.status, StatusCode::UNAUTHORIZED);
    let c = app.member("elsa", PW).await;
    let r = c.get("/api/me/email-preferences").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({"newsletter": false, "product_updates": false, "partner_offers": false}));

    let r = patch(&app, &c, "/api/me/email-preferences", json!({"newsletter": true, "partner_offers": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body, json!({"newsletter": true, "product_updates": false, "partner_offers": true}));
    let r = patch(&app, &c, "/api/me/email-preferences", json!({"partner_offers": false})).await;
    assert_eq!(r.body, json!({"newsletter": true, "product_updates": false, "partner_offers": false}));
    assert_eq!(c.get("/api/me/email-preferences").await.body["newsletter"], true);

    let r = call(&app, &c, Method::PATCH, "/api/me/email-preferences", Some(json!({"newsletter": false})), false).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf"));
    let r = patch(&app, &c, "/api/me/email-preferences", json!({"newsletter": "yes"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get("/api/me/email-preferences").await.body["newsletter"], true, "refused changes change nothing");
}

// promise: one-click-unsubscribe
#[tokio::test]
async fn the_newsletter_link_unsubscribes_without_signing_in() {
    let app = TestApp::spawn().await;
    let c = app.member("fred", PW).await;
    app.member("gina", PW).await; // never opted in: gets nothing
    patch(&app, &c, "/api/me/email-preferences", json!({"newsletter": true, "product_updates": true})).await;
    // Double opt-in: nothing is sent before the address is confirmed.
    let sent = curtain_server::outbox::send_newsletter(&app.command_db, "Curtain weekly", "Hello.", &app.base).await.unwrap();
    assert_eq!(sent, 0, "an unconfirmed address gets no newsletter");
    assert_eq!(app.confirm_email("fred@example.org").await.status, StatusCode::OK);

    let sent = curtain_server::outbox::send_newsletter(&app.command_db, "Curtain weekly", "Hello.", &app.base).await.unwrap();
    assert_eq!(sent, 1, "only members who opted in get the newsletter");
    let fred = user_id(&app, "fred").await;
    let token = link_token_in_outbox(&app, fred).await;
    assert_eq!(token.len(), 43, "a long random token: {token}");
    let to: String = sqlx::query_scalar("SELECT to_address FROM outbox WHERE user_id = $1 AND kind = 'newsletter'")
        .bind(fred)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(to, "fred@example.org");

    let stranger = app.client();
    let r = stranger.get(&format!("/api/unsubscribe/{token}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let masked = r.body["masked_email"].as_str().unwrap();
    assert!(masked.starts_with("f") && masked.ends_with(".org") && !masked.contains("fred"), "{masked}");
    assert_eq!(r.body["lists"], json!({"newsletter": true, "product_updates": true, "partner_offers": false}));
    let text = r.body.to_string();
    assert!(!text.contains("fred@") && !text.contains("\"fred\""), "the page learns nothing else: {text}");

    let r = stranger.post("/api/unsubscribe", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["lists"], json!({"newsletter": false, "product_updates": false, "partner_offers": false}));
    assert_eq!(c.get("/api/me/email-preferences").await.body["newsletter"], false);
    // The next newsletter goes to nobody.
    assert_eq!(curtain_server::outbox::send_newsletter(&app.command_db, "Again", "Hi.", &app.base).await.unwrap(), 0);

    for bad in ["x", "not-a-token-not-a-token-not-a-token-not-a-t", "%00"] {
        let r = stranger.get(&format!("/api/unsubscribe/{bad}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}: {:?}", r.body);
        let r = stranger.post("/api/unsubscribe", &json!({"token": bad})).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "unknown_link"));
    }
    assert_eq!(stranger.post("/api/unsubscribe", &json!({})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

// promise: end-sessions
#[tokio::test]
async fn sessions_are_listed_and_a_revoked_cookie_is_useless_at_once() {
    let app = TestApp::spawn().await;
    let a = app.member("hana", PW).await;
    let b = app.client();
    assert_eq!(b.sign_in("hana", PW, false).await.status, StatusCode::OK);
    let c = app.client();
    assert_eq!(c.sign_in("hana", PW, false).await.status, StatusCode::OK);

    let r = a.get("/api/me/sessions").await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.body.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    for s in list {
        assert_eq!(s["ip"], "127.0.0.1");
        assert_eq!(s["device"], "Unknown browser", "the test client's agent is not a browser");
        assert!(s["created_at"].as_str().unwrap().ends_with('Z') && s["last_seen_at"].is_string());
        assert!(s.get("token_hash").is_none() && s.get("user_agent").is_none());
    }
    // Sessions are numbered in the order they began: a, b, c.
    let mut ids: Vec<i64> = list.iter().map(|s| s["id"].as_i64().unwrap()).collect();
    ids.sort();
    let b_id = ids[1];
    assert_eq!(list.iter().find(|s| s["current"] == true).unwrap()["id"], ids[0]);
    let r = call(&app, &a, Method::DELETE, &format!("/api/me/sessions/{b_id}"), None, false).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf"));
    assert_eq!(b.get("/api/session").await.status, StatusCode::OK);
    let r = delete(&app, &a, &format!("/api/me/sessions/{b_id}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(b.get("/api/session").await.status, StatusCode::UNAUTHORIZED, "revoked means useless at once");
    assert_eq!(delete(&app, &a, &format!("/api/me/sessions/{b_id}"), None).await.status, StatusCode::NOT_FOUND);

    // Someone else's session cannot be ended, or even told apart from none.
    let other = app.member("ivan", PW).await;
    let ivan_session: i64 = sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
        .bind(user_id(&app, "ivan").await)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = delete(&app, &a, &format!("/api/me/sessions/{ivan_session}"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/api/session").await.status, StatusCode::OK);
    let r = delete(&app, &a, "/api/me/sessions/abc", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));

    // Sign out everywhere else.
    let r = a.post("/api/me/sessions/revoke-others", &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["revoked"], 1);
    assert_eq!(c.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.get("/api/session").await.status, StatusCode::OK, "this device stays signed in");
    assert_eq!(a.get("/api/me/sessions").await.body.as_array().unwrap().len(), 1);

    // Ending the current session signs this client out.
    let own = a.get("/api/me/sessions").await.body[0]["id"].as_i64().unwrap();
    let r = delete(&app, &a, &format!("/api/me/sessions/{own}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.set_cookie("curtain_session").unwrap().contains("Max-Age=0"));
    assert_eq!(a.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().get("/api/me/sessions").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_activity_log_lists_every_sign_in() {
    let app = TestApp::spawn().await;
    let a = app.member("jade", PW).await;
    app.client().sign_in("jade", PW, false).await;
    app.client().sign_in("jade", "wrong password!", false).await; // failures are not in the log
    let r = a.get("/api/me/activity").await;
    assert_eq!(r.status, StatusCode::OK);
    let log = r.body.as_array().unwrap();
    assert_eq!(log.len(), 2, "sign-up and one sign-in: {log:?}");
    for entry in log {
        assert_eq!(entry["ip"], "127.0.0.1");
        assert_eq!(entry["user_agent"], "curtain-tests");
        assert!(entry["at"].as_str().unwrap().ends_with('Z'));
        assert!(entry["device"].is_string());
    }
    assert_eq!(app.client().get("/api/me/activity").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let a = app.member("kim", PW).await;
    let other = app.client();
    other.sign_in("kim", PW, false).await;

    let r = a.post("/api/me/password", &json!({"current_password": "not it at all", "new_password": "a brand new secret"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(r.body["error"]["fields"]["current_password"][0].as_str().unwrap().contains("not your current password"));
    assert_eq!(other.get("/api/session").await.status, StatusCode::OK, "a refused change ends nothing");

    let r = a.post("/api/me/password", &json!({"current_password": PW, "new_password": "short"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["new_password"].is_array());

    let body = json!({"current_password": PW, "new_password": "a brand new secret"});
    let r = a.post_without_csrf("/api/me/password", &body).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf"));

    let r = a.post("/api/me/password", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["other_sessions_ended"], 1);
    assert_eq!(other.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.get("/api/session").await.status, StatusCode::OK, "this device stays signed in");
    assert_eq!(app.client().sign_in("kim", PW, false).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().sign_in("kim", "a brand new secret", false).await.status, StatusCode::OK);
    let notices: Vec<String> = sqlx::query_scalar("SELECT to_address FROM outbox WHERE kind = 'password_changed'")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(notices, ["kim@example.org"], "one notice, for the successful change only");
}

#[tokio::test]
async fn guessing_the_current_password_is_rate_limited() {
    let app = TestApp::spawn().await;
    let a = app.member("lou", PW).await;
    for _ in 0..5 {
        let r = a.post("/api/me/email", &json!({"current_password": "guess guess", "new_email": "lou2@example.org"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = a.post("/api/me/email", &json!({"current_password": PW, "new_email": "lou2@example.org"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(r.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn changing_the_email_needs_the_password_and_a_free_address() {
    let app = TestApp::spawn().await;
    let a = app.member("mia", PW).await;
    app.member("ned", PW).await;

    let r = a.post("/api/me/email", &json!({"current_password": "wrong wrong", "new_email": "mia.new@example.org"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["current_password"].is_array());
    let r = a.post("/api/me/email", &json!({"current_password": PW, "new_email": "not an address"})).await;
    assert!(r.body["error"]["fields"]["new_email"].is_array(), "{:?}", r.body);
    assert_eq!(app.confirm_email("mia@example.org").await.status, StatusCode::OK);
    assert_eq!(app.confirm_email("ned@example.org").await.status, StatusCode::OK);
    // An address another account holds gets the same answer as a free one
    // (so nobody learns it has an account); its holder gets a notice.
    let taken = a.post("/api/me/email", &json!({"current_password": PW, "new_email": "NED@Example.org"})).await;
    assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    assert_eq!(taken.body["pending_email"], "NED@Example.org");
    let notice: String = sqlx::query_scalar("SELECT to_address FROM outbox WHERE kind = 'email_in_use'").fetch_one(&app.db).await.unwrap();
    assert_eq!(notice, "NED@Example.org");
    assert!(app.confirmation_token("ned@example.org").await.is_some(), "ned's own link from sign-up");
    let r = a.post_without_csrf("/api/me/email", &json!({"current_password": PW, "new_email": "mia.new@example.org"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = a.post("/api/me/email", &json!({"current_password": PW, "new_email": " Mia.New@example.org "})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Nothing changes until the new address is confirmed.
    assert_eq!(r.body["email"], "mia@example.org");
    assert_eq!(r.body["pending_email"], "Mia.New@example.org");
    assert_eq!(app.client().sign_in("mia.new@example.org", PW, false).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.confirm_email("mia.new@example.org").await.status, StatusCode::OK);
    let session = a.get("/api/session").await.body;
    assert_eq!((session["email"].as_str(), session["email_verified"].as_bool()), (Some("Mia.New@example.org"), Some(true)));
    assert!(session.get("pending_email").is_none(), "{session}");
    assert_eq!(app.client().sign_in("mia.new@example.org", PW, false).await.status, StatusCode::OK);
    assert_eq!(app.client().sign_in("mia@example.org", PW, false).await.status, StatusCode::UNAUTHORIZED);
    // The old address hears of it; the new one is masked in the notice.
    let (to, body): (String, String) = sqlx::query_as("SELECT to_address, body FROM outbox WHERE kind = 'email_changed'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(to, "mia@example.org");
    assert!(!body.contains("Mia.New@"), "{body}");
    // The old address is free again.
    let mut body = curtain_tests::signup_body("mia_two", PW, "1990-05-01");
    body["email"] = json!("mia@example.org");
    assert_eq!(app.client().post("/api/auth/signup", &body).await.status, StatusCode::CREATED);
}

/// Gives `name` a row in every table that can hold a member, through the
/// API where the account issue owns it and directly in the database for the
/// rest, so the export and deletion have something everywhere.
async fn fill_every_table(app: &TestApp, c: &ApiClient, name: &str, friend: &str) {
    let me = user_id(app, name).await;
    let them = user_id(app, friend).await;
    app.client().sign_in(name, PW, false).await;
    app.client().sign_in(name, "not the password", false).await;
    patch(app, c, "/api/me/email-preferences", json!({"newsletter": true})).await;
    // A confirmed address (so the newsletter goes out), then a change that
    // waits for its own link (so a confirmation link is stored).
    assert_eq!(app.confirm_email(&format!("{name}@example.org")).await.status, StatusCode::OK);
    curtain_server::outbox::send_newsletter(&app.command_db, "Weekly", "Hello.", &app.base).await.unwrap();
    let r = c.post("/api/me/email", &json!({"current_password": PW, "new_email": format!("{name}.next@example.org")})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = c
        .post("/api/privacy-requests", &json!({"kind": "correction", "email": format!("{name}@example.org"), "message": "My birth date is wrong."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let now = curtain_server::clock::now();
    let statements = [
        format!("UPDATE profiles SET location = 'Porto', about = 'Loves noir.' WHERE user_id = {me}"),
        format!(
            "INSERT INTO consent_receipts (consent_id, revision, preferences, analytics, gpc, method, user_id, recorded_at)
             VALUES ('11111111-2222-4333-8444-555555555555', 1, TRUE, FALSE, FALSE, 'custom', {me}, {now})"
        ),
        "INSERT INTO policy_versions (version, effective_at, material, source, published_at)
         SELECT 1, 0, TRUE, 'v1', 0 WHERE NOT EXISTS (SELECT 1 FROM policy_versions WHERE version = 1)"
            .to_string(),
        format!("INSERT INTO policy_acceptances (user_id, version, accepted_at, context) VALUES ({me}, 1, {now}, 'acknowledged')"),
        format!(
            "INSERT INTO follows (follower_id, followee_id, status, created_at, accepted_at) VALUES ({me}, {them}, 'accepted', {now}, {now})"
        ),
        format!("INSERT INTO follows (follower_id, followee_id, status, created_at) VALUES ({them}, {me}, 'pending', {now})"),
        format!(
            "INSERT INTO watch_history (user_id, title, year, kind, watched_on, created_at)
             VALUES ({me}, 'The Third Man', 1949, 'movie', '2026-11-01', {now})"
        ),
    ];
    for sql in &statements {
        sqlx::query(sql).execute(&app.db).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // A session that has ended but is not purged yet.
    sqlx::query(
        "INSERT INTO sessions (user_id, token_hash, persistent, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, FALSE, $3, $4, $5, '198.51.100.7', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0')",
    )
    .bind(me)
    .bind([curtain_tests::rand_bytes(), curtain_tests::rand_bytes()].concat())
    .bind(now - 90_000)
    .bind(now - 60_000)
    .bind(now - 20_000)
    .execute(&app.db)
    .await
    .unwrap();
}

/// Tables whose columns name a member, found from the schema alone.
async fn member_columns(app: &TestApp) -> Vec<(String, String)> {
    curtain_tests::member_columns(&app.db).await
}

async fn rows_naming(app: &TestApp, table: &str, column: &str, id: i64) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" = $1"))
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

// promise: export-everything
#[tokio::test]
async fn the_export_holds_everything_about_the_member_and_nothing_private_of_others() {
    let app = TestApp::spawn().await;
    let c = app.member("olga", PW).await;
    let friend = app.member("pablo", PW).await;
    fill_every_table(&app, &c, "olga", "pablo").await;
    // pablo's own private things, which must not leak into olga's export.
    patch(&app, &friend, "/api/me/email-preferences", json!({"partner_offers": true})).await;
    let pablo = user_id(&app, "pablo").await;
    sqlx::query("UPDATE profiles SET location = 'Secretville' WHERE user_id = $1").bind(pablo).execute(&app.db).await.unwrap();
    // A failed sign-in with olga's address, a report olga sent, and one about olga.
    app.client().sign_in("Olga@Example.org", "not the password", false).await;
    app.client().sign_in("OLGA", "not the password either", false).await;
    for (username, from, message) in [("some_kid", "olga@example.org", "My nephew is ten."), ("olga", "worried.parent@example.org", "About olga.")] {
        let r = app.client().post("/api/reports/child-account", &json!({"username": username, "reporter_email": from, "message": message})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    sqlx::query("INSERT INTO watch_history (user_id, title, kind, watched_on, created_at) VALUES ($1, 'Hidden Title', 'movie', '2026-10-01', 0)")
        .bind(pablo)
        .execute(&app.db)
        .await
        .unwrap();

    assert_eq!(app.client().get("/api/me/export").await.status, StatusCode::UNAUTHORIZED);
    let resp = c.http.get(app.url("/api/me/export")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"curtain-export-olga.json\""
    );
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let text = resp.text().await.unwrap();
    let export: Value = serde_json::from_str(&text).unwrap();

    assert_eq!(export["format"], "curtain-export");
    assert_eq!(export["version"], 1);
    assert_eq!(export["account"]["username"], "olga");
    assert_eq!(export["account"]["email"], "olga@example.org");
    assert!(export["account"]["email_confirmed_at"].is_string(), "{}", export["account"]);
    assert_eq!(export["account"]["pending_email"], "olga.next@example.org");
    assert_eq!(export["account"]["birth_date"], "1990-05-01");
    assert_eq!(export["email_preferences"]["newsletter"], true);
    assert!(export["sessions"].as_array().unwrap().iter().any(|s| s["current"] == true));
    let ended = export["ended_sessions"].as_array().unwrap();
    assert_eq!(ended.len(), 1, "the ended session, kept until the purge, is in the export: {ended:?}");
    assert_eq!((ended[0]["ip"].as_str(), ended[0]["device"].as_str()), (Some("198.51.100.7"), Some("Firefox 133 on Linux")));
    // Failed sign-ins against the account, by username and by address.
    let failed = export["failed_signins"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().all(|f| f["ip"] == "127.0.0.1" && f["at"].is_string()), "{failed:?}");
    assert_eq!(export["privacy_requests"][0]["kind"], "correction");
    assert_eq!(export["privacy_requests"][0]["due_date"].as_str().map(str::len), Some(10));
    // A report sent from the member's address is theirs; one about them is withheld.
    assert_eq!(export["reports_sent"][0]["username"], "some_kid");
    assert!(!text.contains("worried.parent@example.org") && !text.contains("About olga"), "a report about the member is withheld");
    assert_eq!(export["signin_log"].as_array().unwrap().len(), 2);
    let tables = &export["tables"];
    assert_eq!(tables["profiles"][0]["location"], "Porto");
    assert_eq!(tables["profiles"][0]["user_id"], "olga", "members appear by username");
    assert_eq!(tables["watch_history"][0]["title"], "The Third Man");
    assert_eq!(tables["consent_receipts"][0]["method"], "custom");
    let contexts: Vec<&str> = tables["policy_acceptances"].as_array().unwrap().iter().filter_map(|a| a["context"].as_str()).collect();
    assert_eq!(contexts, ["signup", "acknowledged"], "in the order they were made");
    let follows = tables["follows"].as_array().unwrap();
    assert_eq!(follows.len(), 2, "follows both ways");
    assert!(follows.iter().any(|f| f["follower_id"] == "olga" && f["followee_id"] == "pablo"));
    assert!(follows.iter().any(|f| f["follower_id"] == "pablo" && f["followee_id"] == "olga" && f["status"] == "pending"));
    assert!(tables["outbox"].as_array().unwrap().iter().any(|m| m["body"].as_str().unwrap().contains("/unsubscribe/")));

    // Every table of the schema that names the member: the member has rows
    // in it (so the test covers it) and the export has every one of them.
    let olga = user_id(&app, "olga").await;
    let mut per_table: std::collections::BTreeMap<String, i64> = Default::default();
    for (table, column) in member_columns(&app).await {
        *per_table.entry(table.clone()).or_default() += rows_naming(&app, &table, &column, olga).await;
    }
    for (table, held) in &per_table {
        assert!(*held > 0, "the test gives olga no row in {table}: add some in fill_every_table");
        let exported = match table.as_str() {
            "sessions" => Some(export["sessions"].as_array().unwrap().len() + export["ended_sessions"].as_array().unwrap().len()),
            "privacy_requests" => export["privacy_requests"].as_array().map(Vec::len),
            "signin_log" => export["signin_log"].as_array().map(Vec::len),
            "email_preferences" => Some(1),
            _ => tables[table.as_str()].as_array().map(Vec::len),
        };
        // A follow counts once per column that names olga; she is on one side.
        assert_eq!(exported, Some(*held as usize), "{table}: export and database disagree");
    }

    for secret in ["pablo@example.org", "Secretville", "Hidden Title", "$argon2", "token_hash", "unsubscribe_token"] {
        assert!(!text.contains(secret), "the export reveals {secret:?}");
    }
    // The copies of e-mail keep their links, without the secrets in them: no
    // one holding the file can confirm an address or turn e-mail off.
    let unsubscribe: String = sqlx::query_scalar("SELECT unsubscribe_token FROM email_preferences WHERE user_id = $1")
        .bind(olga)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox WHERE user_id = $1").bind(olga).fetch_all(&app.db).await.unwrap();
    let mut secrets = vec![unsubscribe];
    for body in &bodies {
        if let Some(at) = body.find("/verify-email/") {
            secrets.push(body[at + "/verify-email/".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect());
        }
    }
    assert!(secrets.len() >= 2, "the test needs a confirmation link and an unsubscribe link: {bodies:?}");
    for secret in &secrets {
        assert!(secret.len() >= 16 && !text.contains(secret.as_str()), "the export holds a link's secret");
    }
    assert!(tables["outbox"].as_array().unwrap().iter().any(|m| m["body"].as_str().unwrap().contains("/unsubscribe/[removed]")));
}

// promise: deletion-is-complete, delete-account
#[tokio::test]
async fn deletion_removes_every_row_that_names_the_member() {
    let app = TestApp::spawn().await;
    let c = app.member("quinn", PW).await;
    let friend = app.member("rosa", PW).await;
    app.member("sam", PW).await;
    fill_every_table(&app, &c, "quinn", "rosa").await;
    fill_every_table(&app, &friend, "rosa", "sam").await; // others' rows stay
    let quinn = user_id(&app, "quinn").await;
    let rosa = user_id(&app, "rosa").await;
    // A receipt given while signed out is not tied to anyone and stays.
    app.client()
        .post("/api/consent", &json!({"consent_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "revision": 1, "categories": ["necessary"], "gpc": false, "method": "reject_all"}))
        .await;
    let anonymous_receipts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM consent_receipts WHERE user_id IS NULL").fetch_one(&app.db).await.unwrap()
    };
    let anonymous_before = anonymous_receipts().await;

    // Refusals first: wrong username, wrong password, no CSRF header.
    let r = delete(&app, &c, "/api/me", Some(json!({"password": PW, "confirm_username": "rosa"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["confirm_username"].is_array());
    let r = delete(&app, &c, "/api/me", Some(json!({"password": "not my password", "confirm_username": "quinn"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["password"][0].as_str().unwrap().contains("not your current password"));
    let r = call(&app, &c, Method::DELETE, "/api/me", Some(json!({"password": PW, "confirm_username": "quinn"})), false).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf"));
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK, "nothing happened yet");
    let r = call(&app, &app.client(), Method::DELETE, "/api/me", Some(json!({"password": PW, "confirm_username": "quinn"})), true).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let second_device = app.client();
    second_device.sign_in("quinn", PW, false).await;
    let r = delete(&app, &c, "/api/me", Some(json!({"password": PW, "confirm_username": "Quinn"}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert!(r.set_cookie("curtain_session").unwrap().contains("Max-Age=0"));
    assert_eq!(c.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(second_device.get("/api/session").await.status, StatusCode::UNAUTHORIZED, "every session ended");

    // Every table of the schema, enumerated now: no row names quinn by id...
    let columns = member_columns(&app).await;
    assert!(columns.len() >= 8, "the schema walk finds the member columns: {columns:?}");
    for (table, column) in &columns {
        assert_eq!(rows_naming(&app, table, column, quinn).await, 0, "{table}.{column} still names the deleted member");
    }
    // ...nor by username or address, in any text column of any table.
    for table in &curtain_tests::tables(&app.db).await {
        let text_columns: Vec<String> = curtain_tests::columns(&app.db, table)
            .await
            .into_iter()
            .filter(|(_, declared)| declared.to_uppercase().contains("TEXT"))
            .map(|(name, _)| name)
            .collect();
        for column in text_columns {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE lower(\"{column}\") = 'quinn' OR lower(\"{column}\") LIKE '%quinn@example.org%'"
            ))
            .fetch_one(&app.db)
            .await
            .unwrap();
            assert_eq!(n, 0, "{table}.{column} still holds quinn's name or address");
        }
    }
    // Others keep what is theirs.
    assert_eq!(rows_naming(&app, "watch_history", "user_id", rosa).await, 1);
    assert_eq!(rows_naming(&app, "follows", "follower_id", rosa).await, 1, "rosa -> sam stays; rosa -> quinn went");
    assert_eq!(anonymous_receipts().await, anonymous_before);

    // The username and address can be used again.
    let again = app.client();
    assert_eq!(again.sign_in("quinn", PW, false).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.sign_up("quinn", PW).await.status, StatusCode::CREATED);
}

// promise: parents-reports
#[tokio::test]
async fn a_child_account_report_reveals_nothing_and_is_listed_for_review() {
    let app = TestApp::spawn().await;
    app.member("tess", PW).await;
    let parent = app.client();
    let body = |username: &str| json!({"username": username, "reporter_email": "parent@example.org", "message": "My daughter is 11 and made this account."});
    let exists = parent.post("/api/reports/child-account", &body("tess")).await;
    let missing = parent.post("/api/reports/child-account", &body("nobody_here")).await;
    assert_eq!(exists.status, StatusCode::ACCEPTED, "{:?}", exists.body);
    assert_eq!((exists.status, &exists.body), (missing.status, &missing.body), "the same answer either way");
    assert_eq!(exists.body, json!({"received": true}));

    let reports = curtain_server::child_reports::list(app.command_db.read()).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!((reports[0].username.as_str(), reports[0].account_exists), ("tess", true));
    assert_eq!((reports[1].username.as_str(), reports[1].account_exists), ("nobody_here", false));
    assert_eq!(reports[0].reporter_email, "parent@example.org");

    let r = parent.post("/api/reports/child-account", &json!({"username": "", "reporter_email": "nope", "message": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["username", "reporter_email", "message"] {
        assert!(r.body["error"]["fields"][field].is_array(), "{field}: {:?}", r.body);
    }
    let long = json!({"username": "tess", "reporter_email": "p@example.org", "message": "x".repeat(5000)});
    assert_eq!(parent.post("/api/reports/child-account", &long).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A few reports an hour from one address, then a polite 429.
    for _ in 0..3 {
        assert_eq!(parent.post("/api/reports/child-account", &body("tess")).await.status, StatusCode::ACCEPTED);
    }
    let r = parent.post("/api/reports/child-account", &body("tess")).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert_eq!(curtain_server::child_reports::list(app.command_db.read()).await.unwrap().len(), 5);
}

#[tokio::test]
async fn the_demo_has_a_newsletter_whose_link_works() {
    let app = TestApp::spawn().await;
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.unwrap();
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.unwrap(); // loading twice adds nothing
    let messages = curtain_server::outbox::list(app.command_db.read()).await.unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!((messages[0].kind.as_str(), messages[0].to_address.as_str()), ("newsletter", "ana@example.org"));
    let ana = user_id(&app, "ana").await;
    let token = link_token_in_outbox(&app, ana).await;
    let r = app.client().post("/api/unsubscribe", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["lists"]["newsletter"], false);
}
