//! Privacy requests in the real SPA, in headless Chromium, against the real
//! server: signed out and signed in, what is stored, and what a failed or
//! refused send leaves on the screen.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use curtain_api::account::PRIVACY_REQUEST_DAYS;
use curtain_api::CivilDate;
use curtain_tests::browser::Browser;
use curtain_tests::{long_date, TestApp};
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

/// The day a request sent today (UTC, as the server counts) must be answered by.
fn due_for_today() -> CivilDate {
    CivilDate::from_unix_days(curtain_server::clock::now().div_euclid(86_400) + PRIVACY_REQUEST_DAYS)
}

/// A stored request: `(id, user_id, kind, email, message, created_at, due_at, answered_at)`.
type Row = (i64, Option<i64>, String, String, String, i64, i64, Option<i64>);

async fn stored_requests(app: &TestApp) -> Result<Vec<Row>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, kind, email, message, created_at, due_at, answered_at FROM privacy_requests ORDER BY id",
    )
    .fetch_all(&app.db)
    .await?)
}

/// Waits until the field matching `css` holds `value`.
async fn wait_for_value(b: &Browser, css: &str, value: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = b.value(css).await?;
        if now == value {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{css} holds {now:?}, not {value:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// promise: privacy-requests
#[tokio::test]
async fn anyone_can_make_a_privacy_request_and_is_told_when_it_will_be_answered() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("anyone_can_make_a_privacy_request_and_is_told_when_it_will_be_answered", async {
        // From the footer, signed out.
        b.goto("/").await?;
        b.dismiss_consent().await?;
        b.click("#privacy-request-link").await?;
        b.wait_for_text("h1", "Make a privacy request").await?;
        ensure!(b.driver.title().await? == "Make a privacy request · Curtain");
        ensure!(b.value("#request-email").await?.is_empty(), "nobody is signed in: no address to fill in");

        // Nothing chosen, a bad address: both are said, nothing is sent, the message stays.
        let message = "My display name shows my full name; please change it to my initials.";
        b.type_into("#request-email", "reader-at-example.org").await?;
        b.type_into("#request-message", message).await?;
        b.click("#request-submit").await?;
        b.find("#request-kind-error").await?;
        b.find("#request-email-error").await?;
        b.wait_for_focus("request-kind-access").await.context("focus goes to the first answer to fix")?;
        ensure!(b.value("#request-message").await? == message, "the message is kept");

        // A correction needs a message; the label says the message is optional only where it is.
        b.click("#request-kind-access").await?;
        b.wait_for_text("label[for=\"request-message\"]", "(optional)").await?;
        b.click("#request-kind-correction").await?;
        b.wait_gone("label[for=\"request-message\"] .field__optional").await?;
        b.click("#request-submit").await?;
        b.wait_gone("#request-kind-error").await?;
        b.wait_for_text("#request-email-error", "").await?;
        ensure!(b.value("#request-message").await? == message, "the message is still kept");
        let sent = b.requests_sent().await?;
        ensure!(!sent.iter().any(|r| r == "POST /api/privacy-requests"), "nothing was sent: {sent:?}");

        b.type_into("#request-email", "reader@example.org").await?;
        b.click("#request-submit").await?;
        b.wait_for_text("#request-received", "We have your request").await?;
        b.wait_for_text("#request-due", &format!("We will answer by {}", long_date(due_for_today()))).await?;
        let reference = b.find("#request-reference").await?.text().await?;
        b.wait_for_focus("request-received").await.context("the confirmation takes focus")?;
        ensure!(b.driver.find_all(By::Css("#request-form")).await?.is_empty(), "the form is gone");

        let rows = stored_requests(&app).await?;
        ensure!(rows.len() == 1, "{rows:?}");
        let (id, user_id, kind, email, stored_message, created_at, due_at, answered_at) = rows[0].clone();
        ensure!(reference == format!("PR-{id}"), "the reference {reference:?} names request {id}");
        ensure!(user_id.is_none(), "a signed-out request is tied to no account");
        ensure!((kind.as_str(), email.as_str(), stored_message.as_str()) == ("correction", "reader@example.org", message));
        ensure!(answered_at.is_none());
        let now = curtain_server::clock::now();
        ensure!((now - 120..=now).contains(&created_at), "received just now: {created_at}");
        ensure!(
            CivilDate::from_unix_days(due_at.div_euclid(86_400)) == due_for_today(),
            "due {PRIVACY_REQUEST_DAYS} days after it arrived: {due_at}"
        );
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_members_request_is_tied_to_the_account() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("nora", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_members_request_is_tied_to_the_account", async {
        b.sign_in("nora", PW).await?;
        b.goto("/privacy/request").await?;
        wait_for_value(&b, "#request-email", "nora@example.org").await?;
        b.wait_for_text("#request-account", "signed in as nora").await?;
        // An access request needs no message; the hint points to the download.
        b.click("#request-kind-access").await?;
        b.find("#request-kind-access-hint a[href=\"/settings/data\"]").await?;
        b.find("#request-kind-deletion-hint a[href=\"/settings/data\"]").await?;
        b.click("#request-submit").await?;
        b.wait_for_text("#request-received", "We have your request").await?;
        b.wait_for_text("#request-due", "nora@example.org").await?;

        let nora: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username_key = 'nora'").fetch_one(&app.db).await?;
        let rows = stored_requests(&app).await?;
        ensure!(rows.len() == 1, "{rows:?}");
        let (_, user_id, kind, email, message, ..) = rows[0].clone();
        ensure!(user_id == Some(nora), "tied to nora's account: {user_id:?}");
        ensure!((kind.as_str(), email.as_str(), message.as_str()) == ("access", "nora@example.org", ""));
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn too_many_requests_say_when_to_try_again_and_keep_the_request() {
    let app = TestApp::spawn_with_spa().await;
    // The same connection has sent as many as it may this hour.
    let c = app.client();
    let mut refused = false;
    for _ in 0..20 {
        let r = c
            .post("/api/privacy-requests", &serde_json::json!({"kind": "other", "email": "flood@example.org", "message": "Again."}))
            .await;
        if r.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            refused = true;
            break;
        }
        assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);
    }
    assert!(refused, "the limit per connection was never reached");
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("too_many_requests_say_when_to_try_again_and_keep_the_request", async {
        b.goto("/privacy/request").await?;
        b.dismiss_consent().await?;
        b.click("#request-kind-objection").await?;
        b.type_into("#request-email", "reader@example.org").await?;
        b.type_into("#request-message", "I object to the page-view counts.").await?;
        b.click("#request-submit").await?;
        b.wait_for_text("#request-error", "Try again in").await?;
        b.wait_for_focus("request-error").await.context("focus goes to the message")?;
        ensure!(b.value("#request-email").await? == "reader@example.org");
        ensure!(b.value("#request-message").await? == "I object to the page-view counts.");
        ensure!(b.find("#request-kind-objection").await?.prop("checked").await?.as_deref() == Some("true"));
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_request_that_cannot_be_sent_is_kept_to_send_again() {
    let mut app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_request_that_cannot_be_sent_is_kept_to_send_again", async {
        b.goto("/privacy/request").await?;
        b.dismiss_consent().await?;
        b.click("#request-kind-other").await?;
        b.type_into("#request-email", "reader@example.org").await?;
        b.type_into("#request-message", "Which of my data do you share?").await?;
        // The page is loaded; now the server goes away.
        app.stop();
        b.click("#request-submit").await?;
        b.wait_for_text("#request-error", "can't reach Curtain").await?;
        b.find("#request-error button.retry").await?;
        ensure!(b.value("#request-email").await? == "reader@example.org");
        ensure!(b.value("#request-message").await? == "Which of my data do you share?");
        ensure!(b.find("#request-kind-other").await?.prop("checked").await?.as_deref() == Some("true"));
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
