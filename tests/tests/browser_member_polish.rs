//! What members see, walked through as they would, on a desktop and on a
//! phone: the header's menu and follow-request count, the cookie dialog's
//! answers kept in sight, and a comparison asked newest first.

use anyhow::{ensure, Context, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use serde_json::json;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

async fn press(b: &Browser, key: Key) -> Result<()> {
    b.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

/// Whether the element matching `css` is drawn (not `display: none`).
async fn shown(b: &Browser, css: &str) -> Result<bool> {
    Ok(match b.driver.find_all(By::Css(css)).await?.into_iter().next() {
        Some(el) => el.is_displayed().await?,
        None => false,
    })
}

/// The element's top and bottom, and the viewport's height, in CSS pixels.
async fn vertical_extent(b: &Browser, css: &str) -> Result<(f64, f64, f64)> {
    let r = b
        .driver
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];",
            vec![json!(css)],
        )
        .await?;
    let v: Vec<f64> = r.convert()?;
    Ok((v[0], v[1], v[2]))
}

/// The address bar's path and query.
async fn address(b: &Browser) -> Result<String> {
    let r = b.driver.execute("return location.pathname + location.search", vec![]).await?;
    Ok(r.json().as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn on_a_phone_the_members_links_are_behind_a_menu() {
    let app = TestApp::spawn_with_spa().await;
    app.member("ann", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("on_a_phone_the_members_links_are_behind_a_menu", async {
            b.sign_in("ann", PW).await?;
            // A desktop shows the links, and no menu button.
            ensure!(shown(&b, "#search-link").await? && !shown(&b, "#menu-button").await?);

            b.emulate_phone().await?;
            b.goto("/").await?;
            b.find("#account-name").await?;
            ensure!(!shown(&b, "#search-link").await?, "folded on a phone");
            let button = b.find("#menu-button").await?;
            ensure!(button.attr("aria-expanded").await?.as_deref() == Some("false"));
            button.click().await?;
            ensure!(button.attr("aria-expanded").await?.as_deref() == Some("true"));
            ensure!(shown(&b, "#search-link").await? && shown(&b, "#signout").await?);

            // Escape closes it and gives focus back to the button.
            b.find("#search-link").await?.focus().await?;
            press(&b, Key::Escape).await?;
            b.wait_for_focus("menu-button").await?;
            ensure!(!shown(&b, "#search-link").await?, "Escape closes the menu");

            // A click elsewhere closes it too.
            b.click("#menu-button").await?;
            ensure!(shown(&b, "#search-link").await?);
            b.click("main").await?;
            ensure!(!shown(&b, "#search-link").await?, "a click elsewhere closes the menu");

            // Going somewhere from it closes it, and member search works.
            b.click("#menu-button").await?;
            b.click("#search-link").await?;
            b.find("#search-q").await.context("the search page")?;
            ensure!(b.path().await?.starts_with("/search"));
            ensure!(!shown(&b, "#search-link").await?, "the menu closes on arrival");
            ensure!(b.axe_violations().await?.is_empty(), "{:?}", b.axe_violations().await?);
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_waiting_follow_request_shows_in_the_header() {
    let app = TestApp::spawn_with_spa().await;
    let ann = app.member("ann", PW).await;
    let ben = app.member("ben", PW).await;
    let r = ann.send(reqwest::Method::PATCH, "/api/me/privacy", Some(&json!({"private": true})), None).await;
    assert!(r.status.is_success(), "ann goes private: {:?}", r.body);
    let r = ben.post("/api/users/ann/follow", &json!({})).await;
    assert!(r.status.is_success(), "ben asks to follow ann: {:?}", r.body);
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_waiting_follow_request_shows_in_the_header", async {
            b.sign_in("ben", PW).await?;
            ensure!(b.driver.find_all(By::Css("#follow-requests-link")).await?.is_empty(), "ben has none waiting");

            b.sign_in("ann", PW).await?;
            let link = b.find("#follow-requests-link").await?;
            // Its words are for screen readers; the eye sees the count.
            let said = b.driver.execute("return document.querySelector('#follow-requests-link').textContent", vec![]).await?;
            let said = said.json().as_str().unwrap_or_default().to_string();
            ensure!(said.contains("1 follow request"), "the link says what waits: {said:?}");
            link.click().await?;
            b.wait_for_text("#follow-requests", "ben").await?;
            ensure!(address(&b).await? == "/settings/privacy");
            b.wait_for_focus("requests-heading").await?;

            // Answered, the count goes.
            b.click("#approve-ben").await?;
            b.find("#follow-requests-empty").await?;
            b.wait_gone("#follow-requests-link").await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn the_cookie_dialog_keeps_its_answers_in_sight_and_folds_the_cookie_lists() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("the_cookie_dialog_keeps_its_answers_in_sight", async {
            for phone in [false, true] {
                if phone {
                    b.emulate_phone().await?;
                }
                b.goto("/").await?;
                b.consent_settled().await?;
                b.click("#cookie-settings").await?;
                b.find("#consent-dialog[open]").await?;
                for answer in ["#consent-save", "#consent-dialog-accept-all", "#consent-dialog-reject-all"] {
                    let (top, bottom, height) = vertical_extent(&b, answer).await?;
                    ensure!(top >= 0.0 && bottom <= height, "{answer} is in sight (phone: {phone}): {top}..{bottom} of {height}");
                }
                // The cookies of a category are one press away.
                ensure!(!shown(&b, "#consent-dialog .consent-category__cookies").await?, "folded at first");
                let summary = b.find("#consent-dialog .consent-category__details summary").await?;
                summary.focus().await?;
                press(&b, Key::Enter).await?;
                let list = b.find("#consent-dialog .consent-category__details[open] .consent-category__cookies").await?;
                ensure!(list.text().await?.contains("curtain_"), "the list names the cookies");
                // Still in sight with a list open.
                let (_, bottom, height) = vertical_extent(&b, "#consent-save").await?;
                ensure!(bottom <= height, "Save stays in sight with a list open (phone: {phone})");
                ensure!(b.axe_violations().await?.is_empty(), "{:?}", b.axe_violations().await?);
                press(&b, Key::Escape).await?;
                b.wait_gone("#consent-dialog[open]").await?;
            }
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_comparison_asked_newest_first_reads_oldest_first_everywhere() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_comparison_asked_newest_first", async {
            for phone in [false, true] {
                if phone {
                    b.emulate_phone().await?;
                }
                // Typed in: the server puts the address right.
                b.goto("/privacy/compare?from=3&to=1").await?;
                b.find("#policy-diff").await?;
                ensure!(address(&b).await? == "/privacy/compare?from=1&to=3", "{}", address(&b).await?);
                ensure!(b.value("#compare-from").await? == "1" && b.value("#compare-to").await? == "3");

                // Followed inside the app: the app does the same.
                b.driver
                    .execute(
                        "history.pushState(null, '', '/privacy/compare?from=2&to=1&view=side'); dispatchEvent(new PopStateEvent('popstate'));",
                        vec![],
                    )
                    .await?;
                b.wait_for_text("#compare-from option:checked", "Version 1").await?;
                ensure!(address(&b).await? == "/privacy/compare?from=1&to=2&view=side", "{}", address(&b).await?);
                ensure!(b.value("#compare-to").await? == "2");

                // A bad address is explained in words, not code.
                b.goto("/privacy/compare?from=one&to=2").await?;
                let said = b.wait_for_text("#compare-error", "is not a version number").await?;
                ensure!(!said.contains('`'), "{said}");
            }
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn signed_out_a_link_between_settings_pages_goes_there_and_asks_to_sign_in() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("signed_out_a_link_between_settings_pages", async {
            for phone in [false, true] {
                if phone {
                    b.emulate_phone().await?;
                }
                b.goto("/settings/account").await?;
                b.wait_for_text("#main", "Sign in to see and change your settings.").await?;
                // A link to another settings page, as any page may hold one.
                b.driver
                    .execute(
                        "const a = document.createElement('a'); a.id = 'probe'; a.href = '/settings/email'; a.textContent = 'E-mail settings'; document.querySelector('#main').prepend(a);",
                        vec![],
                    )
                    .await?;
                b.click("#probe").await?;
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
                while address(&b).await? != "/settings/email" {
                    ensure!(std::time::Instant::now() < deadline, "the address moved on: {}", address(&b).await?);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                b.wait_for_text("#main", "Sign in to see and change your settings.").await?;
                ensure!(b.driver.title().await?.contains("Settings"), "{}", b.driver.title().await?);
            }
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn going_public_is_explained_and_asked_first_especially_to_a_minor() {
    let app = TestApp::spawn_with_spa().await;
    let year = curtain_server::clock::today().year - 15;
    let teen = app.client();
    let r = teen.post("/api/auth/signup", &curtain_tests::signup_body("mia", PW, &format!("{year}-02-01"))).await;
    assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("going_public_is_explained_and_asked_first", async {
            b.sign_in("mia", PW).await?;
            b.goto("/settings/privacy").await?;
            let switch = b.find("#privacy-private").await?;
            ensure!(switch.is_selected().await?, "a minor starts private");

            // A change waits for "Save", and the page says so.
            switch.click().await?;
            b.wait_for_text("#privacy-unsaved", "You have unsaved changes").await?;
            let stored = app.client();
            stored.sign_in("mia", PW, false).await;
            ensure!(stored.get("/api/me/privacy").await.body["private"] == true, "nothing saved yet");

            // Saving does not make it public at once: it asks, and says why.
            b.click("#privacy-save").await?;
            b.wait_for_text("#privacy-public-confirm", "Anyone signed in can follow you without asking").await?;
            b.wait_for_text("#privacy-public-minor", "under 18").await?;
            b.wait_for_focus("privacy-public-title").await?;
            ensure!(stored.get("/api/me/privacy").await.body["private"] == true, "nothing saved while it asks");

            // "Keep it private" puts the switch back and saves nothing.
            b.click("#privacy-public-no").await?;
            b.wait_gone("#privacy-public-confirm").await?;
            b.wait_for_focus("privacy-private").await?;
            ensure!(b.find("#privacy-private").await?.is_selected().await?, "the switch is back on");
            ensure!(stored.get("/api/me/privacy").await.body["private"] == true);

            // Confirmed, it is public, and nothing is left unsaved.
            b.click("#privacy-private").await?;
            b.click("#privacy-save").await?;
            b.click("#privacy-public-yes").await?;
            b.wait_for_text("#privacy-status", "Your account is public").await?;
            ensure!(!b.find("#privacy-private").await?.is_selected().await?);
            ensure!(b.find("#privacy-unsaved").await?.text().await?.is_empty(), "saved: no unsaved note");
            ensure!(stored.get("/api/me/privacy").await.body["private"] == false, "saved");
            ensure!(b.axe_violations().await?.is_empty(), "{:?}", b.axe_violations().await?);
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_page_slow_to_arrive_shows_that_it_is_loading() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_page_slow_to_arrive_shows_that_it_is_loading", async {
            b.goto("/").await?;
            b.dismiss_consent().await?;
            ensure!(b.driver.find_all(By::Css(".route-progress--on")).await?.is_empty(), "nothing loading at rest");
            // A slow line from now on: the next page's code takes a while.
            let devtools = thirtyfour::extensions::cdp::ChromeDevTools::new(b.driver.handle.clone());
            devtools.execute_cdp("Network.enable").await?;
            devtools
                .execute_cdp_with_params(
                    "Network.emulateNetworkConditions",
                    json!({ "offline": false, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1 }),
                )
                .await?;
            b.click("footer a[href='/privacy/request']").await?;
            b.find(".route-progress--on").await.context("the bar shows")?;
            b.wait_for_text(".route-progress", "Loading the page").await?;
            // Then the page arrives and the bar goes.
            b.wait_for_text("#main h1", "Make a privacy request").await?;
            b.wait_gone(".route-progress--on").await?;
            ensure!(b.path().await? == "/privacy/request");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn every_settings_form_says_when_a_change_is_not_saved_yet() {
    let app = TestApp::spawn_with_spa().await;
    app.member("ann", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("every_settings_form_says_when_a_change_is_not_saved_yet", async {
            b.sign_in("ann", PW).await?;
            // E-mail lists.
            b.goto("/settings/email").await?;
            b.find("#email-newsletter").await?.click().await?;
            b.wait_for_text("#email-unsaved", "You have unsaved changes").await?;
            b.find("#email-newsletter").await?.click().await?;
            // Back as it was: nothing unsaved.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while !b.find("#email-unsaved").await?.text().await?.is_empty() {
                ensure!(std::time::Instant::now() < deadline, "the note goes when the change is undone");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            b.find("#email-newsletter").await?.click().await?;
            b.click("#email-save").await?;
            b.wait_for_text("#email-status", "Saved").await?;
            ensure!(b.find("#email-unsaved").await?.text().await?.is_empty());
            // The profile.
            b.goto("/settings/profile").await?;
            b.type_into("#profile-location-input", "Lisbon").await?;
            b.wait_for_text("#settings-profile-unsaved", "You have unsaved changes").await?;
            b.click("#settings-profile-save").await?;
            b.wait_for_text("#settings-profile-status", "Profile saved").await?;
            ensure!(b.find("#settings-profile-unsaved").await?.text().await?.is_empty());
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
