//! The app's router (`src/router.rs`), in a real browser: moving between
//! pages without a page load, the back and forward buttons, a move that a
//! later one overtakes while its page is still downloading, and the links
//! it marks or leaves to the browser.

use std::time::{Duration, Instant};

use anyhow::ensure;
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use serde_json::json;
use thirtyfour::extensions::cdp::ChromeDevTools;

/// Whether the document is the one this test started (a page load would
/// have replaced it, and the mark with it).
async fn same_document(b: &Browser) -> anyhow::Result<bool> {
    let marked = b.driver.execute("return window.__routerTestMark === 1;", vec![]).await?;
    Ok(marked.json() == &json!(true))
}

async fn mark_document(b: &Browser) -> anyhow::Result<()> {
    b.driver.execute("window.__routerTestMark = 1;", vec![]).await?;
    Ok(())
}

/// A slow line (every answer takes more than a second), or a normal one.
async fn line(devtools: &ChromeDevTools, slow: bool) -> anyhow::Result<()> {
    let conditions = match slow {
        true => json!({ "offline": false, "latency": 1500, "downloadThroughput": 1_000_000, "uploadThroughput": 1_000_000 }),
        false => json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    };
    devtools.execute_cdp_with_params("Network.emulateNetworkConditions", conditions).await?;
    Ok(())
}

