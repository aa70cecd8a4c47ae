//! Promises of the privacy policy that no other test file proves: what the
//! servers record and what they do not, page views per route, a log without
//! secrets, privacy requests, decisions on parents' reports, the notice a
//! material change needs, and the promises endpoint itself.

use curtain_api::CivilDate;
use curtain_server::clock;
use curtain_server::policy::store::{self, PublishError};
use curtain_tests::process::{describe_output, run_server_command, ServerProcess};
use curtain_tests::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

fn date_in_days(days: i64) -> String {
    CivilDate::from_unix_days(clock::now().div_euclid(86_400) + days).to_string()
}

/// Every text value in the database, as `table.column: value`.
async fn every_text(db: &sqlx::AnyPool) -> Vec<String> {
    let mut found = Vec::new();
    for table in curtain_tests::tables(db).await.into_iter().filter(|t| !t.starts_with("member_search")) {
        for (column, declared) in curtain_tests::columns(db, &table).await {
            let declared = declared.to_uppercase();
            if declared.contains("BLOB") || declared.contains("BYTEA") {
                continue;
            }
            let values: Vec<Option<String>> =
                sqlx::query_scalar(&format!("SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\""))
                    .fetch_all(db)
                    .await
                    .unwrap();
            found.extend(values.into_iter().flatten().map(|v| format!("{table}.{column}: {v}")));
        }
    }
    found
}

// promise: ip-recorded-only-where-said, no-referrers-or-searches
#[tokio::test]
async fn browsing_reading_and_searching_record_no_address_no_referrer_and_no_search() {
    let app = TestApp::spawn().await;
    app.member("ana", PW).await;
    let before: Vec<String> = every_text(&app.db).await;

    // A visitor and a member browse: consent, page views, profiles, search,
    // the policy. Reads carry a referrer from elsewhere, as a page arriving
    // from a link would.
    let referrer = "https://referrer.example/secret-campaign";
    let visitor = app.client();
    visitor.give_consent(true, true).await;
    let member = app.member("bruno", PW).await;
    member.give_consent(false, true).await;
    for client in [&visitor, &member] {
        assert_eq!(client.post("/api/analytics/pageview", &json!({"path": "/u/ana"})).await.status, StatusCode::NO_CONTENT);
        for path in ["/api/users/ana", "/api/users?q=noirlover", "/api/users?q=an", "/api/policies/privacy", "/api/session"] {
            let r = client.http.get(app.url(path)).header(reqwest::header::REFERER, referrer).send().await.unwrap();
            assert!(r.status().is_success() || r.status() == StatusCode::UNAUTHORIZED, "{path}: {}", r.status());
        }
    }

    let after = every_text(&app.db).await;
    let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
    for value in &added {
        assert!(!value.contains("referrer.example") && !value.contains("secret-campaign"), "a referrer was stored: {value}");
        assert!(!value.contains("noirlover"), "a search was stored: {value}");
        // Addresses appear only where the policy says: bruno's sign-in
        // (session and log) and the hour-long request counts.
        if value.ends_with(": 127.0.0.1") {
            assert!(
                value.starts_with("sessions.ip") || value.starts_with("signin_log.ip") || value.starts_with("request_counts.address"),
                "an address was stored where the policy does not say: {value}"
            );
        }
    }
    // The counts behind the limits go when their window ends, within the hour.
    let longest: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(window_ends_at), 0) FROM request_counts").fetch_one(&app.db).await.unwrap();
    assert!(longest <= clock::now() + 3600, "a request count outlives the hour");
}

