//! The versioned privacy policy over real HTTP against a real server.

use curtain_api::CivilDate;
use curtain_server::clock;
use curtain_server::policy::store::{self, PublishError};
use curtain_server::public_url::PublicUrl;
use curtain_tests::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

/// A version file numbered `n`, effective on `effective`, with `children` as
/// the text of its Children section.
fn version_file(n: u32, effective: &str, children: &str) -> String {
    format!(
        "---\nversion: {n}\neffective: {effective}\nmaterial: no\nsummary: Test version {n}.\n---\n\n\
         ## In short {{#in-short}}\n\nShort.\n\n## Children {{#children}}\n\n{children}\n"
    )
}

fn date_in_days(days: i64) -> String {
    CivilDate::from_unix_days(clock::now().div_euclid(86_400) + days).to_string()
}

fn section<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["sections"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no section {id}"))
}

// promise: versions-kept
#[tokio::test]
async fn current_version_list_one_and_unknown() {
    let app = TestApp::spawn().await;
    let c = app.client();

    let r = c.get("/api/policies/privacy").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["version"], 5);
    assert_eq!(r.body["status"], "current");
    assert_eq!(r.body["material"], false);
    assert_eq!(r.body["effective_date"], "2026-11-30");
    assert_eq!(r.body["previous_version"], 4);
    assert!(r.body["upcoming"].is_null());
    let cookies = section(&r.body, "cookies");
    assert!(cookies["html"].as_str().unwrap().contains("<strong>curtain_consent</strong>"), "{cookies}");
    assert!(section(&r.body, "contact")["html"].as_str().unwrap().contains("privacy@curtain.example"));

    let r = c.get("/api/policies/privacy/versions").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["current_version"], 5);
    let listed: Vec<(u64, String, bool)> = r.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_u64().unwrap(), v["status"].as_str().unwrap().to_string(), v["material"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            (5, "current".into(), false),
            (4, "past".into(), true),
            (3, "past".into(), true),
            (2, "past".into(), false),
            (1, "past".into(), true)
        ]
    );

    let r = c.get("/api/policies/privacy/versions/1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!((r.body["version"].as_u64(), r.body["status"].as_str()), (Some(1), Some("past")));
    assert_eq!(r.body["current_version"], 5);
    // The stable anchor exists in the oldest version too.
    section(&r.body, "children");

    let r = c.get("/api/policies/privacy/versions/99").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "unknown_version");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("no version 99"), "{:?}", r.body);
    let r = c.get("/api/policies/privacy/versions/three").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_version");
}

// promise: versions-kept
#[tokio::test]
async fn diff_is_the_same_in_either_order_and_word_level() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let forward = c.get("/api/policies/privacy/diff?from=2&to=3").await;
    assert_eq!(forward.status, StatusCode::OK, "{:?}", forward.body);
    let backward = c.get("/api/policies/privacy/diff?from=3&to=2").await;
    assert_eq!(forward.body, backward.body, "either order gives the older-to-newer diff");
    assert_eq!((forward.body["from"]["version"].as_u64(), forward.body["to"]["version"].as_u64()), (Some(2), Some(3)));

    let cookies = section(&forward.body, "cookies");
    assert_eq!(cookies["change"], "changed");
    let ops = cookies["ops"].as_array().unwrap();
    let has = |kind: &str, needle: &str| ops.iter().any(|o| o["kind"] == kind && o["text"].as_str().unwrap().contains(needle));
    assert!(has("delete", "two"), "{ops:?}");
    assert!(has("insert", "three"), "{ops:?}");
    assert!(has("insert", "Analytics"), "{ops:?}");
    assert!(has("equal", "A cookie is a small piece of text"), "{ops:?}");
    assert_eq!(section(&forward.body, "retention")["change"], "added");
    assert_eq!(section(&forward.body, "children")["change"], "unchanged");

    // 3 -> 4 states every retention period and corrects what servers record.
    let r = c.get("/api/policies/privacy/diff?from=3&to=4").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(section(&r.body, "retention")["change"], "changed");
    assert_eq!(section(&r.body, "information-we-collect")["change"], "changed");
    assert_eq!(section(&r.body, "cookies")["change"], "unchanged");

    // 1 -> 2 rewords a heading: same section, renamed.
    let r = c.get("/api/policies/privacy/diff?from=1&to=2").await;
    let sharing = section(&r.body, "sharing-and-disclosure");
    assert_eq!(sharing["old_title"], "Sharing and disclosure");
    assert_eq!(sharing["title"], "When we share information");
}

