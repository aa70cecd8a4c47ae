//! The member's own pages and the privacy pages in German and Brazilian
//! Portuguese, in headless Chromium against the real server: a German member
//! reads and saves the profile settings and reads "Your data" (cards, values,
//! dates, the deletion form's checks); a Portuguese visitor sends a privacy
//! request (with the checks the page makes before sending) and reads the
//! promises; a parent reports a child's account in German. Every page says
//! its title in its language, leaves no English behind and is axe clean.
//!
//! The words are read from the locale files themselves, so a test fails when
//! a page shows anything but its language's words.

use std::sync::OnceLock;

use anyhow::{ensure, Context, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use serde_json::Value;

const PW: &str = "correct horse battery";

fn locale(lang: &str) -> &'static Value {
    static DE: OnceLock<Value> = OnceLock::new();
    static PT: OnceLock<Value> = OnceLock::new();
    static EN: OnceLock<Value> = OnceLock::new();
    let (cell, json) = match lang {
        "de" => (&DE, include_str!("../../ui/locales/de.json")),
        "pt-BR" => (&PT, include_str!("../../ui/locales/pt-BR.json")),
        _ => (&EN, include_str!("../../ui/locales/en.json")),
    };
    cell.get_or_init(|| serde_json::from_str(json).expect("a locale file is JSON"))
}

/// A sentence of a locale file by its dotted key, `{name}` placeholders filled.
fn words(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let value = key.split('.').fold(locale(lang), |v, part| &v[part]);
    let mut text = value.as_str().unwrap_or_else(|| panic!("{lang} has {key}")).to_string();
    for (name, arg) in args {
        text = text.replace(&format!("{{{name}}}"), arg);
    }
    assert!(!text.contains('{'), "every placeholder of {key} is filled: {text}");
    text
}

fn de(key: &str) -> String {
    let german = words("de", key, &[]);
    assert_ne!(german, words("en", key, &[]), "{key} is German, not English");
    german
}

fn pt(key: &str) -> String {
    let portuguese = words("pt-BR", key, &[]);
    assert_ne!(portuguese, words("en", key, &[]), "{key} is Portuguese, not English");
    portuguese
}

async fn text(b: &Browser, css: &str) -> Result<String> {
    Ok(b.find(css).await?.text().await?)
}

async fn title(b: &Browser) -> Result<String> {
    let v = b.driver.execute("return document.title", vec![]).await?;
    Ok(v.json().as_str().unwrap_or("").to_string())
}

