//! Profiles in the real SPA, in headless Chromium, against the real server:
//! hidden fields never reach another member's browser, private accounts and
//! follow requests, the owner's preview, noindex, search, markup shown as
//! text, and a concurrent edit that loses nothing.

use anyhow::{bail, ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::{ApiClient, TestApp};
use serde_json::{json, Value};
use thirtyfour::extensions::cdp::ChromeDevTools;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

/// Before any page script runs, wraps `fetch` so the test can read every API
/// response body the page received.
const RECORD_API_BODIES: &str = r#"
(() => {
  const original = window.fetch;
  window.__apiBodies = [];
  window.fetch = async function (...args) {
    const response = await original.apply(this, args);
    const url = String((args[0] && args[0].url) || args[0]);
    if (url.includes('/api/')) {
      try { window.__apiBodies.push({ url, body: await response.clone().text() }); } catch (e) {}
    }
    return response;
  };
})();
"#;

async fn start(app: &TestApp) -> Browser {
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    ChromeDevTools::new(b.driver.handle.clone())
        .execute_cdp_with_params("Page.addScriptToEvaluateOnNewDocument", json!({ "source": RECORD_API_BODIES }))
        .await
        .expect("recording API bodies");
    b
}

/// Every API response body this page has received so far: `(url, body)`.
async fn api_bodies(b: &Browser) -> Result<Vec<(String, String)>> {
    let value = b.driver.execute("return JSON.stringify(window.__apiBodies || [])", vec![]).await?;
    let list: Vec<Value> = serde_json::from_str(value.json().as_str().unwrap_or("[]"))?;
    Ok(list
        .into_iter()
        .map(|v| (v["url"].as_str().unwrap_or("").to_string(), v["body"].as_str().unwrap_or("").to_string()))
        .collect())
}

/// Saves profile fields over the API, as another tab would.
async fn edit_elsewhere(app: &TestApp, c: &ApiClient, body: Value) {
    let r = c.get("/api/me/profile").await;
    let tag = r.headers.get("etag").unwrap().to_str().unwrap().to_string();
    let resp = c
        .http
        .patch(app.url("/api/me/profile"))
        .header("If-Match", tag)
        .header(curtain_api::CSRF_HEADER, c.cookie(curtain_api::CSRF_COOKIE).unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap_or_default());
}

async fn choose(b: &Browser, select: &str, value: &str) -> Result<()> {
    b.click(&format!("{select} option[value='{value}']")).await
}

async fn page_html(b: &Browser) -> Result<String> {
    let v = b.driver.execute("return document.documentElement.outerHTML", vec![]).await?;
    Ok(v.json().as_str().unwrap_or("").to_string())
}

async fn exists(b: &Browser, css: &str) -> Result<bool> {
    Ok(!b.driver.find_all(By::Css(css)).await?.is_empty())
}

// promise: audience-per-field
#[tokio::test]
async fn a_hidden_location_never_reaches_another_members_browser() {
    let app = TestApp::spawn_with_spa().await;
    app.member("ann", PW).await;
    app.member("ben", PW).await;
    let b = start(&app).await;
    let outcome = b.attempt("a_hidden_location_never_reaches_another_members_browser", async {
        // ann fills in her location and hides it from everyone.
        b.sign_in("ann", PW).await?;
        b.goto("/settings/profile").await?;
        b.type_into("#profile-location-input", "Lighthouse Lane 9").await?;
        b.type_into("#profile-about-input", "Hello from ann").await?;
        choose(&b, "#audience-location", "only_me").await?;
        choose(&b, "#audience-about", "everyone").await?;
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#settings-profile-status", "Profile saved").await?;

        // ben, signed in but not a follower, opens her profile.
        b.sign_in("ben", PW).await?;
        b.goto("/u/ann").await?;
        b.wait_for_text("#profile-about", "Hello from ann").await?;
        ensure!(!exists(&b, "#profile-location").await?, "no location on the page");
        ensure!(!exists(&b, "#view-as").await?, "only the owner gets the preview picker");
        let html = page_html(&b).await?;
        ensure!(!html.contains("Lighthouse"), "the location is nowhere in the page");
        let bodies = api_bodies(&b).await?;
        ensure!(bodies.iter().any(|(url, _)| url.ends_with("/api/users/ann")), "the profile request was recorded: {bodies:?}");
        for (url, body) in &bodies {
            ensure!(!body.contains("Lighthouse"), "{url} sent the hidden location: {body}");
            ensure!(!body.contains("ann@example.org"), "{url} sent ann's e-mail");
        }

        // Member search finds her.
        b.click("#search-link").await?;
        b.type_into("#search-q", "an").await?;
        b.click("#search-submit").await?;
        b.wait_for_text("#search-results", "@ann").await?;

        // An unknown member is the not-found page.
        b.goto("/u/nobody_by_that_name").await?;
        b.wait_for_text("#main h1", "Page not found").await?;

        // Signed out, the profile offers sign-in instead of following.
        b.click("#signout").await?;
        b.find("#signin-link").await?;
        b.goto("/u/ann").await?;
        b.find("#follow-signin").await?;
        b.wait_for_text("#profile-about", "Hello from ann").await?;
        ensure!(!exists(&b, "#profile-location").await?, "still no location");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: private-account, no-indexing
#[tokio::test]
async fn private_account_request_approval_preview_and_noindex() {
    let app = TestApp::spawn_with_spa().await;
    let ann = app.member("ann", PW).await;
    app.member("ben", PW).await;
    edit_elsewhere(
        &app,
        &ann,
        json!({"location": "Harbour Road", "about": "Tea and thrillers", "audiences": {"location": "followers", "about": "everyone"}}),
    )
    .await;
    let b = start(&app).await;
    let outcome = b.attempt("private_account_request_approval_preview_and_noindex", async {
        b.sign_in("ann", PW).await?;
        b.goto("/settings/privacy").await?;
        b.click("#privacy-private").await?;
        b.click("#privacy-save").await?;
        b.wait_for_text("#privacy-status", "Your account is private").await?;
        // Not indexed: the profile page carries noindex, and drops it on leaving.
        b.click("#privacy-indexable").await?;
        b.click("#privacy-save").await?;
        b.wait_for_text("#privacy-status", "not to index").await?;
        b.click("#account-name").await?;
        b.wait_for_text("#profile-username", "@ann").await?;
        b.find("head meta[name='robots'][content='noindex']").await?;
        b.click("#settings-link").await?;
        b.find(".settings__nav").await?;
        b.wait_gone("head meta[name='robots']").await?;

        b.sign_in("ben", PW).await?;
        b.goto("/u/ann").await?;
        b.find("#profile-private-notice").await?;
        ensure!(!exists(&b, "#profile-about").await?, "a private account shows only the basics");
        b.wait_for_text("#follow-button", "Request to follow").await?;
        b.click("#follow-button").await?;
        b.wait_for_text("#follow-state", "Request sent").await?;
        b.wait_for_text("#follow-button", "Withdraw request").await?;
        ensure!(!exists(&b, "#profile-location").await?, "a request shows nothing more");

        b.sign_in("ann", PW).await?;
        b.goto("/settings/privacy").await?;
        b.wait_for_text("#follow-requests", "ben").await?;
        b.click("#approve-ben").await?;
        b.wait_for_text("#privacy-status", "approved").await?;
        b.wait_for_text("#followers-list", "ben").await?;
        b.find("#follow-requests-empty").await?;

        // ann previews her profile as everyone.
        b.goto("/u/ann").await?;
        b.wait_for_text("#profile-location", "Harbour Road").await?;
        choose(&b, "#view-as", "public").await?;
        b.wait_for_text("#preview-banner", "Preview: how everyone sees your profile").await?;
        b.find("#profile-private-notice").await?;
        ensure!(!exists(&b, "#profile-location").await?, "the public preview hides the location");
        ensure!(b.driver.current_url().await?.query() == Some("as=public"));

        b.sign_in("ben", PW).await?;
        b.goto("/u/ann").await?;
        b.wait_for_text("#profile-location", "Harbour Road").await?;
        b.wait_for_text("#profile-about", "Tea and thrillers").await?;
        b.wait_for_text("#follow-button", "Unfollow").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn markup_in_about_is_text_and_a_concurrent_edit_loses_nothing() {
    let app = TestApp::spawn_with_spa().await;
    let other_tab = app.member("ann", PW).await;
    let b = start(&app).await;
    let outcome = b.attempt("markup_in_about_is_text_and_a_concurrent_edit_loses_nothing", async {
        let markup = r#"<img src=x onerror="window.__xss=1">"#;
        b.sign_in("ann", PW).await?;
        b.goto("/settings/profile").await?;
        b.type_into("#profile-about-input", markup).await?;
        choose(&b, "#audience-about", "everyone").await?;
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#settings-profile-status", "Profile saved").await?;
        // The settings page's own preview shows it as text too.
        b.wait_for_text("#profile-about", "<img").await?;

        // A too-long display name is refused beside the field; typed text stays.
        let long_name = "n".repeat(51);
        b.type_into("#profile-display-name", &long_name).await?;
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#profile-display-name-error", "at most 50").await?;
        ensure!(b.value("#profile-display-name").await? == long_name, "typed text kept");
        ensure!(b.value("#profile-about-input").await? == markup, "other fields kept");
        b.type_into("#profile-display-name", "Ann").await?;
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#settings-profile-status", "Profile saved").await?;

        b.goto("/u/ann").await?;
        let shown = b.wait_for_text("#profile-about", "onerror").await?;
        ensure!(shown == markup, "shown as typed: {shown:?}");
        ensure!(!exists(&b, "#profile-about img").await?, "no element was made from it");
        let xss = b.driver.execute("return window.__xss === undefined", vec![]).await?;
        ensure!(xss.json() == &json!(true), "the handler never ran");

        // A concurrent edit: ann types here while another tab saves.
        b.goto("/settings/profile").await?;
        b.type_into("#profile-location-input", "Typed here").await?;
        edit_elsewhere(&app, &other_tab, json!({"about": "Changed elsewhere"})).await;
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#profile-conflict", "This profile was changed elsewhere (another tab?)").await?;
        ensure!(b.value("#profile-location-input").await? == "Typed here", "typed text kept after the 412");
        b.click("#profile-conflict-reload").await?;
        b.wait_for_text("#settings-profile-status", "Loaded the latest version").await?;
        ensure!(b.value("#profile-location-input").await? == "Typed here", "typed text kept after reloading");
        ensure!(b.value("#profile-about-input").await? == "Changed elsewhere", "the other tab's change arrived");
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#settings-profile-status", "Profile saved").await?;
        let saved = other_tab.get("/api/me/profile").await.body;
        ensure!(saved["location"] == "Typed here" && saved["about"] == "Changed elsewhere", "{saved}");

        // "Keep editing" keeps everything typed and saves over the other tab.
        b.type_into("#profile-location-input", "Mine wins").await?;
        edit_elsewhere(&app, &other_tab, json!({"location": "Theirs"})).await;
        b.click("#settings-profile-save").await?;
        b.find("#profile-conflict").await?;
        b.click("#profile-conflict-keep").await?;
        b.wait_for_text("#settings-profile-status", "Your version is kept").await?;
        ensure!(b.value("#profile-location-input").await? == "Mine wins");
        b.click("#settings-profile-save").await?;
        b.wait_for_text("#settings-profile-status", "Profile saved").await?;
        let saved = other_tab.get("/api/me/profile").await.body;
        if saved["location"] != "Mine wins" {
            bail!("the kept version was saved: {saved}");
        }
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
