//! Curtain on PostgreSQL, in a throwaway cluster: the same schema as on
//! SQLite, every feature through the API, the mixed load with no 5xx and no
//! lost write, and several replicas on one database sharing sessions, limits
//! and privacy settings at once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use curtain_tests::load::{self, LoadConfig, Mix};
use curtain_tests::postgres::fresh_database;
use curtain_tests::{ApiClient, Options, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::AnyPool;

const PW: &str = "correct horse battery";

async fn on_postgres() -> TestApp {
    on(fresh_database().await).await
}

async fn on(url: String) -> TestApp {
    TestApp::spawn_with(Options { database_url: Some(url), ..Options::default() }).await
}

async fn count(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Table -> its columns, as each engine describes its own schema.
async fn schema(db: &AnyPool, postgres: bool) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = if postgres {
        sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
        )
        .fetch_all(db)
        .await
        .unwrap()
    } else {
        sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'
               AND m.name NOT LIKE 'member_search%'",
        )
        .fetch_all(db)
        .await
        .unwrap()
    };
    let mut schema: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in rows {
        schema.entry(table).or_default().insert(column);
    }
    schema
}

#[tokio::test]
async fn both_engines_hold_the_same_tables_and_columns() {
    let sqlite = curtain_server::db::connect("sqlite::memory:").await.unwrap();
    let postgres = curtain_server::db::connect(&fresh_database().await).await.unwrap();
    let (a, b) = (schema(sqlite.read(), false).await, schema(postgres.read(), true).await);
    assert!(a.len() >= 20, "{a:?}");
    assert_eq!(a, b, "SQLite (left) and PostgreSQL (right) migrations must build the same tables and columns");
    // Member search is an FTS index on SQLite and trigram indexes on PostgreSQL.
    let indexes: Vec<String> =
        sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE indexname LIKE '%trgm'").fetch_all(postgres.read()).await.unwrap();
    assert_eq!(indexes.len(), 2, "{indexes:?}");
}

async fn patch(c: &ApiClient, path: &str, body: Value) -> curtain_tests::Reply {
    c.send(Method::PATCH, path, Some(&body), None).await
}

