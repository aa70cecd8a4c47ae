//! The first paint in a real browser: the consent banner and the policy work
//! with JavaScript off, an answer given before the app starts is kept, and
//! the app takes the server's page over without moving anything.

use anyhow::{ensure, Context, Result};
use curtain_api::consent::ConsentRecord;
use curtain_server::db::Flag;
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::extensions::cdp::ChromeDevTools;
use thirtyfour::prelude::*;

async fn receipts(app: &TestApp) -> Result<Vec<(String, bool, bool)>> {
    let rows: Vec<(String, Flag, Flag)> =
        sqlx::query_as("SELECT method, preferences, analytics FROM consent_receipts ORDER BY id").fetch_all(&app.db).await?;
    Ok(rows.into_iter().map(|(m, p, a)| (m, p.0, a.0)).collect())
}

async fn consent_cookie(b: &Browser) -> Result<ConsentRecord> {
    let cookie = b.cookie("curtain_consent").await?.context("no curtain_consent cookie")?;
    ConsentRecord::decode(&cookie.value).map_err(|e| anyhow::anyhow!("the cookie does not decode: {e:?}"))
}

async fn path(b: &Browser) -> Result<String> {
    let url = b.driver.current_url().await?;
    Ok(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    })
}

#[tokio::test]
async fn each_answer_of_the_banner_works_with_javascript_off() {
    let app = TestApp::spawn_with_spa().await;
    // (button, what it stores)
    for (button, method, preferences, analytics) in [
        ("#consent-reject-all", "reject_all", false, false),
        ("#consent-accept-all", "accept_all", true, true),
        ("choose", "custom", true, false),
    ] {
        let b = Browser::start_without_javascript(&app.base).await.expect("headless Chromium starts");
        let before = receipts(&app).await.unwrap().len();
        let outcome = b
            .attempt("each_answer_of_the_banner_works_with_javascript_off", async {
                b.goto("/privacy").await?;
                b.find("#consent-banner").await?;
                ensure!(b.cookie("curtain_consent").await?.is_none(), "nothing stored before an answer");
                if button == "choose" {
                    b.click("#consent-choose").await?;
                    b.find("#consent-banner-choices").await?;
                    ensure!(path(&b).await? == "/privacy?consent=choose", "{}", path(&b).await?);
                    b.click("#consent-banner-preferences").await?;
                    b.click("#consent-banner-save").await?;
                } else {
                    b.click(button).await?;
                }
                b.wait_gone("#consent-banner").await?;
                ensure!(path(&b).await? == "/privacy", "back on the page: {}", path(&b).await?);
                let record = consent_cookie(&b).await?;
                ensure!(
                    (record.choices.preferences, record.choices.analytics) == (preferences, analytics),
                    "{button}: {record:?}"
                );
                let stored = receipts(&app).await?;
                ensure!(stored.len() == before + 1, "one receipt per answer: {stored:?}");
                ensure!(stored.last() == Some(&(method.to_string(), preferences, analytics)), "{stored:?}");
                // The page is still the policy, readable.
                b.wait_for_text("h1", "Privacy policy").await?;
                b.find("section#contact").await?;
                Ok(())
            })
            .await;
        b.finish(outcome).await;
    }
}

