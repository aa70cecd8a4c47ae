//! Cookie consent over real HTTP: the configuration, receipts, and the
//! server's own enforcement (page views, persistent sign-in).

use curtain_api::consent::{uuid_v4, Choices, ConsentRecord};
use curtain_tests::{rand_bytes, ApiClient, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn page_views(app: &TestApp, path: &str) -> i64 {
    sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views WHERE path = $1")
        .bind(path)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn view(c: &ApiClient, path: &str) {
    let r = c.post("/api/analytics/pageview", &json!({ "path": path })).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "204 whether counted or not: {:?}", r.body);
}

async fn bump_revision(app: &TestApp, summary: &str) {
    sqlx::query(
        "INSERT INTO consent_revisions (revision, effective_on, summary)
         SELECT MAX(revision) + 1, '2026-11-29', $1 FROM consent_revisions",
    )
    .bind(summary)
    .execute(&app.db)
    .await
    .unwrap();
}

fn receipt(id: &str, revision: u32, categories: &[&str], gpc: bool, method: &str) -> Value {
    json!({ "consent_id": id, "revision": revision, "categories": categories, "gpc": gpc, "method": method })
}

fn record(id: &str, preferences: bool, analytics: bool) -> ConsentRecord {
    ConsentRecord {
        id: id.into(),
        revision: 1,
        choices: Choices { preferences, analytics },
        given_at: curtain_server::clock::now(),
        gpc: false,
    }
}

#[tokio::test]
async fn config_gives_the_revision_the_categories_and_the_gpc_signal() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get("/api/consent/config").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["revision"], 1);
    assert!(!r.body["changes"].as_str().unwrap().is_empty());
    assert_eq!(r.body["gpc"], false);
    let ids: Vec<&str> = r.body["categories"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["necessary", "preferences", "analytics"]);
    let necessary: Vec<&str> =
        r.body["categories"][0]["cookies"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(necessary, ["curtain_session", "curtain_csrf", "curtain_consent"]);
    assert_eq!(r.body["categories"][0]["always_on"], true);
    for category in r.body["categories"].as_array().unwrap() {
        assert!(category["description"].as_str().unwrap().len() > 40, "described in words: {category}");
    }

    let r = c.http.get(app.url("/api/consent/config")).header("Sec-GPC", "1").send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["gpc"], true);

    bump_revision(&app, "Analytics now counts the settings pages too.").await;
    let r = c.get("/api/consent/config").await;
    assert_eq!(r.body["revision"], 2);
    assert_eq!(r.body["changes"], "Analytics now counts the settings pages too.");
}

// promise: consent-receipts
#[tokio::test]
async fn receipts_are_stored_and_tied_to_the_member() {
    let app = TestApp::spawn().await;
    let visitor = app.client();
    let id = uuid_v4(rand_bytes());
    let r = visitor.post("/api/consent", &receipt(&id, 1, &["necessary", "analytics"], false, "custom")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["categories"], json!(["necessary", "analytics"]));
    assert_eq!(r.body["method"], "custom");
    let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM consent_receipts").fetch_one(&app.db).await.unwrap();
    assert_eq!(owner, None, "a visitor's receipt belongs to nobody");
    assert_eq!(visitor.get("/api/me/consents").await.status, StatusCode::UNAUTHORIZED);

    // Signing in with that (trusted) consent claims its receipt.
    visitor.set_cookie("curtain_consent", &record(&id, false, true).encode());
    visitor.sign_up("vera", PW).await;
    let r = visitor.get("/api/me/consents").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{:?}", r.body);
    assert_eq!(r.body[0]["consent_id"], id.as_str());

    // A signed-in answer is tied to the member at once (and needs the CSRF header).
    let r = visitor.post_without_csrf("/api/consent", &receipt(&id, 1, &["necessary"], false, "reject_all")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = visitor.post("/api/consent", &receipt(&id, 1, &["necessary"], false, "reject_all")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = visitor.get("/api/me/consents").await;
    let receipts = r.body.as_array().unwrap();
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0]["method"], "reject_all", "newest first");
    assert_eq!(receipts[0]["revision"], 1);
    assert!(receipts[0]["recorded_at"].as_str().unwrap().ends_with('Z'));

    // Another member sees only their own.
    let other = app.client();
    other.sign_up("walt", PW).await;
    assert_eq!(other.get("/api/me/consents").await.body, json!([]));
}