#[tokio::test]
async fn bad_or_unknown_versions_in_a_diff_are_explained() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for (query, status, code) in [
        ("from=1", StatusCode::BAD_REQUEST, "bad_version"),
        ("from=one&to=2", StatusCode::BAD_REQUEST, "bad_version"),
        ("from=-1&to=2", StatusCode::BAD_REQUEST, "bad_version"),
        ("from=1&to=42", StatusCode::NOT_FOUND, "unknown_version"),
    ] {
        let r = c.get(&format!("/api/policies/privacy/diff?{query}")).await;
        assert_eq!((r.status, r.code()), (status, code), "{query}: {:?}", r.body);
        assert!(!r.body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_upcoming_version_is_announced_but_not_current() {
    let app = TestApp::spawn().await;
    let c = app.client();
    // Read first, so the server has parsed the versions it had: a version
    // published afterwards must still appear.
    let r = c.get("/api/policies/privacy").await;
    assert_eq!((r.body["version"].as_u64(), r.body.get("upcoming").filter(|u| !u.is_null())), (Some(5), None));
    let effective = date_in_days(10);
    let published =
        store::publish(&app.command_db, &version_file(6, &effective, "Not for children."), &app.public_url(), clock::now())
            .await
            .unwrap();
    assert_eq!(published.version, 6);

    let r = c.get("/api/policies/privacy").await;
    assert_eq!(r.body["version"], 5, "the upcoming version is not current yet");
    assert_eq!(r.body["upcoming"]["version"], 6);
    assert_eq!(r.body["upcoming"]["status"], "upcoming");
    assert_eq!(r.body["upcoming"]["effective_date"], effective.as_str());
    let r = c.get("/api/policies/privacy/versions").await;
    assert_eq!(r.body["current_version"], 5);
    assert_eq!(r.body["versions"][0]["status"], "upcoming");
    assert_eq!(c.get("/api/policies/privacy/versions/6").await.body["status"], "upcoming");
    // Its changes can be previewed.
    let r = c.get("/api/policies/privacy/diff?from=5&to=6").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(section(&r.body, "cookies")["change"], "removed");

    // Sign-up still agrees to the current version, and cannot agree to the upcoming one.
    assert_eq!(c.sign_up("uma", PW).await.status, StatusCode::CREATED);
    let r = c.post("/api/me/policy-acceptances", &json!({"version": 6})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(r.body["error"]["fields"]["version"][0].as_str().unwrap().contains(&effective));
}

#[tokio::test]
async fn the_feed_is_valid_atom_with_one_entry_per_version() {
    let app = TestApp::spawn().await;
    let resp = app.client().http.get(app.url("/policies/privacy.atom")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/atom+xml"), "{content_type}");
    let text = resp.text().await.unwrap();
    let feed: atom_syndication::Feed = text.parse().unwrap_or_else(|e| panic!("not Atom: {e}\n{text}"));
    assert_eq!(feed.title().as_str(), "Curtain privacy policy");
    assert!(!feed.id().is_empty());
    assert_eq!(feed.entries().len(), 5);
    let newest = &feed.entries()[0];
    assert!(newest.id().ends_with(":v5"), "{}", newest.id());
    assert_eq!(newest.updated().to_rfc3339(), "2026-11-30T00:00:00+00:00");
    assert!(newest.links().iter().any(|l| l.href() == app.url("/privacy/v/5")), "{:?}", newest.links());
    assert!(newest.summary().unwrap().as_str().contains("each cookie's lifetime"));
    assert!(newest.categories().iter().any(|c| c.term() == "non-material"));
    assert!(feed.entries()[1].categories().iter().any(|c| c.term() == "material"));
    let mut ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5, "entry ids are unique");
}

#[tokio::test]
async fn a_script_planted_in_a_version_is_stripped() {
    let app = TestApp::spawn().await;
    let planted = "Hello <script>document.title='owned'</script> there. <img src=x onerror=\"alert(1)\"> [click](javascript:alert(2))";
    store::publish(&app.command_db, &version_file(6, &date_in_days(0), planted), &app.public_url(), clock::now()).await.unwrap();
    let r = app.client().get("/api/policies/privacy/versions/6").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let html = section(&r.body, "children")["html"].as_str().unwrap().to_string();
    assert!(html.contains("Hello"), "{html}");
    for bad in ["<script", "owned", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    // Planted directly in the database, it is stripped on the way out as well.
    sqlx::query("UPDATE policy_versions SET source = replace(source, 'Short.', 'Short.<script>alert(3)</script>') WHERE version = 6")
        .execute(&app.db)
        .await
        .unwrap();
    let r = app.client().get("/api/policies/privacy").await;
    assert!(!section(&r.body, "in-short")["html"].as_str().unwrap().contains("<script"));
}

#[tokio::test]
async fn sign_up_must_name_the_current_version_and_is_recorded() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let mut body = curtain_tests::signup_body("vera", PW, "1990-05-01");
    body["accepted_policy_version"] = json!(1);
    let r = c.post("/api/auth/signup", &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(r.code(), "policy_changed");
    let message = r.body["error"]["fields"]["accepted_policy_version"][0].as_str().unwrap();
    assert!(message.contains("version 5"), "{message}");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&app.db).await.unwrap();
    assert_eq!(users, 0, "nothing is stored");

    assert_eq!(c.sign_up("vera", PW).await.status, StatusCode::CREATED);
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT version, context FROM policy_acceptances").fetch_all(&app.db).await.unwrap();
    assert_eq!(rows, [(5, "signup".to_string())]);
    let r = c.get("/api/me/policy-status").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["acknowledged_version"], 5);
    assert!(r.body["pending"].is_null(), "a new member has nothing to acknowledge: {:?}", r.body);
}

// promise: material-changes-acknowledged
#[tokio::test]
async fn a_member_on_version_one_acknowledges_the_material_change() {
    let app = TestApp::spawn().await;
    let c = app.client();
    assert_eq!(app.client().get("/api/me/policy-status").await.status, StatusCode::UNAUTHORIZED);
    c.sign_up("walt", PW).await;
    sqlx::query("UPDATE policy_acceptances SET version = 1").execute(&app.db).await.unwrap();

    let r = c.get("/api/me/policy-status").await;
    let pending = &r.body["pending"];
    assert_eq!((pending["from_version"].as_u64(), pending["to_version"].as_u64()), (Some(1), Some(5)), "{:?}", r.body);
    assert_eq!(pending["changed_on"], "2026-11-30");

    let r = c.post("/api/me/policy-acceptances", &json!({"version": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "policy_changed"));
    let r = c.post("/api/me/policy-acceptances", &json!({"version": 99})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c.post_without_csrf("/api/me/policy-acceptances", &json!({"version": 5})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "CSRF applies");

    let r = c.post("/api/me/policy-acceptances", &json!({"version": 5})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(r.body["pending"].is_null());
    assert!(c.get("/api/me/policy-status").await.body["pending"].is_null());
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, context FROM policy_acceptances ORDER BY id").fetch_all(&app.db).await.unwrap();
    assert_eq!(rows, [(1, "signup".to_string()), (5, "acknowledged".to_string())]);
}

// promise: versions-kept
#[tokio::test]
async fn published_versions_cannot_change_and_publishing_checks_number_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let db = curtain_server::db::connect(&url).await.unwrap();
    let now = clock::now();
    let site = PublicUrl::parse("https://curtain.example").unwrap();

    let e = store::publish(&db, &version_file(7, &date_in_days(1), "x"), &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::NotNext { expected: 6, found: 7 }), "{e}");
    let e = store::publish(&db, &version_file(6, "2026-01-01", "x"), &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::BeforePrevious { previous: 5, .. }), "{e}");
    assert!(e.to_string().contains("backdated"), "{e}");
    // A date after version 5's but before today (there is one from 2026-12-01 on).
    if date_in_days(-1).as_str() >= "2026-11-30" {
        let e = store::publish(&db, &version_file(6, &date_in_days(-1), "x"), &site, now).await.unwrap_err();
        assert!(matches!(e, PublishError::Backdated { .. }), "{e}");
    }
    let e = store::publish(&db, "version: 5", &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::Source(_)), "{e}");
    assert_eq!(store::publish(&db, &version_file(6, &date_in_days(0), "x"), &site, now).await.unwrap().version, 6);
    // Starting again is fine while nothing changed.
    db.close().await.unwrap();
    let db = curtain_server::db::connect(&url).await.unwrap();
    db.close().await.unwrap();

    // Someone edits a published version: the server refuses to start.
    let editor = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("UPDATE policy_versions SET source = replace(source, 'Curtain', 'Kurtain') WHERE version = 2")
        .execute(&editor)
        .await
        .unwrap();
    editor.close().await;
    let err = curtain_server::db::connect(&url).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("version 2") && message.contains("cannot change"), "{message}");
}
