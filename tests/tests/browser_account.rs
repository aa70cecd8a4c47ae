//! Account settings in the real SPA, in headless Chromium, against the real
//! server: e-mail preferences, the unsubscribe link, sessions, the export
//! download and deleting the account.

use curtain_server::db::Flag;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use serde_json::{json, Value};
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

async fn is_checked(b: &Browser, css: &str) -> Result<bool> {
    Ok(b.find(css).await?.prop("checked").await?.as_deref() == Some("true"))
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1").bind(name).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn email_preferences_are_saved_and_survive_a_reload() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("uma", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("email_preferences_are_saved_and_survive_a_reload", async {
        b.sign_in("uma", PW).await?;
        b.goto("/settings/email").await?;
        b.find("#email-newsletter").await?;
        for id in ["#email-newsletter", "#email-product-updates", "#email-partner-offers"] {
            ensure!(!is_checked(&b, id).await?, "{id} starts off");
        }
        b.click("#email-newsletter").await?;
        b.click("#email-partner-offers").await?;
        b.click("#email-save").await?;
        b.wait_for_text("#email-status", "Saved. You get the newsletter and partner offers.").await?;

        b.reload().await?;
        b.find("#email-newsletter").await?;
        ensure!(is_checked(&b, "#email-newsletter").await?, "newsletter stays on after a reload");
        ensure!(!is_checked(&b, "#email-product-updates").await?);
        ensure!(is_checked(&b, "#email-partner-offers").await?);
        let (Flag(newsletter), Flag(product_updates), Flag(partner_offers)): (Flag, Flag, Flag) = sqlx::query_as(
            "SELECT newsletter, product_updates, partner_offers FROM email_preferences WHERE user_id = $1",
        )
        .bind(user_id(&app, "uma").await)
        .fetch_one(&app.db)
        .await?;
        let stored = (newsletter, product_updates, partner_offers);
        ensure!(stored == (true, false, true), "{stored:?}");
        // Every settings section, in the order the issue gives.
        let nav = b.find(".settings__nav").await?.text().await?;
        let at = |s: &str| nav.find(s).with_context(|| format!("{s} missing from {nav:?}"));
        let order = [at("Profile")?, at("Privacy")?, at("Account")?, at("E-mail")?, at("Cookies")?, at("Your data")?];
        ensure!(order.windows(2).all(|w| w[0] < w[1]), "sections out of order: {nav:?}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: one-click-unsubscribe
#[tokio::test]
async fn an_unsubscribe_link_from_the_outbox_works_signed_out() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    c.sign_up("vera", PW).await;
    let mut req = c.http.patch(app.url("/api/me/email-preferences")).json(&json!({"newsletter": true, "product_updates": true}));
    req = req.header(curtain_api::CSRF_HEADER, c.cookie(curtain_api::CSRF_COOKIE).unwrap());
    assert!(req.send().await.unwrap().status().is_success());
    assert_eq!(app.confirm_email("vera@example.org").await.status, reqwest::StatusCode::OK);
    assert_eq!(curtain_server::outbox::send_newsletter(&app.command_db, "Curtain weekly", "Hello.", &app.base).await.unwrap(), 1);
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'newsletter'").fetch_one(&app.db).await.unwrap();
    let link = body.lines().find_map(|l| l.split_whitespace().find(|w| w.contains("/unsubscribe/"))).expect("a link").to_string();
    assert!(link.starts_with(&app.base), "{link}");

    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("an_unsubscribe_link_from_the_outbox_works_signed_out", async {
        b.driver.goto(&link).await?;
        b.dismiss_consent().await?;
        b.find("#signin-link").await?; // nobody is signed in here
        let address = b.wait_for_text("#unsubscribe-address", "@").await?;
        ensure!(address.starts_with('v') && address.ends_with(".org") && !address.contains("vera"), "{address}");
        b.wait_for_text("#unsubscribe-lists", "The newsletter").await?;
        b.wait_for_text("#unsubscribe-lists", "Product updates").await?;
        b.click("#unsubscribe-confirm").await?;
        b.wait_for_text("#unsubscribe-done", "Done.").await?;
        let (Flag(newsletter), Flag(product_updates), Flag(partner_offers)): (Flag, Flag, Flag) =
            sqlx::query_as("SELECT newsletter, product_updates, partner_offers FROM email_preferences").fetch_one(&app.db).await?;
        let on = (newsletter, product_updates, partner_offers);
        ensure!(on == (false, false, false), "every list is off: {on:?}");
        // Following the link again says there is nothing left to turn off.
        b.reload().await?;
        b.wait_for_text("#unsubscribe-nothing", "nothing to turn off").await?;
        b.goto("/unsubscribe/not-a-real-token").await?;
        b.wait_for_text("#unsubscribe-unknown", "not valid").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: end-sessions
#[tokio::test]
async fn revoking_a_session_signs_the_other_browser_out() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("walt", PW).await;
    let laptop = Browser::start(&app.base).await.expect("headless Chromium starts");
    let phone = Browser::start(&app.base).await.expect("a second headless Chromium starts");
    let outcome = laptop
        .attempt("revoking_a_session_signs_the_other_browser_out", async {
            laptop.sign_in("walt", PW).await?;
            phone.sign_in("walt", PW).await?;
            // The API client's sign-up session is a third one.
            laptop.goto("/settings/account").await?;
            laptop.find("#sessions-list li.session").await?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while laptop.driver.find_all(By::Css("#sessions-list li.session")).await?.len() != 3 {
                ensure!(Instant::now() < deadline, "three sessions listed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let current = laptop.find("#sessions-list li.session--current").await?.text().await?;
            ensure!(current.contains("This device") && current.contains("Headless Chrome"), "{current}");
            ensure!(current.contains("127.0.0.1"), "{current}");

            // The phone's session is the newest one that is not this device.
            let phone_id: i64 = sqlx::query_scalar("SELECT id FROM sessions ORDER BY id DESC LIMIT 1").fetch_one(&app.db).await?;
            laptop.click(&format!("#sessions-list li[data-session-id='{phone_id}'] button.revoke")).await?;
            laptop.wait_for_text("#sessions-status", "Signed out:").await?;
            laptop.wait_gone(&format!("#sessions-list li[data-session-id='{phone_id}']")).await?;

            phone.reload().await?;
            phone.find("#signin-link").await.context("the phone is signed out")?;
            ensure!(phone.driver.find_all(By::Css("#account-name")).await?.is_empty());
            phone.goto("/settings/account").await?;
            phone.wait_for_text("#main", "Sign in to see and change your settings.").await?;

            // "Sign out everywhere else" ends the API client's one too.
            laptop.click("#revoke-others").await?;
            laptop.wait_for_text("#sessions-status", "Signed out on 1 other device.").await?;
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.db).await?;
            ensure!(left == 1, "only the laptop is signed in: {left}");
            laptop.reload().await?;
            laptop.wait_for_text("#account-name", "walt").await?;
            Ok(())
        })
        .await;
    let closed = phone.attempt("revoking_a_session_signs_the_other_browser_out-phone", async { Ok(()) }).await;
    phone.finish(closed).await;
    laptop.finish(outcome).await;
}

// promise: export-everything
#[tokio::test]
async fn the_export_downloads_as_one_json_file() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("xena", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let downloads = tempfile::tempdir().unwrap();
    let outcome = b.attempt("the_export_downloads_as_one_json_file", async {
        b.download_to(downloads.path()).await?;
        b.sign_in("xena", PW).await?;
        b.goto("/settings/data").await?;
        b.wait_for_text("#data-account", "xena@example.org").await?;
        b.wait_for_text("#data-signin-log", "127.0.0.1").await?;
        b.wait_for_text("#data-email-preferences", "Newsletter").await?;
        b.click("#export-download").await?;
        let text = Browser::downloaded(downloads.path(), "curtain-export-xena.json").await?;
        let export: Value = serde_json::from_str(&text)?;
        ensure!(export["format"] == "curtain-export", "{export}");
        ensure!(export["account"]["username"] == "xena");
        ensure!(export["account"]["email"] == "xena@example.org");
        ensure!(export["signin_log"].as_array().map(Vec::len) == Some(2), "sign-up and sign-in: {}", export["signin_log"]);
        ensure!(export["sessions"].as_array().is_some_and(|s| s.iter().any(|s| s["current"] == true)));
        ensure!(export["tables"].is_object());
        ensure!(b.path().await? == "/settings/data", "the download does not navigate away");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: delete-account
#[tokio::test]
async fn deleting_the_account_signs_out_and_the_account_is_gone() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("yuri", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("deleting_the_account_signs_out_and_the_account_is_gone", async {
        b.sign_in("yuri", PW).await?;
        b.goto("/settings/data").await?;
        b.wait_for_text("#delete-account", "cannot be undone").await?;
        b.find("#delete-account a[download]").await.context("the export is offered first")?;

        b.type_into("#delete-username", "someone_else").await?;
        b.type_into("#delete-password", PW).await?;
        b.click("#delete-confirm").await?;
        b.wait_for_text("#delete-username-error", "Type your username, yuri").await?;
        ensure!(b.value("#delete-password").await? == PW, "input is kept");

        b.type_into("#delete-username", "yuri").await?;
        b.type_into("#delete-password", "not my password").await?;
        b.click("#delete-confirm").await?;
        b.wait_for_text("#delete-password-error", "not your current password").await?;
        ensure!(b.value("#delete-username").await? == "yuri", "input is kept");

        b.type_into("#delete-password", PW).await?;
        b.click("#delete-confirm").await?;
        b.wait_for_text("h1", "Your account has been deleted").await?;
        ensure!(b.path().await? == "/account-deleted", "{}", b.path().await?);
        b.find("#signin-link").await.context("signed out")?;
        ensure!(b.cookie("curtain_session").await?.is_none(), "the session cookie is gone");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username_key = 'yuri'").fetch_one(&app.db).await?;
        ensure!(left == 0);

        b.goto("/signin").await?;
        b.type_into("#signin-login", "yuri").await?;
        b.type_into("#signin-password", PW).await?;
        b.click("#signin-submit").await?;
        b.wait_for_text("#signin-form .form-error", "don't match").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

// promise: parents-reports
#[tokio::test]
async fn a_parent_reports_a_child_account_from_the_footer() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_parent_reports_a_child_account_from_the_footer", async {
        b.goto("/").await?;
        b.dismiss_consent().await?;
        b.click("#report-child-link").await?;
        b.wait_for_text("h1", "Report a child's account").await?;
        b.click("#report-submit").await?;
        b.wait_for_text("#report-username-error", "Enter the username").await?;
        b.find("#report-message-error").await?;
        b.type_into("#report-username", "little_one").await?;
        b.type_into("#report-email", "parent@example.org").await?;
        b.type_into("#report-message", "My son is 10 and opened this account.").await?;
        b.click("#report-submit").await?;
        b.wait_for_text("#report-received", "we have your report").await?;
        let (username, message): (String, String) =
            sqlx::query_as("SELECT username, message FROM child_reports").fetch_one(&app.db).await?;
        ensure!(username == "little_one" && message.contains("is 10"), "{username} {message}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