/// Waits until `document.title` is `expected` (pages set it as they mount).
async fn wait_for_title(b: &Browser, expected: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = title(b).await?;
        if now == expected {
            return Ok(());
        }
        ensure!(std::time::Instant::now() < deadline, "the title is {now:?}, expected {expected:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn main_text(b: &Browser) -> Result<String> {
    text(b, "#main").await
}

/// None of these English phrases (the page's own words in English) is on the page.
async fn no_english(b: &Browser, english: &[&str]) -> Result<()> {
    let shown = main_text(b).await?;
    for phrase in english {
        ensure!(!shown.contains(phrase), "English {phrase:?} left on the page: {shown}");
    }
    Ok(())
}

/// Signs in through the German form.
async fn sign_in_german(b: &Browser, login: &str) -> Result<()> {
    b.goto("/de/signin").await?;
    b.dismiss_consent().await?;
    b.type_into("#signin-login", login).await?;
    b.type_into("#signin-password", PW).await?;
    b.click("#signin-submit").await?;
    b.wait_for_text("#account-name", login).await?;
    Ok(())
}

#[tokio::test]
async fn a_german_member_edits_the_profile_and_reads_their_data_in_german() {
    let app = TestApp::spawn_with_spa().await;
    app.member("greta", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("german_profile_and_data", async {
            sign_in_german(&b, "greta").await?;

            // Profile settings.
            b.goto("/de/settings/profile").await?;
            b.find("#settings-profile-form").await?;
            wait_for_title(&b, &format!("{} · Curtain", de("settings_profile.title"))).await?;
            ensure!(text(&b, "#main h1").await? == de("settings.profile"));
            ensure!(text(&b, "label[for='profile-display-name']").await? == de("settings_profile.display_name"));
            ensure!(text(&b, "#profile-display-name-hint").await? == de("settings_profile.display_name_hint"));
            let who_sees = words("de", "settings_profile.who_sees", &[("field", &de("settings_profile.location"))]);
            ensure!(text(&b, "label[for='audience-location']").await? == who_sees);
            let options = text(&b, "#audience-location").await?;
            for audience in ["audience_everyone", "audience_members", "audience_followers", "audience_only_me"] {
                let name = de(&format!("settings_profile.{audience}"));
                ensure!(options.contains(&name), "the audience {name:?} is offered: {options}");
            }
            ensure!(text(&b, "#settings-profile-save").await? == de("settings_profile.save"));
            b.wait_for_text("#preview-heading", &de("settings_profile.preview_heading")).await?;
            b.wait_for_text("#settings-preview-banner", &de("settings_profile.as_last_saved").trim().to_string()).await?;
            no_english(&b, &["Display name", "Who sees", "Save profile", "Favourite genres", "How others see"]).await?;
            b.axe_clean().await?;

            // A check the page makes before sending, in German.
            let genres: Vec<String> = (1..=11).map(|i| format!("Genre {i}")).collect();
            b.type_into("#profile-genres-input", &genres.join(", ")).await?;
            b.click("#settings-profile-save").await?;
            b.wait_for_text("#settings-profile-status", &de("settings_profile.check_fields")).await?;
            let too_many = words("de", "more_rules.genres_max", &[("max", "10")]);
            b.wait_for_text("#profile-genres-input-error", &too_many).await?;
            b.axe_clean().await?;

            // Saving, and the German confirmation.
            b.type_into("#profile-genres-input", "Film noir, Musicals").await?;
            b.type_into("#profile-location-input", "Hamburg").await?;
            b.wait_for_text("#settings-profile-unsaved", &de("forms.unsaved")).await?;
            b.click("#settings-profile-save").await?;
            b.wait_for_text("#settings-profile-status", &de("settings_profile.saved")).await?;
            b.axe_clean().await?;

            // "Your data".
            b.goto("/de/settings/data").await?;
            wait_for_title(&b, &format!("{} · Curtain", de("settings.data"))).await?;
            ensure!(text(&b, "#main h1").await? == de("settings.data"));
            b.wait_for_text("#data-you-give h2", &de("your_data.group_you_give")).await?;
            b.wait_for_text("#data-servers-record h2", &de("your_data.group_servers_record")).await?;
            b.wait_for_text("#data-your-choices h2", &de("your_data.group_your_choices")).await?;
            ensure!(text(&b, "#data-account-heading").await? == de("your_data.account_title"));
            ensure!(text(&b, "#data-account .data-kind__about").await? == de("your_data.account_about"));
            let account = b.wait_for_text("#data-account", "greta@example.org").await?;
            for expected in [de("your_data.birth_date"), "1. Mai 1990".to_string(), de("your_data.not_confirmed"), de("your_data.minor")] {
                ensure!(account.contains(&expected), "the account card says {expected:?}: {account}");
            }
            let profile = b.wait_for_text("#data-profiles", "Hamburg").await?;
            ensure!(profile.contains(&de("settings_profile.location")), "{profile}");
            ensure!(profile.contains("Film noir, Musicals"), "{profile}");
            let sessions = b.wait_for_text("#data-sessions", &de("settings_account.this_device")).await?;
            ensure!(sessions.contains("Uhr"), "a moment in German: {sessions}");
            ensure!(sessions.contains(&de("your_data.stays_signed_in")), "{sessions}");
            let privacy = text(&b, "#data-privacy-settings").await?;
            ensure!(privacy.contains(&de("your_data.private_account")) && privacy.contains(&de("your_data.off")), "{privacy}");
            ensure!(
                text(&b, "#data-account .data-kind__control a").await? == de("your_data.account_control"),
                "the link to the control is German"
            );
            b.wait_for_text("#retention-heading", &de("your_data.retention_heading")).await?;
            b.wait_for_text("#data-account .data-kind__kept", "Aufbewahrungsdauer").await?;
            ensure!(text(&b, "#export-download").await? == de("your_data.download_all"));
            ensure!(text(&b, "#delete-heading").await? == de("your_data.delete_heading"));
            // (The retention list's names and periods are the server's words.)
            no_english(&b, &["Information you give us", "Date of birth", "This device", "Delete your account", "Download all of it", "Kept "]).await?;
            b.axe_clean().await?;

            // The deletion form's own checks, in German; nothing is deleted.
            b.type_into("#delete-username", "jemand").await?;
            b.click("#delete-confirm").await?;
            let confirm = words("de", "more_rules.confirm_username", &[("username", "greta")]);
            b.wait_for_text("#delete-username-error", &confirm).await?;
            b.wait_for_text("#delete-password-error", &de("signin.password_missing")).await?;
            b.wait_for_text("#delete-error", &de("forms.check_fields")).await?;
            b.axe_clean().await?;
            let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&app.db).await?;
            ensure!(members == 1, "the account is still there");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_portuguese_visitor_sends_a_privacy_request_and_reads_the_promises() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("portuguese_request_and_promises", async {
            b.goto("/pt-BR/privacy/request").await?;
            b.dismiss_consent().await?;
            b.find("#request-form").await?;
            wait_for_title(&b, &format!("{} · Curtain", pt("privacy_request.heading"))).await?;
            ensure!(text(&b, "#main h1").await? == pt("privacy_request.heading"));
            ensure!(text(&b, "#request-kind legend").await? == pt("privacy_request.what"));
            ensure!(text(&b, "label[for='request-kind-access']").await? == pt("privacy_request.kind_access"));
            let hint = text(&b, "#request-kind-access-hint").await?;
            ensure!(hint.contains(&pt("privacy_request.settings_data")), "{hint}");
            let link = b.find("#request-kind-access-hint a").await?.attr("href").await?.unwrap_or_default();
            ensure!(link == "/pt-BR/settings/data", "the link keeps the language: {link}");
            ensure!(text(&b, "label[for='request-email']").await? == pt("privacy_request.email"));
            ensure!(text(&b, "#request-submit").await? == pt("privacy_request.submit"));
            no_english(&b, &["Make a privacy request", "What would you like us to do?", "Your e-mail address", "Send the request"]).await?;
            b.axe_clean().await?;

            // Sent empty: the page's own checks, in Portuguese, before anything is sent.
            b.click("#request-submit").await?;
            b.wait_for_text("#request-error", &pt("forms.check_fields")).await?;
            b.wait_for_text("#request-kind-error", &pt("more_rules.request_kind")).await?;
            b.wait_for_text("#request-email-error", &pt("rules.email_missing")).await?;
            b.axe_clean().await?;

            // An objection needs a message: the check says so in Portuguese.
            b.click("#request-kind-objection").await?;
            b.type_into("#request-email", "ana@example.org").await?;
            b.click("#request-submit").await?;
            b.wait_for_text("#request-message-error", &pt("more_rules.request_message")).await?;

            b.click("#request-kind-access").await?;
            let optional = pt("privacy_request.optional");
            b.wait_for_text("label[for='request-message']", optional.trim()).await?;
            b.click("#request-submit").await?;
            let received = b.wait_for_text("#request-received", &pt("privacy_request.received")).await?;
            ensure!(received.contains(pt("privacy_request.reference_before").trim()), "{received}");
            let due = text(&b, "#request-due").await?;
            ensure!(due.contains(pt("privacy_request.due_before").trim()) && due.contains(" de "), "a Portuguese date: {due}");
            ensure!(due.contains("ana@example.org"), "{due}");
            b.axe_clean().await?;

            // The promises.
            b.goto("/pt-BR/privacy/promises").await?;
            b.consent_settled().await?;
            wait_for_title(&b, &format!("{} · Curtain", pt("promises_page.heading"))).await?;
            ensure!(text(&b, "#main h1").await? == pt("promises_page.heading"));
            let version = b.wait_for_text("#promises-version", "promessas").await?;
            ensure!(version.contains("da política de privacidade, em vigor desde"), "{version}");
            let first = b.find("article.promise-item").await?;
            let card = first.text().await?;
            for label in ["promises_page.read_in_policy", "promises_page.how", "promises_page.proved_by"] {
                ensure!(card.contains(&pt(label)), "the card says {:?}: {card}", pt(label));
            }
            // (The statements and how each is kept are the policy's own words.)
            no_english(&b, &["How we keep our promises", "Proved by", "Read it in the policy"]).await?;
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_german_parent_reports_a_childs_account_in_german() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("german_report_child", async {
            b.goto("/de/report-child-account").await?;
            b.dismiss_consent().await?;
            b.find("#report-form").await?;
            wait_for_title(&b, &format!("{} · Curtain", de("report_child.heading"))).await?;
            ensure!(text(&b, "#main h1").await? == de("report_child.heading"));
            ensure!(text(&b, "label[for='report-username']").await? == de("report_child.username"));
            let hint = text(&b, "#report-message-hint").await?;
            ensure!(hint == words("de", "report_child.message_hint", &[("max", "4000")]), "{hint}");
            b.click("#report-submit").await?;
            b.wait_for_text("#report-username-error", &de("more_rules.report_username")).await?;
            b.wait_for_text("#report-message-error", &de("more_rules.report_message")).await?;
            b.axe_clean().await?;
            b.type_into("#report-username", "mia_2014").await?;
            b.type_into("#report-email", "eltern@example.org").await?;
            b.type_into("#report-message", "Meine Tochter ist elf.").await?;
            b.click("#report-submit").await?;
            b.wait_for_text("#report-received", &de("report_child.received")).await?;
            no_english(&b, &["Report a child's account", "Thank you", "Username of the account"]).await?;
            b.axe_clean().await?;

            // After an account is deleted, the page and its title are German too.
            b.goto("/de/account-deleted").await?;
            wait_for_title(&b, &format!("{} · Curtain", de("account_deleted.title"))).await?;
            b.wait_for_text("#account-deleted", &de("account_deleted.heading")).await?;
            let home = b.find("#main a[href='/de']").await.context("the way home keeps the language")?;
            ensure!(home.text().await? == de("signup.refused_home"));
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
