//! Pages are fetched the first time they are shown (see `src/pages/lazy.rs`).
//! When that fetch fails the app says so and stays alive; a later visit, or
//! "Try again", fetches the page afresh.

use anyhow::ensure;
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use serde_json::json;
use thirtyfour::extensions::cdp::ChromeDevTools;

/// Makes the browser fail every request whose URL matches one of `patterns`
/// (no patterns: none), as a dropped connection would.
async fn block(devtools: &ChromeDevTools, patterns: &[&str]) -> anyhow::Result<()> {
    devtools.execute_cdp("Network.enable").await?;
    devtools.execute_cdp_with_params("Network.setBlockedURLs", json!({ "urls": patterns })).await?;
    Ok(())
}

#[tokio::test]
async fn a_page_that_cannot_be_fetched_says_so_and_the_app_stays_alive() {
    let app = TestApp::spawn_with_spa().await;
    let browser = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = browser
        .attempt("a_page_that_cannot_be_fetched", async {
            let devtools = ChromeDevTools::new(browser.driver.handle.clone());
            browser.goto("/").await?;
            browser.dismiss_consent().await?;
            block(&devtools, &["*/split_privacy.wasm"]).await?;

            browser.click("footer a[href='/privacy']").await?;
            browser.wait_for_text("main h1", "did not load").await?;
            let notice = browser.find("main").await?.text().await?;
            ensure!(notice.contains("Check your connection"), "{notice}");
            browser.find("main button").await?;

            // The rest of the app still works.
            browser.click("header a[href='/']").await?;
            browser.find(".hero__title").await?;

            // The failure is not remembered: once the network is back, the
            // same link shows the page.
            block(&devtools, &[]).await?;
            browser.click("footer a[href='/privacy']").await?;
            browser.wait_for_text("main h1", "Privacy policy").await?;
            Ok(())
        })
        .await;
    browser.finish(outcome).await;
}

#[tokio::test]
async fn try_again_loads_a_page_that_failed() {
    let app = TestApp::spawn_with_spa().await;
    let browser = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = browser
        .attempt("try_again_loads_a_page_that_failed", async {
            let devtools = ChromeDevTools::new(browser.driver.handle.clone());
            browser.goto("/").await?;
            browser.dismiss_consent().await?;
            block(&devtools, &["*/split_signin.wasm"]).await?;

            browser.click("#signin-link").await?;
            browser.wait_for_text("main h1", "did not load").await?;
            block(&devtools, &[]).await?;
            let try_again = browser.find("main button").await?;
            ensure!(try_again.text().await? == "Try again", "{}", try_again.text().await?);
            try_again.click().await?;
            browser.wait_for_text("main h1", "Sign in").await?;
            browser.find("#signin-form").await?;
            ensure!(browser.path().await? == "/signin", "stays on the page asked for");
            Ok(())
        })
        .await;
    browser.finish(outcome).await;
}