#[tokio::test]
async fn every_feature_works_through_the_api_on_postgres() {
    let app = on_postgres().await;
    let db = app.command_db.read();
    let visitor = app.client();

    // Consent, page views, the policy.
    visitor.give_consent(true, true).await;
    assert_eq!(visitor.post("/api/analytics/pageview", &json!({"path": "/u/ana"})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(count(db, "SELECT count FROM page_views WHERE path = '/u/:username'").await, 1);
    let policy = visitor.get("/api/policies/privacy").await;
    assert_eq!(policy.status, StatusCode::OK);
    assert_eq!(visitor.get("/api/policies/privacy/versions").await.status, StatusCode::OK);
    assert_eq!(visitor.get("/api/policies/privacy/diff?from=1&to=3").await.status, StatusCode::OK);
    assert_eq!(visitor.get("/api/policies/privacy/promises").await.status, StatusCode::OK);

    // Accounts: sign-up (with the consent given before), sessions, sign-in.
    assert_eq!(visitor.sign_up("ana", PW).await.status, StatusCode::CREATED);
    assert_eq!(count(db, "SELECT COUNT(*) FROM consent_receipts WHERE user_id IS NOT NULL").await, 1);
    let bruno = app.member("bruno", PW).await;
    let minor = app.client();
    let r = minor.post("/api/auth/signup", &curtain_tests::signup_body("kim", PW, "2011-01-01")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(visitor.get("/api/session").await.body["username"], "ana");
    assert_eq!(app.client().sign_in("ana", "wrong", false).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().sign_in("ANA", PW, false).await.status, StatusCode::OK);
    assert!(visitor.get("/api/me/sessions").await.body.as_array().unwrap().len() >= 2);
    assert!(!visitor.get("/api/me/activity").await.body.as_array().unwrap().is_empty());

    // Profiles, audiences, privacy, follows, history, search.
    let r = visitor.get("/api/me/profile").await;
    let tag = r.headers["etag"].to_str().unwrap().to_string();
    let edit = json!({"display_name": "Ana Lima", "location": "Porto", "audiences": {"location": "followers"}});
    let r = visitor.send(Method::PATCH, "/api/me/profile", Some(&edit), Some(&tag)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = visitor.send(Method::PATCH, "/api/me/profile", Some(&edit), Some(&tag)).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "a stale ETag");
    let seen = bruno.get("/api/users/ana").await;
    assert_eq!((seen.body["display_name"].as_str(), seen.body.get("location")), (Some("Ana Lima"), None));
    assert_eq!(patch(&visitor, "/api/me/privacy", json!({"private": true})).await.status, StatusCode::OK);
    assert!(bruno.post("/api/users/ana/follow", &json!({})).await.status.is_success());
    let requests = visitor.get("/api/me/follow-requests").await;
    let id = requests.body["requests"][0]["id"].as_i64().unwrap_or_else(|| panic!("{:?}", requests.body));
    assert!(visitor.post(&format!("/api/me/follow-requests/{id}/approve"), &json!({})).await.status.is_success());
    assert_eq!(bruno.get("/api/users/ana").await.body["location"], "Porto", "a follower sees it now");
    let title = json!({"title": "Rear Window", "year": 1954, "kind": "movie", "watched_on": "2024-06-01"});
    assert_eq!(visitor.post("/api/me/history", &title).await.status, StatusCode::CREATED);
    assert_eq!(bruno.get("/api/users/ana/history").await.status, StatusCode::OK);
    assert!(!bruno.get("/api/users/ana/followers").await.body["members"].as_array().unwrap().is_empty());
    assert_eq!(patch(&visitor, "/api/me/privacy", json!({"private": false})).await.status, StatusCode::OK);
    let found = bruno.get("/api/users?q=ana%20l").await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    assert_eq!(found.body["members"][0]["username"], "ana", "{:?}", found.body);
    let found = bruno.get("/api/users?q=an").await;
    assert_eq!(found.body["members"][0]["username"], "ana", "{:?}", found.body);
    let found = bruno.get("/api/users?q=100%25_").await;
    assert_eq!(found.status, StatusCode::OK, "wildcards are searched as text: {:?}", found.body);
    assert!(bruno.get("/api/users?q=kim").await.body["members"].as_array().unwrap().is_empty(), "a minor is not in search");

    // E-mail: preferences, confirmation, the newsletter and its link.
    assert_eq!(patch(&visitor, "/api/me/email-preferences", json!({"newsletter": true})).await.status, StatusCode::OK);
    assert_eq!(app.confirm_email("ana@example.org").await.status, StatusCode::OK);
    curtain_server::outbox::send_newsletter(&app.command_db, "Weekly", "Hello.", &app.base).await.unwrap();
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'newsletter'").fetch_one(db).await.unwrap();
    let token = body.split("/unsubscribe/").nth(1).unwrap().split_whitespace().next().unwrap();
    let r = app.client().post("/api/unsubscribe", &json!({"token": token})).await;
    assert!(r.status.is_success(), "{:?}", r.body);

    // Password and address changes, requests, reports, the export.
    let r = visitor.post("/api/me/password", &json!({"current_password": PW, "new_password": "another good passphrase"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = visitor.post("/api/me/email", &json!({"current_password": "another good passphrase", "new_email": "ana.new@example.org"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = visitor.post("/api/privacy-requests", &json!({"kind": "access", "email": "ana@example.org"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let report = json!({"username": "kim", "reporter_email": "parent@example.org", "message": "My child is 11."});
    assert_eq!(app.client().post("/api/reports/child-account", &report).await.status, StatusCode::ACCEPTED);
    let export = visitor.get("/api/me/export").await;
    assert_eq!(export.status, StatusCode::OK, "{:?}", export.body);
    assert_eq!(export.body["account"]["username"], "ana");
    assert_eq!(export.body["tables"]["watch_history"][0]["title"], "Rear Window");
    assert_eq!(export.body["tables"]["profiles"][0]["user_id"], "ana", "members appear by username");
    assert!(export.body["tables"]["profiles"][0]["updated_at"].as_str().unwrap().ends_with('Z'), "times in RFC 3339");
    assert_eq!(export.body["privacy_requests"][0]["kind"], "access");

    // The policy: acknowledging, and a version published by a command.
    assert_eq!(visitor.get("/api/me/policy-status").await.status, StatusCode::OK);

    // Reports decided, the purge, and deletion leaving nothing behind.
    let report_id: i64 = sqlx::query_scalar("SELECT id FROM child_reports").fetch_one(db).await.unwrap();
    curtain_server::child_reports::resolve(
        &app.command_db,
        report_id,
        curtain_server::child_reports::Decision::DeleteAccount,
        "Confirmed with the parent.",
        curtain_server::clock::now(),
    )
    .await
    .unwrap();
    assert_eq!(minor.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    let r = visitor.send(Method::DELETE, "/api/me", Some(&json!({"password": "another good passphrase", "confirm_username": "ana"})), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(count(db, "SELECT COUNT(*) FROM users WHERE username_key IN ('ana', 'kim')").await, 0);
    for table in ["profiles", "follows", "watch_history", "sessions", "outbox", "email_preferences", "privacy_requests"] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {} NOT IN (SELECT id FROM users)", if table == "follows" { "follower_id" } else { "user_id" });
        assert_eq!(count(db, &sql).await, 0, "{table} keeps rows of a deleted member");
    }
    // Years on, the purge has removed what was kept for a period.
    let purged = curtain_server::retention::purge(&app.command_db, curtain_server::clock::now() + 3 * 365 * 86_400).await.unwrap();
    assert!(purged.total() > 0, "{}", purged.summary());
    for table in ["signin_log", "outbox", "child_reports", "page_views", "request_counts", "privacy_requests"] {
        let left = count(db, &format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(left, 0, "{table} outlived its period: {}", purged.summary());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mixed_load_gets_no_5xx_and_keeps_every_acknowledged_write_on_postgres() {
    let app = on_postgres().await;
    let signed_up: Arc<Mutex<Vec<String>>> = Arc::default();
    let deleted: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut config = LoadConfig::new(8, Duration::from_secs(8), Mix::Everything);
    let (up, gone) = (signed_up.clone(), deleted.clone());
    config.on_sign_up = Some(Arc::new(move |name| {
        up.lock().unwrap().push(name);
        Box::pin(async {})
    }));
    config.on_deletion = Some(Arc::new(move |name| {
        gone.lock().unwrap().push(name);
        Box::pin(async {})
    }));
    let report = load::run(&app.base, config).await;
    println!("{}", report.summary());
    assert_eq!((report.server_errors(), report.unanswered()), (0, 0), "{}", report.summary());
    let names: BTreeSet<String> =
        sqlx::query_scalar("SELECT username FROM users").fetch_all(app.command_db.read()).await.unwrap().into_iter().collect();
    let deleted: BTreeSet<String> = deleted.lock().unwrap().iter().cloned().collect();
    let signed_up = signed_up.lock().unwrap().clone();
    assert!(signed_up.len() >= 8, "{}", report.summary());
    for name in &signed_up {
        assert_eq!(names.contains(name), !deleted.contains(name), "{name}: acknowledged, so it must be there (or gone if deleted)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_replicas_start_together_and_share_sessions_limits_and_privacy_at_once() {
    let url = fresh_database().await;
    // Three replicas starting at once migrate the database once.
    let (a, b, c) = tokio::join!(on(url.clone()), on(url.clone()), on(url.clone()));
    let db = a.command_db.read();
    let migrations = count(db, "SELECT COUNT(*) FROM _sqlx_migrations").await;
    assert_eq!(migrations, count(db, "SELECT COUNT(DISTINCT version) FROM _sqlx_migrations").await);
    drop(c);

    // A session made on A works on B; signing out on B ends it on A.
    let ana = a.member("ana", PW).await;
    assert_eq!(ana.at(&b.base).get("/api/session").await.body["username"], "ana");
    let second = a.client();
    assert_eq!(second.sign_in("ana", PW, false).await.status, StatusCode::OK);
    assert_eq!(second.at(&b.base).post("/api/auth/signout", &json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(second.get("/api/session").await.status, StatusCode::UNAUTHORIZED, "signed out on B, refused on A");
    // Revoking another session on B: refused on A at the next request.
    let third = a.client();
    assert_eq!(third.sign_in("ana", PW, false).await.status, StatusCode::OK);
    let sessions = ana.at(&b.base).get("/api/me/sessions").await;
    let other = sessions.body.as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"].as_i64().unwrap();
    let r = ana.at(&b.base).send(Method::DELETE, &format!("/api/me/sessions/{other}"), None, None).await;
    assert!(r.status.is_success(), "{:?}", r.body);
    assert_eq!(third.get("/api/session").await.status, StatusCode::UNAUTHORIZED, "revoked on B, refused on A");

    // A field narrowed on A is hidden on B at once, however warm B is.
    let bruno = a.member("bruno", PW).await;
    ana.edit_profile(json!({"location": "Porto", "audiences": {"location": "members"}})).await;
    let on_b = bruno.at(&b.base);
    for _ in 0..3 {
        assert_eq!(on_b.get("/api/users/ana").await.body["location"], "Porto");
    }
    ana.edit_profile(json!({"audiences": {"location": "only_me"}})).await;
    assert!(on_b.get("/api/users/ana").await.body.get("location").is_none(), "B must not serve what ana just hid on A");
    assert_eq!(patch(&ana.at(&b.base), "/api/me/privacy", json!({"private": true})).await.status, StatusCode::OK);
    assert!(app_profile_hidden(&a, "ana").await, "made private on B, private on A at once");

    // Failed sign-ins count on every replica together.
    let guesser = a.client();
    for i in 0..curtain_server::rate_limit::PER_IP {
        let replica = if i % 2 == 0 { &a.base } else { &b.base };
        let r = guesser.at(replica).sign_in(&format!("nobody_{i}"), "a guess", false).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    assert_eq!(guesser.at(&b.base).sign_in("nobody_more", "a guess", false).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(guesser.sign_in("nobody_else", "a guess", false).await.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Whether someone signed out sees nothing of `username`'s profile fields on `app`.
async fn app_profile_hidden(app: &TestApp, username: &str) -> bool {
    let r = app.client().get(&format!("/api/users/{username}")).await;
    r.status == StatusCode::OK && r.body["private"] == true && r.body.get("display_name").is_none()
}

#[tokio::test]
async fn a_write_that_waits_too_long_for_the_lock_is_a_503_and_changes_nothing() {
    let url = fresh_database().await;
    let app = on(url.clone()).await;
    let ana = app.member("ana", PW).await;
    // Someone else (another replica, a long command) holds the write lock.
    let mut holder = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query("SELECT 1 FROM pg_advisory_lock($1)").bind(curtain_server::db::WRITE_LOCK).execute(&mut holder).await.unwrap();
    let r = patch(&ana, "/api/me/privacy", json!({"private": true})).await;
    assert_eq!((r.status, r.code()), (StatusCode::SERVICE_UNAVAILABLE, "busy"), "{:?}", r.body);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(ana.get("/api/me/privacy").await.body["private"], false, "nothing changed");
    // Reads never wait for it.
    assert_eq!(ana.get("/api/users/ana").await.status, StatusCode::OK);
    sqlx::query("SELECT 1 FROM pg_advisory_unlock($1)").bind(curtain_server::db::WRITE_LOCK).execute(&mut holder).await.unwrap();
    assert_eq!(patch(&ana, "/api/me/privacy", json!({"private": true})).await.status, StatusCode::OK);
}