#[tokio::test]
async fn bad_receipts_are_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let id = uuid_v4(rand_bytes());
    let cases = [
        (receipt("not-a-uuid", 1, &["necessary"], false, "custom"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (receipt(&id.to_uppercase(), 1, &["necessary"], false, "custom"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (receipt(&id, 7, &["necessary"], false, "custom"), StatusCode::CONFLICT, "stale_revision"),
        (receipt(&id, 1, &["necessary", "cookies"], false, "custom"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (receipt(&id, 1, &["necessary"], false, "shrug"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        // Accept all under Global Privacy Control does not include analytics.
        (receipt(&id, 1, &["necessary", "preferences", "analytics"], true, "accept_all"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (receipt(&id, 1, &["necessary", "analytics"], false, "reject_all"), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (json!({ "consent_id": id }), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
    ];
    for (body, status, code) in cases {
        let r = c.post("/api/consent", &body).await;
        assert_eq!((r.status, r.code()), (status, code), "{body} -> {:?}", r.body);
    }
    assert_eq!(c.post_raw("/api/consent", "application/json", "{nope").await.status, StatusCode::BAD_REQUEST);

    // The header counts as the signal too.
    let r = c
        .http
        .post(app.url("/api/consent"))
        .header("Sec-GPC", "1")
        .json(&receipt(&id, 1, &["necessary", "preferences", "analytics"], false, "accept_all"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // ...while turning analytics on explicitly under GPC is allowed.
    let r = c.post("/api/consent", &receipt(&id, 1, &["necessary", "analytics"], true, "custom")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consent_receipts").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 1, "refused receipts leave nothing behind");
}

// promise: analytics-only-with-consent
#[tokio::test]
async fn page_views_count_only_with_analytics_consent_the_server_trusts() {
    let app = TestApp::spawn().await;

    // No consent: dropped, silently.
    let nobody = app.client();
    view(&nobody, "/").await;
    assert_eq!(page_views(&app, "/").await, 0);

    // Consent to analytics, with its receipt: counted (without the query string).
    let counted = app.client();
    counted.give_consent(false, true).await;
    view(&counted, "/privacy?utm=x").await;
    view(&counted, "/privacy").await;
    assert_eq!(page_views(&app, "/privacy").await, 2);
    let day: String = sqlx::query_scalar("SELECT day FROM page_views").fetch_one(&app.db).await.unwrap();
    assert_eq!(day, curtain_server::clock::today().to_string());

    // Consent without analytics: dropped.
    let declined = app.client();
    declined.give_consent(true, false).await;
    view(&declined, "/a").await;

    // A hand-edited cookie granting analytics with no receipt: dropped.
    let forger = app.client();
    forger.set_cookie("curtain_consent", &record(&uuid_v4(rand_bytes()), true, true).encode());
    view(&forger, "/a").await;

    // A receipt that said no, and a cookie edited to say yes: dropped.
    let editor = app.client();
    let value = editor.give_consent(true, false).await;
    editor.set_cookie("curtain_consent", &value.replace(".np.", ".npa."));
    view(&editor, "/a").await;

    // Garbage: dropped, and no error.
    let garbage = app.client();
    garbage.set_cookie("curtain_consent", "v1.%00.x");
    view(&garbage, "/a").await;

    // Withdrawn: the same consent id's newer receipt says no.
    let withdrawn = app.client();
    let value = withdrawn.give_consent(false, true).await;
    let id = ConsentRecord::decode(&value).unwrap().id;
    let r = withdrawn.post("/api/consent", &receipt(&id, 1, &["necessary"], false, "reject_all")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    view(&withdrawn, "/a").await;

    // GPC turned on after an analytics grant given without it: dropped.
    let r = counted
        .http
        .post(app.url("/api/analytics/pageview"))
        .header("Sec-GPC", "1")
        .json(&json!({ "path": "/a" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(page_views(&app, "/a").await, 0, "nothing above was counted");

    // Not a path of this site: dropped, still 204.
    view(&counted, "https://elsewhere.example/").await;

    // A revision bump: the old answer no longer counts.
    bump_revision(&app, "Page views are now kept for 13 months.").await;
    view(&counted, "/privacy").await;
    assert_eq!(page_views(&app, "/privacy").await, 2);
    let total: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await.unwrap();
    assert_eq!(total, 2);

    // Bad bodies are still the usual 4xx.
    assert_eq!(counted.post("/api/analytics/pageview", &json!({})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

// promise: session-cookie-lifetime
#[tokio::test]
async fn remember_me_is_persistent_only_with_preferences_consent() {
    let app = TestApp::spawn().await;
    app.client().sign_up("yara", PW).await;
    let persistent = |r: &curtain_tests::Reply| r.set_cookie("curtain_session").unwrap().contains("Max-Age=2592000");

    let no_consent = app.client();
    let r = no_consent.sign_in("yara", PW, true).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!persistent(&r), "no consent: a browser-session cookie");
    assert_eq!(r.body["remembered"], false);

    let rejected = app.client();
    rejected.give_consent(false, true).await;
    assert!(!persistent(&rejected.sign_in("yara", PW, true).await), "preferences refused");

    let forged = app.client();
    forged.set_cookie("curtain_consent", &record(&uuid_v4(rand_bytes()), true, false).encode());
    assert!(!persistent(&forged.sign_in("yara", PW, true).await), "a cookie without a receipt proves nothing");

    let granted = app.client();
    granted.give_consent(true, false).await;
    assert!(!persistent(&granted.sign_in("yara", PW, false).await), "remember me not asked");
    let r = granted.sign_in("yara", PW, true).await;
    assert!(persistent(&r));
    assert_eq!(r.body["remembered"], true);
}

// promise: change-cookie-answer
#[tokio::test]
async fn withdrawing_preferences_ends_keep_me_signed_in_at_once() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.sign_up("zoe", PW).await;
    let value = c.give_consent(true, false).await;
    let r = c.sign_in("zoe", PW, true).await;
    assert!(r.set_cookie("curtain_session").unwrap().contains("Max-Age"));
    let id = ConsentRecord::decode(&value).unwrap().id;

    let r = c.post("/api/consent", &receipt(&id, 1, &["necessary"], false, "reject_all")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let session = r.set_cookie("curtain_session").expect("the session cookie is re-issued");
    assert!(!session.contains("Max-Age") && !session.contains("Expires"), "{session}");
    let curtain_server::db::Flag(persistent) = sqlx::query_scalar("SELECT persistent FROM sessions").fetch_one(&app.db).await.unwrap();
    assert!(!persistent);
    assert_eq!(c.get("/api/session").await.body["remembered"], false);
}

#[tokio::test]
async fn revising_starts_a_new_revision_and_needs_a_summary() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let value = c.give_consent(true, true).await;
    assert!(curtain_server::consent::revise(&app.command_db, "   ").await.is_err(), "a revision must say what changed");
    let revision = curtain_server::consent::revise(&app.command_db, "Theme now counts as a preference.").await.unwrap();
    assert_eq!(revision.revision, 2);
    let r = c.get("/api/consent/config").await;
    assert_eq!((r.body["revision"].as_u64(), r.body["changes"].as_str()), (Some(2), Some("Theme now counts as a preference.")));
    assert_eq!(r.body["revised_on"], curtain_server::clock::today().to_string());
    // The answer to revision 1 no longer grants anything.
    c.set_cookie("curtain_consent", &value);
    view(&c, "/after").await;
    assert_eq!(page_views(&app, "/after").await, 0);
}
