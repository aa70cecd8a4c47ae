//! Accounts in the real SPA, in headless Chromium, against the real server.

use anyhow::{ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use futures::FutureExt;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

async fn fill_signup(b: &Browser, username: &str, birth: (&str, &str, &str)) -> Result<()> {
    b.goto("/signup").await?;
    b.type_into("#signup-username", username).await?;
    b.type_into("#signup-email", &format!("{username}@example.org")).await?;
    b.type_into("#signup-password", PW).await?;
    b.type_into("#signup-birth-day", birth.0).await?;
    b.type_into("#signup-birth-month", birth.1).await?;
    b.type_into("#signup-birth-year", birth.2).await?;
    b.click("#signup-accept-policy").await?;
    Ok(())
}

#[tokio::test]
async fn sign_up_reload_and_sign_out() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("sign_up_reload_and_sign_out", async {
        b.goto("/").await?;
        b.find("#signup-link").await?;
        fill_signup(&b, "nina", ("7", "3", "1994")).await?;
        b.click("#signup-submit").await?;

        b.wait_for_text("#account-name", "nina").await?;
        ensure!(b.path().await? == "/", "after sign-up the app goes home, not {}", b.path().await?);
        let session = b.cookie("curtain_session").await?.expect("session cookie");
        let page_cookies = b.driver.execute("return document.cookie", vec![]).await?.json().to_string();
        ensure!(!page_cookies.contains("curtain_session"), "HttpOnly: the page cannot read it: {page_cookies}");
        ensure!(page_cookies.contains("curtain_csrf"), "the page reads the CSRF cookie: {page_cookies}");
        ensure!(matches!(session.same_site, Some(SameSite::Lax)), "{:?}", session.same_site);
        ensure!(session.expiry.is_none(), "a browser-session cookie without remember me");
        ensure!(b.cookie("curtain_csrf").await?.is_some(), "csrf cookie");
        let stored: String =
            sqlx::query_scalar("SELECT birth_date FROM users WHERE username = 'nina'").fetch_one(&app.db).await?;
        ensure!(stored == "1994-03-07", "birth date composed from the three boxes: {stored}");

        b.reload().await?;
        b.wait_for_text("#account-name", "nina").await?;

        b.click("#signout").await?;
        b.find("#signin-link").await?;
        b.wait_gone("#account-name").await?;
        ensure!(b.cookie("curtain_session").await?.is_none(), "sign-out removes the session cookie");
        b.reload().await?;
        b.find("#signin-link").await?;
        ensure!(b.driver.find_all(By::Css("#account-name")).await?.is_empty());
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: session-cookie-lifetime
#[tokio::test]
async fn remember_me_makes_a_persistent_cookie() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("omar", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("remember_me_makes_a_persistent_cookie", async {
        b.goto("/signin").await?;
        // "Keep me signed in" is a preferences cookie: allow it first.
        b.click("#consent-accept-all").await?;
        b.type_into("#signin-login", "omar").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-remember").await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#account-name", "omar").await?;
        let session = b.cookie("curtain_session").await?.expect("session cookie");
        let expiry = session.expiry.expect("a persistent cookie has an expiry");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
        let days = (expiry - now) as f64 / 86_400.0;
        ensure!((29.9..=30.1).contains(&days), "expires in {days} days");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn wrong_password_shows_the_message_and_keeps_the_input() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("pia", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("wrong_password_shows_the_message_and_keeps_the_input", async {
        b.goto("/signin").await?;
        b.type_into("#signin-login", "pia").await?;
        b.type_into("#signin-password", "not my password").await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#signin-form .form-error", "don't match").await?;
        ensure!(b.value("#signin-login").await? == "pia", "login kept");
        ensure!(b.value("#signin-password").await? == "not my password", "password kept");
        ensure!(b.driver.find_all(By::Css("#account-name")).await?.is_empty(), "still signed out");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn signup_errors_appear_beside_their_fields() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("quin", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("signup_errors_appear_beside_their_fields", async {
        // A taken username comes back from the server as a field error.
        fill_signup(&b, "quin", ("1", "1", "1990")).await?;
        b.click("#signup-submit").await?;
        b.wait_for_text("#signup-username-error", "taken").await?;
        let field = b.find("#signup-username").await?;
        ensure!(field.attr("aria-invalid").await?.as_deref() == Some("true"));
        ensure!(b.value("#signup-password").await? == PW, "input kept after a failed sign-up");

        // Too short a password is caught and explained.
        b.type_into("#signup-username", "quin2").await?;
        b.type_into("#signup-password", "short").await?;
        b.click("#signup-submit").await?;
        b.wait_for_text("#signup-password-error", "at least 10").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: under-13-nothing-stored
#[tokio::test]
async fn under_thirteen_is_turned_away_kindly_and_nothing_is_stored() {
    let app = TestApp::spawn_with_spa().await;
    let year = (curtain_server::clock::today().year - 10).to_string();
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("under_thirteen_is_turned_away_kindly", async {
        // The screen is neutral: nothing on the form says which age passes.
        b.goto("/signup").await?;
        let form = b.find("#signup-form").await?.text().await?;
        ensure!(!form.contains("13"), "the form gives no age to aim for: {form}");
        fill_signup(&b, "tiny", ("1", "1", &year)).await?;
        b.click("#signup-submit").await?;
        b.wait_for_text("#signup-refused", "create an account for you").await?;
        b.wait_for_focus("signup-refused").await?;
        // Nothing typed stays on screen, and no second try is offered.
        ensure!(b.driver.find_all(By::Css("#signup-form")).await?.is_empty(), "the form is gone");
        ensure!(b.driver.find_all(By::Css("#account-name")).await?.is_empty());
        b.reload().await?;
        b.find("#signup-refused").await?;
        ensure!(b.driver.find_all(By::Css("#signup-form")).await?.is_empty(), "not again in this browser session");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
    for (table, n) in app.rows_added().await {
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn deep_links_load_directly() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("deep_links_load_directly", async {
        b.goto("/signin").await?;
        b.wait_for_text("h1", "Sign in").await?;
        b.find("#signin-form").await?;
        ensure!(b.driver.title().await?.contains("Sign in"), "title: {}", b.driver.title().await?);

        b.goto("/signup").await?;
        b.find("#signup-form").await?;

        b.goto("/no/such/page").await?;
        b.wait_for_text("h1", "Page not found").await?;
        b.find("a[href='/']").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_stopped_server_shows_an_error_with_retry_not_a_blank_page() {
    let mut app = TestApp::spawn_with_spa().await;
    app.client().sign_up("rui", PW).await;
    let browser = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = browser
        .attempt("a_stopped_server_shows_an_error_with_retry", async {
        browser.goto("/signin").await?;
        browser.find("#signin-form").await?;
        browser.find("#signin-link").await?;
        app.stop();
        browser.type_into("#signin-login", "rui").await?;
        browser.type_into("#signin-password", PW).await?;
        browser.click("#signin-submit").await?;
        browser.wait_for_text("#signin-form .form-error", "reach").await?;
        browser.find("#signin-form .form-error button.retry").await?;
        ensure!(browser.value("#signin-login").await? == "rui", "input kept");
        ensure!(browser.value("#signin-password").await? == PW, "input kept");
        let text = browser.find("body").await?.text().await?;
        ensure!(text.contains("Curtain"), "the shell is still there: {text}");
        // Navigating inside the app still works while the server is down.
        browser.click("header a[href='/']").await?;
        browser.find("h1").await?;
        Ok(())
    })
    .await;
    browser.finish(outcome).await;
}

#[tokio::test]
async fn signing_out_while_the_server_is_down_says_so_and_keeps_the_member() {
    let mut app = TestApp::spawn_with_spa().await;
    let api = app.client();
    api.sign_up("sol", PW).await;
    let browser = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = browser
        .attempt("signing_out_while_the_server_is_down", async {
        browser.goto("/signin").await?;
        browser.type_into("#signin-login", "sol").await?;
        browser.type_into("#signin-password", PW).await?;
        browser.click("#signin-submit").await?;
        browser.wait_for_text("#account-name", "sol").await?;
        app.stop();
        browser.click("#signout").await?;
        browser.wait_for_text("#connection-error", "reach").await?;
        browser.find("#connection-error button.retry").await?;
        ensure!(browser.find("#account-name").await?.text().await? == "sol", "not pretending to be signed out");
        Ok(())
    })
    .await;
    browser.finish(outcome).await;
}

#[tokio::test]
async fn the_policy_blocks_injected_inline_script_and_the_harness_sees_it() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    b.goto("/").await.unwrap();
    b.find("#signin-link").await.unwrap();
    assert!(b.csp_violations().await.unwrap().is_empty(), "the app itself runs within its policy");
    let ran = b
        .driver
        .execute(
            "window.__injected = false; const s = document.createElement('script'); \
             s.textContent = 'window.__injected = true'; document.body.appendChild(s); return window.__injected;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran.json(), &serde_json::json!(false), "an injected inline script must not run");
    // The violation event comes a moment after the refusal: wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let violations = loop {
        let seen = b.csp_violations().await.unwrap();
        if !seen.is_empty() || std::time::Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(violations.iter().any(|v| v.starts_with("script-src")), "{violations:?}");
    let outcome = b.attempt("csp_probe", async { Ok(()) }).await;
    let failed = std::panic::AssertUnwindSafe(b.finish(outcome)).catch_unwind().await.is_err();
    assert!(failed, "a test that caused a violation fails");
}