// promise: page-views-are-totals
#[tokio::test]
async fn page_views_are_counted_per_route_never_per_member_or_secret() {
    let app = TestApp::spawn().await;
    let visitor = app.client();
    visitor.give_consent(false, true).await;
    for path in ["/u/ana", "/u/Bruno/", "/unsubscribe/0123456789abcdef", "/verify-email/s3cr3t?x=1", "/privacy/v/2", "/privacy#cookies", "/nowhere/at/all"] {
        let r = visitor.post("/api/analytics/pageview", &json!({"path": path})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{path}");
    }
    let mut rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT path, count FROM page_views ORDER BY path").fetch_all(&app.db).await.unwrap();
    rows.sort();
    let expected: Vec<(String, i64)> = [
        ("/privacy", 1),
        ("/privacy/v/:n", 1),
        ("/u/:username", 2),
        ("/unsubscribe/:token", 1),
        ("/verify-email/:token", 1),
    ]
    .iter()
    .map(|(p, n)| (p.to_string(), *n))
    .collect();
    assert_eq!(rows, expected);
    let days: Vec<String> = sqlx::query_scalar("SELECT DISTINCT day FROM page_views").fetch_all(&app.db).await.unwrap();
    assert_eq!(days, [date_in_days(0)], "a total per day, nothing finer");
}

// promise: log-holds-no-secrets
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_log_holds_no_address_message_or_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curtain.db");
    let url = curtain_tests::process::database_url(&path);
    let server = ServerProcess::spawn(&path, &[]).await;
    let c = server.client();
    assert_eq!(c.sign_up("lena", PW).await.status, StatusCode::CREATED);
    let r = c.send(reqwest::Method::PATCH, "/api/me/email-preferences", Some(&json!({"newsletter": true})), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = c.post("/api/me/email/verification", &json!({})).await;
    assert!(r.status.is_success(), "{:?}", r.body);
    let r = c
        .post("/api/privacy-requests", &json!({"kind": "objection", "email": "lena@example.org", "message": "Please stop counting my visits, private words."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = server
        .client()
        .post("/api/reports/child-account", &json!({"username": "lena", "reporter_email": "guardian@example.org", "message": "Confidential worry."}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    // Confirm the address from the link in the outbox, then send the newsletter.
    let pool = curtain_tests::open_database(&path).await;
    let verify: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'verify_email' ORDER BY id DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let token = verify.split("/verify-email/").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    assert_eq!(c.post("/api/email/verify", &json!({"token": token})).await.status, StatusCode::OK);
    let newsletter = run_server_command([
        "newsletter", "send", "--subject", "Weekly", "--body", "Members-only words.", "--site", server.base(), "--database", &url,
    ])
    .await;
    assert!(newsletter.status.success(), "{}", describe_output(&newsletter));

    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox").fetch_all(&pool).await.unwrap();
    assert!(bodies.iter().any(|b| b.contains("/unsubscribe/")), "the newsletter went out: {bodies:?}");
    let unsubscribe: String =
        sqlx::query_scalar("SELECT unsubscribe_token FROM email_preferences").fetch_one(&pool).await.unwrap();
    let log = format!("{}\n{}", server.output(), String::from_utf8_lossy(&newsletter.stderr));
    for secret in [
        "lena@example.org",
        "guardian@example.org",
        "private words",
        "Confidential worry",
        "Members-only words",
        unsubscribe.as_str(),
        token.as_str(),
        "/unsubscribe/",
        "/verify-email/",
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    assert!(log.contains("outbox"), "the log still says what happened:\n{log}");
}

// promise: privacy-requests
#[tokio::test]
async fn privacy_requests_are_stored_with_their_due_date_and_listed_until_answered() {
    let app = TestApp::spawn().await;
    let visitor = app.client();

    // Bad input: a clear 422 per field, nothing stored.
    let r = visitor.post("/api/privacy-requests", &json!({"kind": "correction", "email": "not an address", "message": " "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(r.body["error"]["fields"]["email"].is_array() && r.body["error"]["fields"]["message"].is_array(), "{:?}", r.body);
    let r = visitor.post("/api/privacy-requests", &json!({"kind": "gossip", "email": "a@example.org"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let stored = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM privacy_requests").fetch_one(&app.db).await.unwrap() };
    assert_eq!(stored().await, 0);

    // Signed out: access needs no message.
    let r = visitor.post("/api/privacy-requests", &json!({"kind": "access", "email": "Visitor@Example.org"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["due_date"], date_in_days(30));
    let visitor_ref = r.body["reference"].as_str().unwrap().to_string();
    assert!(visitor_ref.starts_with("PR-"), "{visitor_ref}");

    // Signed in: tied to the account.
    let member = app.member("mira", PW).await;
    let r = member
        .post("/api/privacy-requests", &json!({"kind": "objection", "email": "mira@example.org", "message": "I object to the page counts."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let member_ref = r.body["reference"].as_str().unwrap().to_string();
    let rows: Vec<(Option<i64>, String, String, i64, i64)> =
        sqlx::query_as("SELECT user_id, kind, email, created_at, due_at FROM privacy_requests ORDER BY id").fetch_all(&app.db).await.unwrap();
    let mira: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'mira'").fetch_one(&app.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0, rows[0].1.as_str(), rows[0].2.as_str()), (None, "access", "Visitor@Example.org"));
    assert_eq!((rows[1].0, rows[1].1.as_str()), (Some(mira), "objection"));
    for (_, _, _, created, due) in &rows {
        assert!(due - created >= 30 * 86_400 - 1 && due - created < 31 * 86_400, "due 30 days on");
    }
    // Each sender gets a receipt with the reference and the due date.
    let receipts: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, body FROM outbox WHERE kind = 'privacy_request' ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(receipts.len(), 2);
    let due_words = curtain_ui::dates::long_date(&date_in_days(30), curtain_ui::Lang::En);
    assert!(receipts[0].1.contains(&visitor_ref) && receipts[0].1.contains(&due_words), "{receipts:?}");
    // The member sees the request in their export.
    let export = member.get("/api/me/export").await;
    assert_eq!(export.body["privacy_requests"][0]["kind"], "objection", "{:?}", export.body["privacy_requests"]);

    // The people who answer: open ones listed, overdue ones picked out.
    let list = |args: &'static [&'static str]| {
        let url = app.database_url.clone();
        async move {
            let mut all: Vec<String> = vec!["requests".into(), "list".into()];
            all.extend(args.iter().map(|a| a.to_string()));
            all.extend(["--database".into(), url]);
            let out = run_server_command(all).await;
            assert!(out.status.success(), "{}", describe_output(&out));
            String::from_utf8_lossy(&out.stdout).to_string()
        }
    };
    let open = list(&[]).await;
    assert!(open.contains(&visitor_ref) && open.contains(&member_ref) && open.contains("(member mira)"), "{open}");
    assert!(list(&["--overdue"]).await.contains("No request is overdue"));
    sqlx::query("UPDATE privacy_requests SET due_at = $1 WHERE kind = 'access'").bind(clock::now() - 60).execute(&app.db).await.unwrap();
    let overdue = list(&["--overdue"]).await;
    assert!(overdue.contains(&visitor_ref) && overdue.contains("OVERDUE") && !overdue.contains(&member_ref), "{overdue}");

    let answer = run_server_command(["requests", "answer", &visitor_ref, "--note", "Sent the export by e-mail.", "--database", &app.database_url]).await;
    assert!(answer.status.success(), "{}", describe_output(&answer));
    let again = run_server_command(["requests", "answer", &visitor_ref, "--note", "Twice over.", "--database", &app.database_url]).await;
    assert!(!again.status.success(), "an answered request is not answered twice");
    assert!(!list(&[]).await.contains(&visitor_ref), "answered requests leave the open list");
    assert!(list(&["--all"]).await.contains(&visitor_ref));

    // A flood from one connection is stopped, with the time to wait.
    let mut last = StatusCode::CREATED;
    for _ in 0..6 {
        last = visitor.post("/api/privacy-requests", &json!({"kind": "access", "email": "a@example.org"})).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

// promise: parents-reports
#[tokio::test]
async fn a_parents_report_is_decided_once_the_account_deleted_as_its_owner_would_and_the_reporter_told() {
    let app = TestApp::spawn().await;
    let kid = app.member("kiddo", PW).await;
    app.member("grownup", PW).await;
    let parent = app.client();
    for username in ["kiddo", "grownup", "nobody_here"] {
        let body = json!({"username": username, "reporter_email": "parent@example.org", "message": "I think my child made this."});
        assert_eq!(parent.post("/api/reports/child-account", &body).await.status, StatusCode::ACCEPTED);
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM child_reports ORDER BY id").fetch_all(&app.db).await.unwrap();
    let resolve = |id: i64, how: &'static str, note: &'static str| {
        let url = app.database_url.clone();
        async move {
            run_server_command(["reports".to_string(), "resolve".into(), id.to_string(), how.into(), "--note".into(), note.into(), "--database".into(), url]).await
        }
    };

    // A note is required; an account that does not exist cannot be deleted.
    assert!(!resolve(ids[0], "--delete-account", "").await.status.success());
    let missing = resolve(ids[2], "--delete-account", "The account is a child's.").await;
    assert!(!missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("--dismiss"), "{}", describe_output(&missing));

    let deleted = resolve(ids[0], "--delete-account", "Confirmed with the parent: aged 11.").await;
    assert!(deleted.status.success(), "{}", describe_output(&deleted));
    // Deleted the way a member's own deletion does it: signed out, no row left.
    assert_eq!(kid.get("/api/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().get("/api/users/kiddo").await.status, StatusCode::NOT_FOUND);
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = 'kiddo'").fetch_one(&app.db).await.unwrap();
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!((users, sessions), (0, 1), "only grownup's session is left");

    let dismissed = resolve(ids[1], "--dismiss", "Adult by the sign-up date and writing.").await;
    assert!(dismissed.status.success(), "{}", describe_output(&dismissed));
    assert_eq!(app.client().get("/api/users/grownup").await.status, StatusCode::OK, "a dismissed report changes nothing");
    let twice = resolve(ids[1], "--delete-account", "Changed my mind.").await;
    assert!(!twice.status.success() && String::from_utf8_lossy(&twice.stderr).contains("already decided"), "{}", describe_output(&twice));

    // The reporter is told each decision; the mail names no member account.
    let letters: Vec<(Option<i64>, String, String)> =
        sqlx::query_as("SELECT user_id, to_address, body FROM outbox WHERE kind = 'report_decision' ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(letters.len(), 2);
    assert!(letters.iter().all(|(user, to, _)| user.is_none() && to == "parent@example.org"));
    assert!(letters[0].2.contains("deleted the account") && letters[1].2.contains("not to delete"), "{letters:?}");
    // The decisions hold no names or addresses.
    let decisions: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT report_id, outcome, note FROM report_decisions ORDER BY report_id").fetch_all(&app.db).await.unwrap();
    assert_eq!(decisions.iter().map(|d| (d.0, d.1.as_str())).collect::<Vec<_>>(), [(ids[0], "account_deleted"), (ids[1], "dismissed")]);
    let columns: Vec<String> =
        curtain_tests::columns(&app.db, "report_decisions").await.into_iter().map(|(name, _)| name).collect();
    assert!(!columns.iter().any(|c| c.contains("user") || c.contains("email") || c.contains("ip")), "{columns:?}");
    let list = run_server_command(["reports", "list", "--database", &app.database_url]).await;
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("decided: account_deleted") && text.contains("decided: dismissed") && text.contains("open, no such account"), "{text}");
}

/// A version file numbered `n` with a one-line Children section.
fn version_file(n: u32, effective: &str, material: bool) -> String {
    format!(
        "---\nversion: {n}\neffective: {effective}\nmaterial: {}\nsummary: Test version {n}.\n---\n\n\
         ## In short {{#in-short}}\n\nShort.\n\n## Children {{#children}}\n\nVersion {n}.\n",
        if material { "yes" } else { "no" }
    )
}

// promise: material-changes-announced
#[tokio::test]
async fn a_material_change_is_announced_thirty_days_ahead_or_says_why_not() {
    let app = TestApp::spawn().await;
    let member = app.member("nora", PW).await;
    let now = clock::now();
    let next = curtain_server::policy::published::PUBLISHED.len() as u32 + 1;
    let db = &app.command_db;
    let site = app.public_url();

    // Too soon for a material change, with or without a reason too short to read.
    for days in [0, 10, 29] {
        let e = store::publish(db, &version_file(next, &date_in_days(days), true), &site, now).await.unwrap_err();
        assert!(matches!(e, PublishError::TooSoon { .. }), "{days}: {e}");
        assert!(e.to_string().contains(&date_in_days(30)), "the message names the earliest date: {e}");
    }
    let e = store::publish_as(db, &version_file(next, &date_in_days(3), true), Some("law"), &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::UrgentWithoutReason), "{e}");
    let e = store::publish_as(db, &version_file(next, &date_in_days(40), true), Some("A court order requires it."), &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::UrgentNotNeeded { .. }), "{e}");
    // The command line refuses it the same way.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), version_file(next, &date_in_days(5), true)).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let out = run_server_command(["policy", "publish", &path, "--database", &app.database_url]).await;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("30 days"), "{}", describe_output(&out));
    let status = member.get("/api/me/policy-status").await;
    assert_eq!(status.body["announced"], json!([]), "nothing was published");

    // An urgent legal change may be sooner, and the reason shows with it.
    let reason = "A new national law requires us to name our hosting provider by next week.";
    let out = run_server_command(["policy", "publish", &path, "--urgent", reason, "--database", &app.database_url]).await;
    assert!(out.status.success(), "{}", describe_output(&out));
    // Thirty days ahead needs no reason.
    store::publish(db, &version_file(next + 1, &date_in_days(30), true), &site, now).await.unwrap();
    store::publish(db, &version_file(next + 2, &date_in_days(31), false), &site, now).await.unwrap();

    let doc = app.client().get("/api/policies/privacy").await;
    let announced = doc.body["announced"].as_array().unwrap();
    assert_eq!(announced.iter().map(|v| v["version"].as_u64().unwrap() as u32).collect::<Vec<_>>(), [next, next + 1, next + 2]);
    assert_eq!(announced[0]["urgent_reason"], reason);
    assert!(announced[1].get("urgent_reason").is_none_or(Value::is_null));
    assert_eq!(app.client().get(&format!("/api/policies/privacy/versions/{next}")).await.body["urgent_reason"], reason);

    // Signed-in members are told at once of the material ones.
    let status = member.get("/api/me/policy-status").await;
    let told: Vec<u64> = status.body["announced"].as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
    assert_eq!(told, [next as u64, next as u64 + 1], "{:?}", status.body);
    // Having read the later one ahead, nothing is left to tell.
    let r = member.post("/api/me/policy-acceptances", &json!({"version": next + 1})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["announced"], json!([]));
    // A non-material upcoming version is not acknowledged ahead.
    let r = member.post("/api/me/policy-acceptances", &json!({"version": next + 2})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
}

#[tokio::test]
async fn the_promises_of_the_policy_in_force_come_with_how_they_are_kept_and_their_tests() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get("/api/policies/privacy/promises").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let current = c.get("/api/policies/privacy").await.body["version"].clone();
    assert_eq!(r.body["version"]["version"], current);
    let promises = r.body["promises"].as_array().unwrap();
    assert!(promises.len() >= 20, "{}", promises.len());
    let html: String = c.get("/api/policies/privacy").await.body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["html"].as_str().unwrap().to_string())
        .collect();
    for p in promises {
        let id = p["id"].as_str().unwrap();
        assert!(!p["statement"].as_str().unwrap().is_empty() && !p["how"].as_str().unwrap().is_empty(), "{p}");
        assert!(!p["tests"].as_array().unwrap().is_empty(), "{id} has no test");
        assert!(html.contains(&format!("id=\"promise-{id}\"")), "the policy carries the anchor of {id}");
    }
    let retention = promises.iter().find(|p| p["id"] == "page-views-are-totals").unwrap();
    assert!(retention["retention"].as_str().unwrap().contains("two years"), "{retention}");
    // Older versions made no marked promises; unknown ones are a clear 404.
    let r = c.get("/api/policies/privacy/promises?version=1").await;
    assert_eq!((r.status, r.body["promises"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let r = c.get("/api/policies/privacy/promises?version=999").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "unknown_version"));
    let r = c.get("/api/policies/privacy/promises?version=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
