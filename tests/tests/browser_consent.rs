//! Cookie consent in the real SPA, in headless Chromium, against the real server.

use curtain_server::db::Flag;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::components::SelectElement;
use thirtyfour::extensions::cdp::ChromeDevTools;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

async fn consent_cookie(b: &Browser) -> Result<Option<String>> {
    Ok(b.cookie("curtain_consent").await?.map(|c| c.value))
}

/// The granted categories in the cookie: `n`, `np`, `na` or `npa`.
async fn granted(b: &Browser) -> Result<String> {
    let value = consent_cookie(b).await?.unwrap_or_default();
    Ok(value.split('.').nth(3).unwrap_or("").to_string())
}

async fn total_page_views(app: &TestApp) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await?)
}

async fn wait_for_page_views(app: &TestApp, at_least: i64) -> Result<i64> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = total_page_views(app).await?;
        if n >= at_least {
            return Ok(n);
        }
        if Instant::now() > deadline {
            bail!("only {n} page views counted, expected at least {at_least}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many page views pages in this tab have sent, across reloads: counted
/// when sent, so one still on its way counts too.
async fn page_views_sent(b: &Browser) -> Result<usize> {
    Ok(b.requests_sent().await?.iter().filter(|r| *r == "POST /api/analytics/pageview").count())
}

/// Waits until the page has read the server's consent configuration, which
/// settles whether the banner shows and whether page views are sent.
async fn settled(b: &Browser) -> Result<()> {
    b.consent_settled().await
}

async fn receipts(app: &TestApp) -> Result<Vec<(String, bool, bool, bool)>> {
    let rows: Vec<(String, Flag, Flag, Flag)> =
        sqlx::query_as("SELECT method, preferences, analytics, gpc FROM consent_receipts ORDER BY id").fetch_all(&app.db).await?;
    Ok(rows.into_iter().map(|(method, p, a, g)| (method, p.0, a.0, g.0)).collect())
}

async fn wait_for_receipts(app: &TestApp, n: usize) -> Result<Vec<(String, bool, bool, bool)>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = receipts(app).await?;
        if rows.len() >= n {
            return Ok(rows);
        }
        if Instant::now() > deadline {
            bail!("{} receipts stored, expected {n}", rows.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn active_id(b: &Browser) -> Result<String> {
    let v = b.driver.execute("return document.activeElement ? document.activeElement.id : ''", vec![]).await?;
    Ok(v.json().as_str().unwrap_or("").to_string())
}

async fn active_in_dialog(b: &Browser) -> Result<bool> {
    let v = b
        .driver
        .execute("return !!(document.activeElement && document.activeElement.closest('#consent-dialog'))", vec![])
        .await?;
    Ok(v.json().as_bool().unwrap_or(false))
}

async fn dialog_open(b: &Browser) -> Result<bool> {
    // The dialog's code is fetched the first time it is asked for: until then it is not in the page.
    let v = b.driver.execute("const d = document.getElementById('consent-dialog'); return !!(d && d.open)", vec![]).await?;
    Ok(v.json().as_bool().unwrap_or(false))
}

async fn press(b: &Browser, key: Key) -> Result<()> {
    b.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

/// Follows the header's home link: a client-side navigation, as a person would.
async fn navigate_around(b: &Browser) -> Result<()> {
    b.click("header a[href='/signin']").await?;
    b.wait_for_text("h1", "Sign in").await?;
    b.click("header a[href='/']").await?;
    b.find(".hero__title").await?;
    Ok(())
}

async fn bump_revision(app: &TestApp, summary: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO consent_revisions (revision, effective_on, summary)
         SELECT MAX(revision) + 1, '2026-11-29', $1 FROM consent_revisions",
    )
    .bind(summary)
    .execute(&app.db)
    .await?;
    Ok(())
}

// promise: refusing-is-easy
#[tokio::test]
async fn first_visit_shows_the_banner_and_stores_nothing_optional() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("first_visit_shows_the_banner", async {
        b.goto("/").await?;
        let banner = b.find("#consent-banner").await?;
        ensure!(banner.tag_name().await? == "section");
        ensure!(banner.attr("role").await?.as_deref() == Some("region"));
        b.wait_for_text("#consent-banner h2", "cookie").await?;
        // Equal size and weight: no nudge towards "accept".
        let mut sizes = Vec::new();
        let mut classes = Vec::new();
        for id in ["#consent-accept-all", "#consent-reject-all", "#consent-choose"] {
            let el = b.find(id).await?;
            let r = el.rect().await?;
            sizes.push((r.width.round() as i64, r.height.round() as i64));
            classes.push(el.attr("class").await?.unwrap_or_default());
        }
        ensure!(sizes.windows(2).all(|w| w[0] == w[1]), "buttons differ in size: {sizes:?}");
        ensure!(classes.windows(2).all(|w| w[0] == w[1]), "buttons differ in style: {classes:?}");
        // Not a modal: the page is there to read and use.
        ensure!(b.find(".hero__title").await?.is_displayed().await?);
        ensure!(!dialog_open(&b).await?);

        // Navigating and clicking elsewhere are not answers.
        navigate_around(&b).await?;
        b.find("#consent-banner").await?;
        b.reload().await?;
        settled(&b).await?;
        b.find("#consent-banner").await?;
        let names: Vec<String> = b.driver.get_all_cookies().await?.into_iter().map(|c| c.name).collect();
        ensure!(!names.iter().any(|n| n == "curtain_consent" || n == "curtain_theme"), "cookies before an answer: {names:?}");
        let sent = b.requests_sent().await?;
        ensure!(!sent.iter().any(|r| r == "POST /api/consent" || r == "POST /api/analytics/pageview"), "sent before an answer: {sent:?}");
        ensure!(receipts(&app).await?.is_empty());
        ensure!(total_page_views(&app).await? == 0);
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: refusing-is-easy, analytics-only-with-consent, consent-cookie-lifetime
#[tokio::test]
async fn reject_all_sends_no_page_views_and_the_banner_stays_gone() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("reject_all_sends_no_page_views", async {
        b.goto("/").await?;
        b.click("#consent-reject-all").await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(granted(&b).await? == "n", "only necessary: {:?}", consent_cookie(&b).await?);
        let cookie = b.cookie("curtain_consent").await?.unwrap();
        ensure!(matches!(cookie.same_site, Some(SameSite::Lax)), "{:?}", cookie.same_site);
        let days = (cookie.expiry.unwrap_or(0) - curtain_server::clock::now()) as f64 / 86_400.0;
        ensure!((181.9..=182.1).contains(&days), "the answer lasts 182 days, not {days}");
        let rows = wait_for_receipts(&app, 1).await?;
        ensure!(rows == vec![("reject_all".to_string(), false, false, false)], "{rows:?}");

        navigate_around(&b).await?;
        b.reload().await?;
        b.find(".hero__title").await?;
        settled(&b).await?;
        ensure!(b.driver.find_all(By::Css("#consent-banner")).await?.is_empty(), "answered: no banner after reload");
        navigate_around(&b).await?;
        ensure!(page_views_sent(&b).await? == 0, "no page view was sent");
        ensure!(total_page_views(&app).await? == 0, "no page view reached the server");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: no-analytics-cookie
#[tokio::test]
async fn accept_all_counts_page_views() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("accept_all_counts_page_views", async {
        b.goto("/").await?;
        b.click("#consent-accept-all").await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(granted(&b).await? == "npa");
        // Analytics is a flag inside curtain_consent: no cookie of its own.
        let names: Vec<String> = b.driver.get_all_cookies().await?.into_iter().map(|c| c.name).collect();
        ensure!(names == ["curtain_consent"], "accepting everything sets only the answer's cookie: {names:?}");
        // The page shown when the answer was given counts once the receipt is stored.
        wait_for_page_views(&app, 1).await?;
        navigate_around(&b).await?;
        wait_for_page_views(&app, 3).await?;
        let signin: i64 = sqlx::query_scalar("SELECT count FROM page_views WHERE path = '/signin'").fetch_one(&app.db).await?;
        ensure!(signin == 1, "/signin counted {signin} times");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn choose_opens_a_keyboard_friendly_modal_dialog() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("choose_opens_a_keyboard_friendly_modal_dialog", async {
        b.goto("/").await?;
        b.find("#consent-choose").await?;
        b.driver.execute("document.getElementById('consent-choose').focus()", vec![]).await?;
        press(&b, Key::Enter).await?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !dialog_open(&b).await? {
            ensure!(Instant::now() < deadline, "the dialog did not open");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let dialog = b.find("#consent-dialog").await?;
        ensure!(dialog.attr("aria-labelledby").await?.is_some(), "the dialog is labelled");
        b.wait_for_focus("consent-preferences").await?;
        // Switches: role, label, description; necessary is on and cannot be changed.
        for id in ["consent-necessary", "consent-preferences", "consent-analytics"] {
            let el = b.find(&format!("#{id}")).await?;
            ensure!(el.attr("role").await?.as_deref() == Some("switch"), "{id} is a switch");
            ensure!(el.attr("aria-describedby").await?.is_some(), "{id} is described");
            b.find(&format!("label[for='{id}']")).await?;
        }
        let necessary = b.find("#consent-necessary").await?;
        ensure!(necessary.is_selected().await? && !necessary.is_enabled().await?, "necessary: on and disabled");
        ensure!(!b.find("#consent-analytics").await?.is_selected().await?, "nothing optional is pre-ticked");
        // Each category names its cookies, folded under a summary.
        let listed = b.driver.execute("return document.querySelector('#consent-dialog').textContent", vec![]).await?;
        ensure!(listed.json().as_str().unwrap_or_default().contains("curtain_session"), "the cookies are named");
        let problems = b.axe_violations().await?;
        ensure!(problems.is_empty(), "the open dialog passes axe: {problems:?}");

        // Tab and Shift+Tab never leave the dialog, and Tab wraps around.
        let mut seen = Vec::new();
        for _ in 0..8 {
            press(&b, Key::Tab).await?;
            ensure!(active_in_dialog(&b).await?, "Tab left the dialog for {:?}", active_id(&b).await?);
            seen.push(active_id(&b).await?);
        }
        ensure!(seen.iter().filter(|id| *id == "consent-preferences").count() >= 1, "Tab cycles back to the start: {seen:?}");
        b.driver.action_chain().key_down(Key::Shift).send_keys(Key::Tab).key_up(Key::Shift).perform().await?;
        ensure!(active_in_dialog(&b).await?, "Shift+Tab left the dialog");

        // Escape closes without answering; focus returns to "Choose".
        press(&b, Key::Escape).await?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while dialog_open(&b).await? {
            ensure!(Instant::now() < deadline, "Escape did not close the dialog");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        b.wait_for_focus("consent-choose").await?;
        ensure!(consent_cookie(&b).await?.is_none(), "closing is not an answer");
        b.find("#consent-banner").await?;

        // Keyboard only, an answer: analytics on, preferences off, saved.
        press(&b, Key::Enter).await?;
        b.wait_for_focus("consent-preferences").await?;
        // Past the folded list of the preferences' cookies, to analytics.
        press(&b, Key::Tab).await?;
        let on_summary = b.driver.execute("return document.activeElement.tagName === 'SUMMARY'", vec![]).await?;
        ensure!(on_summary.json().as_bool() == Some(true), "the cookie list's summary takes focus");
        press(&b, Key::Tab).await?;
        ensure!(active_id(&b).await? == "consent-analytics", "{}", active_id(&b).await?);
        press(&b, Key::Space).await?;
        press(&b, Key::Tab).await?;
        ensure!(active_id(&b).await? == "consent-save", "{}", active_id(&b).await?);
        press(&b, Key::Enter).await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(!dialog_open(&b).await?);
        ensure!(granted(&b).await? == "na", "{:?}", consent_cookie(&b).await?);
        let rows = wait_for_receipts(&app, 1).await?;
        ensure!(rows[0].0 == "custom", "{rows:?}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_revision_bump_brings_the_banner_back_saying_what_changed() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_revision_bump_brings_the_banner_back", async {
        b.goto("/").await?;
        b.click("#consent-accept-all").await?;
        b.wait_gone("#consent-banner").await?;
        wait_for_receipts(&app, 1).await?;
        b.reload().await?;
        b.find(".hero__title").await?;
        settled(&b).await?;
        ensure!(b.driver.find_all(By::Css("#consent-banner")).await?.is_empty());

        bump_revision(&app, "Page views are now also counted on the settings pages.").await?;
        b.reload().await?;
        b.wait_for_text("#consent-changes", "Page views are now also counted on the settings pages.").await?;
        let views_before = page_views_sent(&b).await?;
        b.click("#consent-reject-all").await?;
        b.wait_gone("#consent-banner").await?;
        wait_for_receipts(&app, 2).await?;
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT consent_id, revision FROM consent_receipts ORDER BY id")
            .fetch_all(&app.db)
            .await?;
        ensure!(rows[1] == (rows[0].0.clone(), 2), "the same consent id answers revision 2: {rows:?}");
        navigate_around(&b).await?;
        ensure!(page_views_sent(&b).await? == views_before, "no page views after rejecting");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: global-privacy-control
#[tokio::test]
async fn global_privacy_control_keeps_analytics_off_after_accept_all() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("global_privacy_control_keeps_analytics_off", async {
        // The page sees navigator.globalPrivacyControl and the server Sec-GPC: 1.
        let devtools = ChromeDevTools::new(b.driver.handle.clone());
        devtools
            .execute_cdp_with_params(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });" }),
            )
            .await?;
        devtools.execute_cdp_with_params("Network.enable", serde_json::json!({})).await?;
        devtools
            .execute_cdp_with_params("Network.setExtraHTTPHeaders", serde_json::json!({ "headers": { "Sec-GPC": "1" } }))
            .await?;
        b.goto("/").await?;
        b.wait_for_text("#consent-gpc-note", "Global Privacy Control").await?;
        b.click("#consent-accept-all").await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(granted(&b).await? == "np", "accept all leaves analytics off: {:?}", consent_cookie(&b).await?);
        ensure!(consent_cookie(&b).await?.unwrap().ends_with(".1"), "the cookie records the signal");
        let rows = wait_for_receipts(&app, 1).await?;
        ensure!(rows[0] == ("accept_all".to_string(), true, false, true), "{rows:?}");
        navigate_around(&b).await?;
        ensure!(page_views_sent(&b).await? == 0, "no page views under GPC");
        ensure!(total_page_views(&app).await? == 0, "no page views under GPC");

        // Turned on explicitly in the dialog, analytics counts.
        b.click("#cookie-settings").await?;
        b.wait_for_text("#consent-dialog-gpc", "Global Privacy Control").await?;
        ensure!(!b.find("#consent-analytics").await?.is_selected().await?);
        b.click("#consent-analytics").await?;
        b.click("#consent-save").await?;
        ensure!(granted(&b).await? == "npa");
        wait_for_receipts(&app, 2).await?;
        navigate_around(&b).await?;
        wait_for_page_views(&app, 1).await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_garbage_consent_cookie_means_the_banner_and_no_crash() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_garbage_consent_cookie", async {
        b.goto("/").await?;
        b.find("#consent-banner").await?;
        let future = format!("v1.0b6f5c1e-8a0d-4c1e-9f3a-2d7b1c4e5f60.1.npa.{}.0", curtain_server::clock::now() + 90 * 86_400);
        for garbage in ["garbage", "v1.x.1.npa.1.0", "v9.....", future.as_str(), "v1.0b6f5c1e-8a0d-4c1e-9f3a-2d7b1c4e5f60.1.npax.1780000000.0"] {
            let mut cookie = thirtyfour::Cookie::new("curtain_consent", garbage);
            cookie.set_path("/");
            b.driver.add_cookie(cookie).await?;
            b.reload().await?;
            b.find("#consent-banner").await?;
            ensure!(b.find(".hero__title").await?.is_displayed().await?, "the page still works with {garbage:?}");
        }
        // And the banner still answers.
        b.click("#consent-reject-all").await?;
        b.wait_gone("#consent-banner").await?;
        ensure!(granted(&b).await? == "n");
        ensure!(page_views_sent(&b).await? == 0, "a forged analytics grant sent nothing");
        ensure!(total_page_views(&app).await? == 0, "a forged analytics grant never counted");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_choice_in_one_tab_shows_in_the_other() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_choice_in_one_tab_shows_in_the_other", async {
        b.goto("/").await?;
        b.find("#consent-banner").await?;
        let first = b.driver.window().await?;
        let second = b.new_tab().await?;
        b.goto("/signin").await?;
        b.find("#consent-banner").await?;
        b.click("#consent-accept-all").await?;
        b.wait_gone("#consent-banner").await?;

        b.driver.switch_to_window(first.clone()).await?;
        b.wait_gone("#consent-banner").await?;
        b.wait_for_text("#theme-hint", "Remembered").await?;

        // Withdrawing in the first tab applies in the second too.
        b.click("#cookie-settings").await?;
        b.click("#consent-dialog-reject-all").await?;
        b.driver.switch_to_window(second).await?;
        b.wait_for_text("#theme-hint", "For this visit only").await?;
        b.find("#signin-remember-reason").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: session-cookie-lifetime
#[tokio::test]
async fn remember_me_needs_preferences_consent() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("ines", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("remember_me_needs_preferences_consent", async {
        b.goto("/signin").await?;
        b.click("#consent-reject-all").await?;
        let remember = b.find("#signin-remember").await?;
        ensure!(!remember.is_enabled().await?, "remember me is disabled without preferences consent");
        b.wait_for_text("#signin-remember-reason", "preferences cookies are off").await?;
        let described = remember.attr("aria-describedby").await?.unwrap_or_default();
        ensure!(described.contains("signin-remember-reason"), "the reason describes the box: {described}");

        // Signing in now gives a browser-session cookie.
        b.type_into("#signin-login", "ines").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#account-name", "ines").await?;
        ensure!(b.cookie("curtain_session").await?.unwrap().expiry.is_none(), "not persistent");
        b.click("#signout").await?;
        b.find("#signin-link").await?;

        // Granting preferences from the form's own link enables it.
        b.goto("/signin").await?;
        b.click("#signin-cookie-settings").await?;
        b.click("#consent-preferences").await?;
        b.click("#consent-save").await?;
        wait_for_receipts(&app, 2).await?;
        let remember = b.find("#signin-remember").await?;
        ensure!(remember.is_enabled().await?, "enabled with preferences consent");
        b.wait_gone("#signin-remember-reason").await?;
        b.type_into("#signin-login", "ines").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-remember").await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#account-name", "ines").await?;
        let expiry = b.cookie("curtain_session").await?.unwrap().expiry.expect("persistent");
        let days = (expiry - curtain_server::clock::now()) as f64 / 86_400.0;
        ensure!((29.9..=30.1).contains(&days), "{days}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: theme-cookie-needs-consent
#[tokio::test]
async fn the_theme_cookie_lives_only_with_preferences_consent() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_theme_cookie_lives_only_with_preferences_consent", async {
        b.goto("/").await?;
        // Before an answer, a theme applies to this visit and is not stored.
        SelectElement::new(&b.find("#theme-select").await?).await?.select_by_value("dark").await?;
        let theme = b.driver.execute("return document.documentElement.dataset.theme", vec![]).await?;
        ensure!(theme.json().as_str() == Some("dark"));
        ensure!(b.cookie("curtain_theme").await?.is_none());

        b.click("#consent-accept-all").await?;
        SelectElement::new(&b.find("#theme-select").await?).await?.select_by_value("light").await?;
        let cookie = b.cookie("curtain_theme").await?.expect("the theme is remembered");
        ensure!(cookie.value == "light");
        let days = (cookie.expiry.unwrap_or(0) - curtain_server::clock::now()) as f64 / 86_400.0;
        ensure!((181.9..=182.1).contains(&days), "the theme lasts 182 days, not {days}");
        b.reload().await?;
        b.wait_for_text("#theme-hint", "Remembered").await?;
        let theme = b.driver.execute("return document.documentElement.dataset.theme", vec![]).await?;
        ensure!(theme.json().as_str() == Some("light"), "remembered across a reload");

        // Withdrawing removes it at once.
        b.click("#cookie-settings").await?;
        b.click("#consent-dialog-reject-all").await?;
        ensure!(b.cookie("curtain_theme").await?.is_none(), "the theme cookie is removed");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: change-cookie-answer, consent-receipts
#[tokio::test]
async fn the_settings_page_shows_choices_and_receipts() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("jonas", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_settings_page_shows_choices_and_receipts", async {
        b.goto("/signin").await?;
        b.click("#consent-accept-all").await?;
        wait_for_receipts(&app, 1).await?;
        b.type_into("#signin-login", "jonas").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#account-name", "jonas").await?;

        b.goto("/settings/cookies").await?;
        b.wait_for_text("h1", "Cookies").await?;
        // The answer given before signing in is the member's.
        b.wait_for_text("#consent-receipts tbody", "Accept all").await?;
        ensure!(b.find("#settings-consent-analytics").await?.is_selected().await?);
        b.click("#settings-consent-analytics").await?;
        b.click("#settings-consent-save").await?;
        b.wait_for_text("#settings-consent-status", "Saved").await?;
        ensure!(granted(&b).await? == "np");
        b.wait_for_text("#consent-receipts tbody", "Chosen one by one").await?;
        let rows = b.driver.find_all(By::Css("#consent-receipts tbody tr")).await?;
        ensure!(rows.len() == 2, "{} receipts shown", rows.len());
        b.wait_for_text("#consent-receipts tbody tr:first-child", "Necessary, preferences").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn blocked_cookies_show_a_notice_and_public_pages_still_work() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("blocked_cookies_show_a_notice", async {
        // The page cannot read or write cookies, as with cookies blocked in
        // the browser's settings.
        let devtools = ChromeDevTools::new(b.driver.handle.clone());
        devtools
            .execute_cdp_with_params("Emulation.setDocumentCookieDisabled", serde_json::json!({ "disabled": true }))
            .await?;
        b.goto("/").await?;
        b.wait_for_text("#cookies-blocked", "blocking cookies").await?;
        b.find(".hero__title").await?;
        settled(&b).await?;
        ensure!(b.driver.find_all(By::Css("#consent-banner")).await?.is_empty(), "no banner that could never be answered");

        // "Cookie settings" still opens, says why nothing can be chosen, and
        // an answer there does not vanish without a word.
        b.click("#cookie-settings").await?;
        b.wait_for_text("#consent-dialog #consent-blocked", "blocking cookies").await?;
        b.click("#consent-dialog-accept-all").await?;
        b.find("#consent-dialog[open]").await.context("the dialog stays open")?;
        b.wait_for_text("#consent-blocked", "nothing optional is stored").await?;
        ensure!(b.cookie("curtain_consent").await?.is_none());
        b.click("#consent-dialog-close").await?;
        b.wait_gone("#consent-dialog[open]").await?;

        b.click("header a[href='/signin']").await?;
        b.wait_for_text("#signin-cookies-blocked", "Signing in needs cookies").await?;

        b.goto("/privacy").await?;
        settled(&b).await?;
        let heading = b.find("h1").await?.text().await?;
        ensure!(!heading.trim().is_empty(), "the public page renders");
        b.find("#cookies-blocked").await?;
        ensure!(b.driver.find_all(By::Css("#consent-banner")).await?.is_empty());
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
