//! The server's verdict on the request's consent cookie, as
//! `GET /api/consent/config` tells it to the page: a cookie counts only when
//! a receipt confirms it, and the page asks again when it does not.

use curtain_api::consent::{uuid_v4, Choices, ConsentRecord};
use curtain_tests::{consent_answer, rand_bytes, ApiClient, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn confirmed(c: &ApiClient) -> Value {
    let r = c.get("/api/consent/config").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["cookie_confirmed"].clone()
}

/// A well-formed cookie, valid by every rule the page can check on its own,
/// that no receipt stands behind.
fn hand_made(preferences: bool, analytics: bool) -> String {
    ConsentRecord {
        id: uuid_v4(rand_bytes()),
        revision: 1,
        choices: Choices { preferences, analytics },
        given_at: curtain_server::clock::now() - 60,
        gpc: false,
    }
    .encode()
}

#[tokio::test]
async fn config_confirms_a_cookie_only_when_a_receipt_stands_behind_it() {
    let app = TestApp::spawn().await;
    let c = app.client();
    assert_eq!(confirmed(&c).await, json!(false), "no cookie, nothing to confirm");

    c.set_cookie("curtain_consent", &hand_made(true, true));
    assert_eq!(confirmed(&c).await, json!(false), "a hand-made cookie is not an answer the server knows");

    // A real answer: the receipt first, then the cookie, as the SPA does it.
    let cookie = c.give_consent(true, false).await;
    assert_eq!(confirmed(&c).await, json!(true), "{cookie}");

    // The same id, granting more than its receipt says.
    let mut more = ConsentRecord::decode(&cookie).unwrap();
    more.choices.analytics = true;
    c.set_cookie("curtain_consent", &more.encode());
    assert_eq!(confirmed(&c).await, json!(false), "a cookie edited to grant more");

    // Garbage is no cookie.
    c.set_cookie("curtain_consent", "v1.garbage");
    assert_eq!(confirmed(&c).await, json!(false));

    // A new revision asks everyone again.
    c.set_cookie("curtain_consent", &cookie);
    assert_eq!(confirmed(&c).await, json!(true));
    sqlx::query(
        "INSERT INTO consent_revisions (revision, effective_on, summary)
         SELECT MAX(revision) + 1, date('now'), 'Page views on settings pages too.' FROM consent_revisions",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(confirmed(&c).await, json!(false), "an answer to an old revision");
}

#[tokio::test]
async fn the_page_and_the_server_agree_on_what_a_hand_made_cookie_grants() {
    let app = TestApp::spawn().await;
    app.client().sign_up("kai", PW).await;
    let c = app.client();
    c.set_cookie("curtain_consent", &hand_made(true, true));
    assert_eq!(confirmed(&c).await, json!(false));
    // Unconfirmed means ignored: "keep me signed in" is not kept...
    let r = c.sign_in("kai", PW, true).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["remembered"], false);
    assert!(!r.set_cookie("curtain_session").unwrap().contains("Max-Age"));
    // ...and no page view is counted.
    let r = c.post("/api/analytics/pageview", &json!({"path": "/"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let views: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await.unwrap();
    assert_eq!(views, 0);
}

#[tokio::test]
async fn after_the_account_is_deleted_its_consent_cookie_is_cleared_and_no_longer_confirmed() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let revision = 1;
    let (record, receipt) = consent_answer(revision, true, true);
    assert_eq!(c.post("/api/consent", &receipt).await.status, StatusCode::CREATED);
    let cookie = record.encode();
    c.set_cookie("curtain_consent", &cookie);
    // Signing up with a trusted answer ties its receipt to the new member.
    c.sign_up("lena", PW).await;
    assert_eq!(confirmed(&c).await, json!(true));

    let r = c.send(Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "lena"})), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let cleared = r.set_cookie("curtain_consent").expect("the answer clears the consent cookie");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // A browser that kept it anyway (another tab, an old copy) is asked again.
    let kept = app.client();
    kept.set_cookie("curtain_consent", &cookie);
    assert_eq!(confirmed(&kept).await, json!(false), "its receipts went with the account");
}
