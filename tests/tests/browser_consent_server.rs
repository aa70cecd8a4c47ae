//! The page and the server agree on consent: a `curtain_consent` cookie the
//! server holds no receipt for hides nothing and grants nothing in the SPA,
//! and one it does confirm never makes the banner flash on a reload.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use curtain_api::consent::{uuid_v4, Choices, ConsentRecord};
use curtain_tests::browser::Browser;
use curtain_tests::{rand_bytes, TestApp};
use serde_json::json;
use thirtyfour::extensions::cdp::ChromeDevTools;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

/// Waits until the page has read the consent configuration: from then on
/// the banner is shown or not for good.
async fn settled(b: &Browser) -> Result<()> {
    b.consent_settled().await
}

async fn banner_shown(b: &Browser) -> Result<bool> {
    Ok(!b.driver.find_all(By::Css("#consent-banner")).await?.is_empty())
}

async fn page_views_sent(b: &Browser) -> Result<usize> {
    Ok(b.requests_sent().await?.iter().filter(|r| *r == "POST /api/analytics/pageview").count())
}

async fn consent_ids(app: &TestApp) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT consent_id FROM consent_receipts ORDER BY id").fetch_all(&app.db).await?)
}

async fn wait_for_receipts(app: &TestApp, n: usize) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ids = consent_ids(app).await?;
        if ids.len() >= n {
            return Ok(ids);
        }
        if Instant::now() > deadline {
            bail!("{} receipts stored, expected {n}", ids.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Puts `value` in the browser as its consent cookie, as a person with the
/// developer tools (or a leftover from an earlier account) would.
async fn plant_cookie(b: &Browser, value: &str) -> Result<()> {
    let mut cookie = thirtyfour::Cookie::new("curtain_consent", value);
    cookie.set_path("/");
    b.driver.add_cookie(cookie).await?;
    Ok(())
}

async fn consent_cookie(b: &Browser) -> Result<Option<String>> {
    Ok(b.cookie("curtain_consent").await?.map(|c| c.value))
}

#[tokio::test]
async fn a_hand_made_cookie_without_a_receipt_brings_the_banner_back() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_hand_made_cookie_without_a_receipt", async {
        b.goto("/").await?;
        b.find("#consent-banner").await?;
        // Well formed, current revision, given a minute ago, granting everything:
        // valid by every rule the page can check alone. No receipt stands behind it.
        let forged = ConsentRecord {
            id: uuid_v4(rand_bytes()),
            revision: 1,
            choices: Choices { preferences: true, analytics: true },
            given_at: curtain_server::clock::now() - 60,
            gpc: false,
        };
        plant_cookie(&b, &forged.encode()).await?;
        b.reload().await?;
        b.find(".hero__title").await?;
        settled(&b).await?;
        ensure!(banner_shown(&b).await?, "the server ignores the cookie, so the page asks again");
        ensure!(page_views_sent(&b).await? == 0, "no page views on an answer the server does not hold: {:?}", b.requests_sent().await?);

        // "Keep me signed in" is not offered on the strength of it either.
        b.click("header a[href='/signin']").await?;
        let remember = b.find("#signin-remember").await?;
        ensure!(!remember.is_enabled().await?, "remember me needs an answer the server holds");
        b.wait_for_text("#signin-remember-reason", "until you answer").await?;

        // Answering it records a receipt, under a fresh consent id.
        b.click("#consent-accept-all").await?;
        b.wait_gone("#consent-banner").await?;
        let ids = wait_for_receipts(&app, 1).await?;
        ensure!(ids.len() == 1 && ids[0] != forged.id, "a fresh id, not the hand-made one: {ids:?}");
        let cookie = consent_cookie(&b).await?.unwrap_or_default();
        ensure!(cookie.contains(&ids[0]), "the cookie carries the receipted id: {cookie}");
        b.find("#signin-remember:enabled").await?;

        // After a reload the server confirms it: no banner, and page views count.
        b.reload().await?;
        b.find("#signin-form").await?;
        settled(&b).await?;
        ensure!(!banner_shown(&b).await?, "answered and receipted: no banner after reload");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let counted: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await?;
            if counted >= 1 {
                break;
            }
            ensure!(Instant::now() < deadline, "no page view counted after the answer was confirmed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_confirmed_answer_never_flashes_the_banner_on_a_reload() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_confirmed_answer_never_flashes_the_banner", async {
        // Notes whether the banner was ever in this document, however briefly.
        let devtools = ChromeDevTools::new(b.driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": "window.__bannerSeen = false;
                    new MutationObserver(() => { if (document.getElementById('consent-banner')) { window.__bannerSeen = true; } })
                      .observe(document, { childList: true, subtree: true });" }),
            )
            .await?;
        let seen = || async { Ok::<_, anyhow::Error>(b.driver.execute("return window.__bannerSeen", vec![]).await?.json().clone()) };
        b.goto("/").await?;
        b.click("#consent-reject-all").await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(seen().await? == json!(true), "the watcher sees the banner when it is there");
        wait_for_receipts(&app, 1).await?;

        for _ in 0..3 {
            b.reload().await?;
            b.find(".hero__title").await?;
            settled(&b).await?;
            ensure!(seen().await? == json!(false), "the banner showed for a moment on a confirmed answer");
        }
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_cookie_left_behind_by_a_deleted_account_is_asked_about_again() {
    let app = TestApp::spawn_with_spa().await;
    let device_a = app.client();
    device_a.sign_up("noor", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_cookie_left_behind_by_a_deleted_account", async {
        // Device B: answers, then signs in, which ties the receipt to the member.
        b.goto("/signin").await?;
        b.click("#consent-accept-all").await?;
        wait_for_receipts(&app, 1).await?;
        b.type_into("#signin-login", "noor").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#account-name", "noor").await?;
        let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consent_receipts WHERE user_id IS NOT NULL").fetch_one(&app.db).await?;
        ensure!(owned == 1, "the receipt is the member's");

        // Device A deletes the account; B still holds its consent cookie.
        let r = device_a
            .send(reqwest::Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "noor"})), None)
            .await;
        ensure!(r.status == reqwest::StatusCode::NO_CONTENT, "{:?}", r.body);
        ensure!(consent_cookie(&b).await?.is_some());

        b.reload().await?;
        b.find("#signin-link").await?;
        settled(&b).await?;
        ensure!(banner_shown(&b).await?, "its receipts went with the account: ask again");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