#[tokio::test]
async fn back_and_forward_show_the_page_of_each_address() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("back_and_forward_show_the_page_of_each_address", async {
            b.goto("/").await?;
            b.dismiss_consent().await?;
            b.find("main#main .hero__title").await?;
            mark_document(&b).await?;

            b.click("footer a[href='/privacy']").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            b.arrive("/privacy").await?;
            b.click("#privacy-request-link").await?;
            b.arrive("/privacy/request").await?;
            b.wait_for_text("main#main h1", "privacy request").await?;

            b.driver.back().await?;
            b.arrive("/privacy").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            b.driver.back().await?;
            b.arrive("/").await?;
            b.find("main#main .hero__title").await?;
            b.driver.forward().await?;
            b.arrive("/privacy").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            ensure!(same_document(&b).await?, "a move between the app's pages reloaded the page");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_page_still_downloading_keeps_the_address_and_a_later_move_wins() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_page_still_downloading_keeps_the_address", async {
            b.goto("/").await?;
            b.dismiss_consent().await?;
            b.find("main#main .hero__title").await?;
            mark_document(&b).await?;

            let devtools = ChromeDevTools::new(b.driver.handle.clone());
            devtools.execute_cdp("Network.enable").await?;
            line(&devtools, true).await?;

            // The sign-in page's code is on its way: the home page and its
            // address stay, and the loading bar says a page is coming.
            b.click("#signin-link").await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            ensure!(b.path().await? == "/", "the address moved before the page was in: {}", b.path().await?);
            b.find("main#main .hero__title").await?;
            b.find(".route-progress--on").await?;

            // Before it arrives, the visitor goes to the policy instead.
            b.click("footer a[href='/privacy']").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            b.arrive("/privacy").await?;

            // The sign-in page arrives late and is dropped: the policy stays,
            // and nothing is still loading.
            line(&devtools, false).await?;
            b.wait_gone(".route-progress--on").await?;
            tokio::time::sleep(Duration::from_millis(2000)).await;
            ensure!(b.path().await? == "/privacy", "the late page took the address: {}", b.path().await?);
            let heading = b.find("main#main h1").await?.text().await?;
            ensure!(heading.contains("Privacy policy"), "the late page replaced the policy: {heading}");
            ensure!(b.driver.find_all(thirtyfour::By::Css("#signin-form")).await?.is_empty(), "the sign-in form is on the page");

            // Back goes to the page before the move that counted.
            b.driver.back().await?;
            b.arrive("/").await?;
            b.find("main#main .hero__title").await?;

            // Overtaken by a page that needs no download (the home page,
            // from the policy): it shows at once, and its address follows
            // once the slow page has arrived and been dropped.
            b.click("footer a[href='/privacy']").await?;
            b.arrive("/privacy").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            line(&devtools, true).await?;
            b.click("#signup-link").await?;
            b.click("header a.site-name").await?;
            b.find("main#main .hero__title").await?;
            b.arrive("/").await?;
            b.wait_gone(".route-progress--on").await?;
            ensure!(b.driver.find_all(thirtyfour::By::Css("#signup-form")).await?.is_empty(), "the sign-up form is on the page");
            ensure!(same_document(&b).await?, "a move between the app's pages reloaded the page");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_move_to_a_page_already_downloaded_ends_at_once_and_scrolls_to_the_top() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_move_to_a_page_already_downloaded", async {
            b.goto("/privacy").await?;
            b.dismiss_consent().await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            // Far down the policy, then to the home page by the site's name.
            b.driver.execute("window.scrollTo(0, document.body.scrollHeight);", vec![]).await?;
            b.click("header a.site-name").await?;
            b.arrive("/").await?;
            b.find("main#main .hero__title").await?;
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let y = b.driver.execute("return window.scrollY;", vec![]).await?;
                if y.json().as_f64() == Some(0.0) {
                    break;
                }
                ensure!(Instant::now() < deadline, "the new page did not start at its top: scrollY {:?}", y.json());
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn links_mark_their_page_and_keep_the_query_across_languages() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("links_mark_their_page_and_keep_the_query", async {
            // The site's name is the home page's link: current there only.
            b.goto("/de").await?;
            b.dismiss_consent().await?;
            b.find("main#main .hero__title").await?;
            let home = b.find("header a.site-name").await?;
            ensure!(home.attr("aria-current").await?.as_deref() == Some("page"), "the home link is not current at home");
            b.click("footer a[href='/de/privacy']").await?;
            b.arrive("/de/privacy").await?;
            b.find("main#main h1").await?;
            let home = b.find("header a.site-name").await?;
            ensure!(home.attr("aria-current").await?.is_none(), "the home link is current on the policy");
            let policy = b.find("footer a[href='/de/privacy']").await?;
            ensure!(policy.attr("aria-current").await?.as_deref() == Some("page"), "the policy's link is not current on it");

            // The same page in another language keeps its query, and is a
            // page load of that language's app.
            b.goto("/privacy/compare?from=4&to=5").await?;
            b.find("main#main h1").await?;
            let german = b.find(".language-switch a[hreflang='de']").await?;
            let href = german.attr("href").await?.unwrap_or_default();
            ensure!(href == "/de/privacy/compare?from=4&to=5", "the German link is {href}");
            mark_document(&b).await?;
            german.click().await?;
            b.arrive("/de/privacy/compare").await?;
            b.find("main#main h1").await?;
            ensure!(b.html_lang().await? == "de", "the German page is not German");
            ensure!(!same_document(&b).await?, "another language's page did not load its own app");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

/// A page that asks for its data as its route is chosen asks once, on a
/// first load as after a move.
#[tokio::test]
async fn a_page_asks_for_its_data_once() {
    let app = TestApp::spawn_with_spa().await;
    app.member("ana", "a long enough password").await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_page_asks_for_its_data_once", async {
            let count = |sent: &[String], path: &str| {
                sent.iter().filter(|r| *r == &format!("GET {path}") || r.starts_with(&format!("GET {path}?"))).count()
            };
            b.goto("/u/ana").await?;
            b.dismiss_consent().await?;
            b.wait_for_text("main#main #profile-username", "@ana").await?;
            b.click("footer a[href='/privacy']").await?;
            b.wait_for_text("main#main h1", "Privacy policy").await?;
            b.find("main#main .policy__body").await?;
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let sent = b.requests_sent().await?;
            ensure!(count(&sent, "/api/users/ana") == 1, "the profile was asked for {} times: {sent:?}", count(&sent, "/api/users/ana"));
            ensure!(
                count(&sent, "/api/policies/privacy") == 1,
                "the policy was asked for {} times: {sent:?}",
                count(&sent, "/api/policies/privacy")
            );
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
