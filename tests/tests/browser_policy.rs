//! The privacy policy in the real SPA, in headless Chromium, against the real server.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

/// Where the top of `#id` is relative to the top of the viewport, in pixels.
async fn top_of(b: &Browser, id: &str) -> Result<f64> {
    let value = b
        .driver
        .execute("const e = document.getElementById(arguments[0]); return e ? e.getBoundingClientRect().top : null;", vec![serde_json::json!(id)])
        .await?;
    value.json().as_f64().ok_or_else(|| anyhow::anyhow!("no element #{id}"))
}

/// Waits until `#id` sits at the top of the viewport, as after following a link to it.
async fn wait_scrolled_to(b: &Browser, id: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let top = top_of(b, id).await.unwrap_or(f64::MAX);
        let scrolled: f64 = b.driver.execute("return window.scrollY", vec![]).await?.json().as_f64().unwrap_or(0.0);
        if (-5.0..=120.0).contains(&top) && scrolled > 100.0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("#{id} is {top}px from the top of the viewport (page scrolled {scrolled}px)");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page has read the member's policy status (the banner
/// would be shown as it is read), then checks there is no banner.
async fn ensure_no_banner(b: &Browser) -> Result<()> {
    let status = b.wait_for_answers("GET", "/api/me/policy-status", 1).await?;
    ensure!(status == 200, "the policy status answered {status}");
    ensure!(b.driver.find_all(By::Css("#policy-banner")).await?.is_empty(), "no policy banner expected");
    Ok(())
}

#[tokio::test]
async fn the_contents_link_scrolls_to_its_section() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_contents_link_scrolls_to_its_section", async {
        b.goto("/privacy").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#policy-version", "Version 5, effective 30 November 2026").await?;
        ensure!(b.driver.find_all(By::Css("#policy-not-current")).await?.is_empty(), "the current version has no old-version notice");
        let toc_links = b.driver.find_all(By::Css("nav#policy-toc a")).await?;
        ensure!(toc_links.len() >= 10, "one contents link per section, found {}", toc_links.len());
        b.click("nav#policy-toc a[href=\"#children\"]").await?;
        wait_scrolled_to(&b, "children").await?;
        let url = b.driver.current_url().await?;
        ensure!(url.fragment() == Some("children"), "the address names the section: {url}");
        b.wait_for_focus("children-heading").await?;
        b.find("section#contact").await?;
        b.wait_for_text("section#contact", "privacy@curtain.example").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_deep_link_to_an_old_version_lands_on_the_section() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_deep_link_to_an_old_version_lands_on_the_section", async {
        b.goto("/privacy/v/1#children").await?;
        b.wait_for_text("#policy-not-current", "no longer applies").await?;
        b.wait_for_text("#policy-version", "Version 1").await?;
        wait_scrolled_to(&b, "children").await?;
        // An unknown version says so plainly.
        b.goto("/privacy/v/42").await?;
        b.wait_for_text("#policy-error", "no version 42").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn compare_marks_inserted_and_deleted_words() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("compare_marks_inserted_and_deleted_words", async {
        // Pick the pair on the versions page.
        b.goto("/privacy/versions").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#policy-versions", "Material").await?;
        let rows = b.driver.find_all(By::Css("#policy-versions tbody tr")).await?;
        ensure!(rows.len() == 5, "five versions listed, found {}", rows.len());
        b.find("#compare-from option[value=\"2\"]").await?.click().await?;
        b.find("#compare-to option[value=\"3\"]").await?.click().await?;
        b.click("#compare-submit").await?;
        b.wait_for_text("#policy-diff", "From version 2").await?;
        let url = b.driver.current_url().await?;
        ensure!(url.path() == "/privacy/compare" && url.query() == Some("from=2&to=3"), "{url}");

        b.wait_for_text("#diff-cookies ins", "three").await?;
        b.wait_for_text("#diff-cookies del", "two").await?;
        let ins = b.find("#diff-cookies ins").await?;
        let cue = ins.find(By::Css(".visually-hidden")).await?.prop("textContent").await?.unwrap_or_default();
        ensure!(cue.contains("inserted"), "a text cue, not colour alone: {cue:?}");
        // Unchanged sections are folded; the changed ones are listed to jump to.
        let children = b.find("details#diff-children").await?;
        ensure!(children.attr("open").await?.is_none(), "an unchanged section starts folded");
        b.wait_for_text("#diff-changed-sections", "How long we keep information").await?;

        // Side by side: the older side keeps the deletion, the newer the insertion.
        b.click("#diff-view-side").await?;
        b.find("#diff-cookies .diff__sides").await?;
        ensure!(b.find("#diff-view-side").await?.attr("aria-pressed").await?.as_deref() == Some("true"));
        let sides = b.driver.find_all(By::Css("#diff-cookies .diff__side")).await?;
        ensure!(sides.len() == 2);
        ensure!(sides[0].find_all(By::Css("ins")).await?.is_empty() && !sides[0].find_all(By::Css("del")).await?.is_empty());
        ensure!(sides[1].find_all(By::Css("del")).await?.is_empty() && !sides[1].find_all(By::Css("ins")).await?.is_empty());
        // The layout is in the address: a reload or a shared link keeps it.
        let url = b.driver.current_url().await?;
        ensure!(url.query() == Some("from=2&to=3&view=side"), "{url}");
        b.reload().await?;
        b.consent_settled().await?;
        b.find("#diff-cookies .diff__sides").await?;
        b.click("#diff-view-inline").await?;
        b.wait_gone("#diff-cookies .diff__sides").await?;

        // Either order shows the same change; a version that does not exist is explained.
        b.goto("/privacy/compare?from=3&to=2").await?;
        b.wait_for_text("#diff-cookies ins", "three").await?;
        b.goto("/privacy/compare?from=1&to=42").await?;
        b.wait_for_text("#compare-error", "no version 42").await?;
        b.goto("/privacy/compare?from=one&to=2").await?;
        b.wait_for_text("#compare-error", "version number").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: material-changes-acknowledged
#[tokio::test]
async fn a_member_on_version_one_acknowledges_the_change_once() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("ines", PW).await;
    // As if ines had joined under version 1.
    sqlx::query("UPDATE policy_acceptances SET version = 1").execute(&app.db).await.unwrap();
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_member_on_version_one_acknowledges_the_change_once", async {
        b.sign_in("ines", PW).await?;
        b.wait_for_text("#policy-banner", "Our privacy policy changed on 30 November 2026").await?;

        b.click("#policy-banner-link").await?;
        b.wait_for_text("#policy-diff", "From version 1").await?;
        let url = b.driver.current_url().await?;
        ensure!(url.path() == "/privacy/compare" && url.query() == Some("from=1&to=5"), "{url}");
        // Still there on the next page, until acknowledged.
        b.find("#policy-banner").await?;
        b.click("#policy-acknowledge").await?;
        b.wait_gone("#policy-banner").await?;
        let recorded: Vec<(i64, String)> = sqlx::query_as("SELECT version, context FROM policy_acceptances ORDER BY id")
            .fetch_all(&app.db)
            .await?;
        ensure!(recorded.last() == Some(&(5, "acknowledged".to_string())), "{recorded:?}");

        b.reload().await?;
        b.wait_for_text("#account-name", "ines").await?;
        ensure_no_banner(&b).await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_new_member_never_sees_the_banner() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_new_member_never_sees_the_banner", async {
        b.goto("/signup").await?;
        b.dismiss_consent().await?;
        b.type_into("#signup-username", "jon").await?;
        b.type_into("#signup-email", "jon@example.org").await?;
        b.type_into("#signup-password", PW).await?;
        b.type_into("#signup-birth-day", "7").await?;
        b.type_into("#signup-birth-month", "3").await?;
        b.type_into("#signup-birth-year", "1994").await?;
        // The form names the version the person agrees to.
        b.wait_for_text("label[for=\"signup-accept-policy\"]", "(version 5)").await?;
        b.click("#signup-accept-policy").await?;
        b.click("#signup-submit").await?;
        b.wait_for_text("#account-name", "jon").await?;
        let recorded: Vec<(i64, String)> =
            sqlx::query_as("SELECT version, context FROM policy_acceptances").fetch_all(&app.db).await?;
        ensure!(recorded == [(5, "signup".to_string())], "sign-up records the version: {recorded:?}");
        ensure_no_banner(&b).await?;
        b.goto("/privacy").await?;
        b.wait_for_text("#policy-version", "Version 5").await?;
        ensure_no_banner(&b).await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_policy_change_during_sign_up_asks_to_read_it_and_keeps_the_input() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_policy_change_during_sign_up_asks_to_read_it_and_keeps_the_input", async {
        b.goto("/signup").await?;
        b.dismiss_consent().await?;
        b.type_into("#signup-username", "kai").await?;
        b.type_into("#signup-email", "kai@example.org").await?;
        b.type_into("#signup-password", PW).await?;
        b.type_into("#signup-birth-day", "1").await?;
        b.type_into("#signup-birth-month", "2").await?;
        b.type_into("#signup-birth-year", "1990").await?;
        b.wait_for_text("label[for=\"signup-accept-policy\"]", "(version 5)").await?;
        b.click("#signup-accept-policy").await?;

        // Version 6 takes effect while the form is open (an urgent change,
        // since a material one is otherwise announced a month ahead).
        let today = curtain_api::CivilDate::from_unix_days(curtain_server::clock::now().div_euclid(86_400));
        let v6 = format!(
            "---\nversion: 6\neffective: {today}\nmaterial: yes\nsummary: New.\n---\n\n## Children {{#children}}\n\nStill not for children.\n"
        );
        curtain_server::policy::store::publish_as(
            &app.command_db,
            &v6,
            Some("A court order requires this change at once."),
            &app.public_url(),
            curtain_server::clock::now(),
        )
        .await?;

        b.click("#signup-submit").await?;
        b.wait_for_text("#signup-accept-policy-error", "version 6 is now in effect").await?;
        ensure!(b.find("#signup-accept-policy").await?.prop("checked").await?.as_deref() == Some("false"), "unticked until read");
        ensure!(b.value("#signup-username").await? == "kai" && b.value("#signup-password").await? == PW, "input kept");
        b.wait_for_text("label[for=\"signup-accept-policy\"]", "(version 6)").await?;
        b.click("#signup-accept-policy").await?;
        b.click("#signup-submit").await?;
        b.wait_for_text("#account-name", "kai").await?;
        let recorded: Vec<i64> = sqlx::query_scalar("SELECT version FROM policy_acceptances").fetch_all(&app.db).await?;
        ensure!(recorded == [6], "{recorded:?}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