#[tokio::test]
async fn the_policy_reads_and_links_without_javascript() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start_without_javascript(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("the_policy_reads_and_links_without_javascript", async {
            b.goto("/privacy").await?;
            b.wait_for_text("h1", "Privacy policy").await?;
            let toc = b.driver.find_all(By::Css("nav#policy-toc a")).await?;
            ensure!(toc.len() >= 10, "the contents are there: {}", toc.len());
            b.wait_for_text("#policy-version", "Version").await?;
            ensure!(b.driver.title().await? == "Privacy policy · Curtain");
            b.click("a[href=\"/privacy/versions\"]").await?;
            b.wait_for_text("h1", "Privacy policy versions").await?;
            b.click("#policy-versions a[href=\"/privacy/v/1\"]").await?;
            b.wait_for_text("h1", "Privacy policy, version 1").await?;
            b.find("#policy-not-current").await?;
            // Comparing works without JavaScript too: the pickers are a form.
            b.goto("/privacy/versions").await?;
            b.find("#compare-from option[value=\"1\"]").await?.click().await?;
            b.find("#compare-to option[value=\"2\"]").await?.click().await?;
            b.click("#compare-submit").await?;
            b.find("#policy-diff").await?;
            ensure!(path(&b).await? == "/privacy/compare?from=1&to=2", "{}", path(&b).await?);
            b.click("#diff-view-side").await?;
            b.find("#policy-diff .diff__sides").await?;
            ensure!(path(&b).await?.ends_with("view=side"), "{}", path(&b).await?);
            ensure!(b.driver.find_all(By::Css(".loading-shell__status")).await?.is_empty(), "no endless 'Loading'");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn an_answer_given_before_the_app_starts_is_kept() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("an_answer_given_before_the_app_starts_is_kept", async {
            // The app's wasm does not arrive: the visitor answers the banner
            // the server sent.
            let devtools = ChromeDevTools::new(b.driver.handle.clone());
            devtools.execute_cdp("Network.enable").await?;
            devtools.execute_cdp_with_params("Network.setBlockedURLs", serde_json::json!({ "urls": ["*.wasm"] })).await?;
            b.driver.goto(app.url("/")).await?;
            b.click("#consent-reject-all").await?;
            b.wait_gone("#consent-banner").await?;
            ensure!(receipts(&app).await? == [("reject_all".to_string(), false, false)]);
            // Now the app arrives, and keeps to that answer.
            devtools.execute_cdp_with_params("Network.setBlockedURLs", serde_json::json!({ "urls": [] })).await?;
            b.reload().await?;
            b.consent_settled().await?;
            ensure!(b.driver.find_all(By::Css("#consent-banner")).await?.is_empty(), "no banner: the answer counts");
            ensure!(consent_cookie(&b).await?.choices == Default::default());
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

/// Sums the page's layout shifts (what CLS adds up), recorded from the
/// start of every document.
const SHIFTS: &str = r#"
window.__shifts = 0;
try {
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) window.__shifts += e.value; }
  }).observe({ type: 'layout-shift', buffered: true });
} catch (e) { window.__shifts = -1; }
"#;

#[tokio::test]
async fn the_app_takes_the_page_over_without_moving_anything() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("the_app_takes_the_page_over_without_moving_anything", async {
            let devtools = ChromeDevTools::new(b.driver.handle.clone());
            devtools
                .execute_cdp_with_params("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": SHIFTS }))
                .await?;
            for page in ["/", "/privacy"] {
                b.goto(page).await?;
                b.consent_settled().await?;
                b.find("#consent-banner").await?;
                // The app's own banner, answering in place.
                let banners = b.driver.find_all(By::Css("#consent-banner")).await?;
                ensure!(banners.len() == 1, "{page}: one banner, not two");
                if page == "/privacy" {
                    b.find("#policy-toc").await?;
                }
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let shifts = b.driver.execute("return window.__shifts", vec![]).await?.json().as_f64().unwrap_or(-1.0);
                ensure!(shifts == 0.0, "{page}: layout shifted by {shifts}");
            }
            // The app answers in place, through the API.
            b.click("#consent-reject-all").await?;
            b.wait_gone("#consent-banner").await?;
            ensure!(path(&b).await? == "/privacy");
            b.wait_for_answers("POST", "/api/consent", 1).await?;
            let requests = b.requests_sent().await?;
            ensure!(!requests.iter().any(|r| r == "GET /api/session"), "signed out: no session request: {requests:?}");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn focus_stays_where_it_was_when_the_app_takes_over() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("focus_stays_where_it_was_when_the_app_takes_over", async {
            // A slow line: the visitor reaches the banner before the app arrives.
            let devtools = ChromeDevTools::new(b.driver.handle.clone());
            devtools.execute_cdp("Network.enable").await?;
            devtools
                .execute_cdp_with_params(
                    "Network.emulateNetworkConditions",
                    serde_json::json!({ "offline": false, "latency": 20, "downloadThroughput": 100_000, "uploadThroughput": 100_000 }),
                )
                .await?;
            b.driver.goto(app.url("/")).await?;
            b.find("#loading-shell #consent-reject-all").await?;
            let early = b
                .driver
                .execute(
                    "const button = document.querySelector('#loading-shell #consent-reject-all');                      if (button) button.focus(); return !!button && document.activeElement === button;",
                    vec![],
                )
                .await?;
            ensure!(early.json() == &serde_json::json!(true), "the server's button had focus before the app came");
            b.wait_gone("#loading-shell").await?;
            b.wait_for_focus("consent-reject-all").await?;
            // And it is the app's button now: it answers in place.
            b.driver.action_chain().send_keys(Key::Enter).perform().await?;
            b.wait_gone("#consent-banner").await?;
            b.wait_for_answers("POST", "/api/consent", 1).await?;
            ensure!(receipts(&app).await? == [("reject_all".to_string(), false, false)]);
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
