//! Verified e-mail: a sign-up or an address change takes effect when the link
//! sent to the address is followed; nothing answers differently for an
//! address another account holds; resending is limited.

use curtain_tests::{signup_body, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

async fn outbox_kinds_to(app: &TestApp, address: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT kind FROM outbox WHERE lower(to_address) = lower($1) ORDER BY id")
        .bind(address)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_up_sends_a_link_and_following_it_confirms_the_address() {
    let app = TestApp::spawn().await;
    let c = app.member("ines", PW).await;
    let session = c.get("/api/session").await.body;
    assert_eq!((session["email"].as_str(), session["email_verified"].as_bool()), (Some("ines@example.org"), Some(false)));
    assert_eq!(outbox_kinds_to(&app, "ines@example.org").await, ["verify_email"]);
    let token = app.confirmation_token("ines@example.org").await.unwrap();
    // The link is a configured address of the site, not one taken from a request.
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'verify_email'").fetch_one(&app.db).await.unwrap();
    assert!(body.contains(&format!("{}/verify-email/{token}", app.base)), "{body}");

    // Anyone holding the link can follow it, signed out; it works once.
    let r = app.client().post("/api/email/verify", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["username"], "ines");
    assert!(!r.body.to_string().contains("ines@"), "the address is masked: {}", r.body);
    assert_eq!(c.get("/api/session").await.body["email_verified"], true);
    let again = app.client().post("/api/email/verify", &json!({"token": token})).await;
    assert_eq!((again.status, again.code()), (StatusCode::NOT_FOUND, "unknown_link"));
    for bad in ["", "short", &"x".repeat(43), "%%%"] {
        let r = app.client().post("/api/email/verify", &json!({"token": bad})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}: {:?}", r.body);
    }
    // Nothing left to confirm: resending says so.
    let r = c.post("/api/me/email/verification", &json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "nothing_to_confirm"));
}

#[tokio::test]
async fn an_expired_link_does_not_confirm() {
    let app = TestApp::spawn().await;
    let c = app.member("jon", PW).await;
    let token = app.confirmation_token("jon@example.org").await.unwrap();
    sqlx::query("UPDATE email_tokens SET expires_at = $1").bind(curtain_server::clock::now() - 1).execute(&app.db).await.unwrap();
    let r = app.client().post("/api/email/verify", &json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/api/session").await.body["email_verified"], false);
}

#[tokio::test]
async fn signing_up_with_a_confirmed_address_in_use_notifies_its_holder_and_sends_no_link() {
    let app = TestApp::spawn().await;
    app.member("kate", PW).await;
    assert_eq!(app.confirm_email("kate@example.org").await.status, StatusCode::OK);

    let mut body = signup_body("intruder", PW, "1990-01-01");
    body["email"] = json!("KATE@example.org");
    let c = app.client();
    let r = c.post("/api/auth/signup", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(outbox_kinds_to(&app, "kate@example.org").await, ["verify_email", "email_in_use"]);
    let notice: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'email_in_use'").fetch_one(&app.db).await.unwrap();
    assert!(notice.contains("\"kate\"") && !notice.contains("intruder"), "{notice}");
    // The newcomer's session shows the address as awaiting confirmation,
    // exactly as a free one would, and resending sends another notice, not a link.
    assert_eq!(c.get("/api/session").await.body["email"], "KATE@example.org");
    let r = c.post("/api/me/email/verification", &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(outbox_kinds_to(&app, "kate@example.org").await, ["verify_email", "email_in_use", "email_in_use"]);
    let kate_signs_in = app.client().sign_in("kate@example.org", PW, false).await;
    assert_eq!(kate_signs_in.body["username"], "kate");
}

#[tokio::test]
async fn an_unconfirmed_claim_gives_way_to_the_owner_of_the_address() {
    let app = TestApp::spawn().await;
    // A squatter signs up with lena's address and never confirms it.
    let mut body = signup_body("squatter", PW, "1990-01-01");
    body["email"] = json!("lena@example.org");
    assert_eq!(app.client().post("/api/auth/signup", &body).await.status, StatusCode::CREATED);
    // Lena signs up with her own address: the same answer, and a link to her.
    let lena = app.member("lena", PW).await;
    assert_eq!(app.confirm_email("lena@example.org").await.status, StatusCode::OK);
    let session = lena.get("/api/session").await.body;
    assert_eq!((session["email"].as_str(), session["email_verified"].as_bool()), (Some("lena@example.org"), Some(true)));
    assert_eq!(app.client().sign_in("lena@example.org", PW, false).await.body["username"], "lena");
    // The squatter's old link now finds the address taken.
    let squatter_token: String = sqlx::query_scalar(
        "SELECT o.body FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.username = 'squatter' AND o.kind = 'verify_email'",
    )
    .fetch_one(&app.db)
    .await
    .map(|b: String| b[b.find("/verify-email/").unwrap() + 14..].lines().next().unwrap().to_string())
    .unwrap();
    let r = app.client().post("/api/email/verify", &json!({"token": squatter_token})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "address_in_use"));
}

#[tokio::test]
async fn resending_is_limited_to_a_few_an_hour() {
    let app = TestApp::spawn().await;
    let c = app.member("milo", PW).await; // the sign-up's link is the first
    for _ in 0..2 {
        let r = c.post("/api/me/email/verification", &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["email"], "milo@example.org");
    }
    let r = c.post("/api/me/email/verification", &json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    // Only the newest link works.
    assert_eq!(outbox_kinds_to(&app, "milo@example.org").await.len(), 3);
    let tokens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_tokens").fetch_one(&app.db).await.unwrap();
    assert_eq!(tokens, 1);
    // Resending needs a sign-in.
    assert_eq!(app.client().post("/api/me/email/verification", &json!({})).await.status, StatusCode::UNAUTHORIZED);
}
