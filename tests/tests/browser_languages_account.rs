//! A member's language, in headless Chromium against the real server: chosen
//! in the account settings with the keyboard alone, it moves the page to that
//! language and keeps later unprefixed visits there; and what the server
//! says back (a sign-up refused because the username is taken) speaks the
//! page's language.

use anyhow::{ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

async fn press(b: &Browser, key: impl Into<thirtyfour::TypingData>) -> Result<()> {
    b.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

async fn active_id(b: &Browser) -> Result<String> {
    let v = b.driver.execute("return document.activeElement && document.activeElement.id", vec![]).await?;
    Ok(v.json().as_str().unwrap_or("").to_string())
}

async fn stored_language(app: &TestApp, username: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT language FROM users WHERE username = $1").bind(username).fetch_one(&app.db).await?)
}

#[tokio::test]
async fn a_member_chooses_german_with_the_keyboard_and_stays_in_german() {
    let app = TestApp::spawn_with_spa().await;
    app.member("klara", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_member_chooses_german_with_the_keyboard", async {
            b.sign_in("klara", PW).await?;
            b.goto("/settings/account").await?;
            b.wait_for_text("#account-language-heading", "Language").await?;
            let none = b.find("#account-language-none").await?;
            ensure!(none.is_selected().await?, "nothing stored: the form says the address and the browser decide");
            for (id, name) in [("en", "English"), ("de", "Deutsch"), ("pt-BR", "Português (Brasil)")] {
                let label = b.find(&format!("label[for='account-language-{id}']")).await?;
                ensure!(label.text().await? == name, "each language by its own name");
                ensure!(label.attr("lang").await?.as_deref() == Some(id), "and marked as that language");
            }
            b.axe_clean().await?;

            // The keyboard alone: into the group, down to Deutsch, on to Save, Enter.
            b.driver.execute("document.getElementById('account-language-save').focus()", vec![]).await?;
            b.driver.action_chain().key_down(Key::Shift).send_keys(Key::Tab).key_up(Key::Shift).perform().await?;
            let at = active_id(&b).await?;
            ensure!(at == "account-language-none", "Shift+Tab from Save reaches the checked choice, not {at:?}");
            press(&b, Key::Down).await?;
            press(&b, Key::Down).await?;
            ensure!(b.find("#account-language-de").await?.is_selected().await?, "two steps down is Deutsch");
            b.wait_for_text("#account-language-unsaved", "You have unsaved changes.").await?;
            press(&b, Key::Tab).await?;
            ensure!(active_id(&b).await? == "account-language-save", "Tab reaches Save");
            press(&b, Key::Enter).await?;

            b.arrive("/de/settings/account").await?;
            ensure!(b.html_lang().await? == "de", "the same page, in German");
            b.wait_for_text("#account-language-heading", "Sprache").await?;
            ensure!(b.find("#account-language-de").await?.is_selected().await?, "Deutsch is what is saved");
            ensure!(stored_language(&app, "klara").await?.as_deref() == Some("de"));
            b.axe_clean().await?;

            // Later, an address without a language goes to German, whatever the browser asks for.
            b.goto("/privacy").await?;
            b.arrive("/de/privacy").await?;
            ensure!(b.html_lang().await? == "de");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_german_sign_up_refused_by_the_server_says_why_in_german() {
    let app = TestApp::spawn_with_spa().await;
    app.member("vergeben", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a_german_sign_up_refused_by_the_server", async {
            b.goto("/de/signup").await?;
            b.dismiss_consent().await?;
            b.type_into("#signup-username", "vergeben").await?;
            b.type_into("#signup-email", "jemand@example.org").await?;
            b.type_into("#signup-password", PW).await?;
            b.type_into("#signup-birth-day", "7").await?;
            b.type_into("#signup-birth-month", "3").await?;
            b.type_into("#signup-birth-year", "1994").await?;
            b.click("#signup-accept-policy").await?;
            b.click("#signup-submit").await?;
            // Only the server knows the name is taken; it says so in the page's language.
            let said = b.wait_for_text("#signup-username-error", "Dieser Benutzername ist vergeben.").await?;
            ensure!(!said.contains("That username"), "no English: {said}");
            let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&app.db).await?;
            ensure!(accounts == 1, "nothing created");
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
