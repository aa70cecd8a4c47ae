//! Curtain in German and Brazilian Portuguese, in headless Chromium against
//! the real server: the banner and the preferences dialog in the page's
//! language, receipts that record it, links that keep it, the footer's
//! switcher, a keyboard-only answer, and the no-JavaScript banner.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

/// The languages receipts recorded, oldest first, once there are `n`.
async fn receipt_languages(app: &TestApp, n: usize) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows: Vec<String> = sqlx::query_scalar("SELECT language FROM consent_receipts ORDER BY id").fetch_all(&app.db).await?;
        if rows.len() >= n {
            return Ok(rows);
        }
        if Instant::now() > deadline {
            bail!("{} receipts stored, expected {n}", rows.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(b: &Browser, css: &str) -> Result<String> {
    Ok(b.find(css).await?.text().await?)
}

#[tokio::test]
async fn german_banner_and_dialog_record_a_german_answer() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("german_banner_and_dialog", async {
            b.goto("/de").await?;
            b.consent_settled().await?;
            ensure!(b.html_lang().await? == "de", "the page says it is German");
            b.wait_for_text("#consent-banner-title", "Ihre Cookie-Auswahl").await?;
            ensure!(text(&b, "#consent-reject-all").await? == "Alle ablehnen");
            ensure!(text(&b, "#consent-accept-all").await? == "Alle akzeptieren");
            b.axe_clean().await?;

            b.click("#consent-choose").await?;
            b.find("#consent-dialog[open]").await?;
            b.wait_for_text("#consent-dialog-title", "Cookie-Einstellungen").await?;
            let dialog = text(&b, "#consent-dialog").await?;
            for words in ["Notwendig", "Einstellungen", "Statistik", "3 Cookies", "Meine Auswahl speichern"] {
                ensure!(dialog.contains(words), "the dialog says {words:?}: {dialog}");
            }
            for english in ["Necessary", "Analytics", "Save my choices", "Reject all"] {
                ensure!(!dialog.contains(english), "no English ({english:?}) in the German dialog: {dialog}");
            }
            b.axe_clean().await?;
            b.click("#consent-dialog-reject-all").await?;
            b.wait_gone("#consent-dialog[open]").await?;
            ensure!(receipt_languages(&app, 1).await? == ["de"], "the receipt records German");
            ensure!(b.cookie("curtain_consent").await?.is_some(), "the answer is kept");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn portuguese_pages_keep_their_language_from_link_to_link() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("portuguese_pages_keep_their_language", async {
            b.goto("/pt-BR/privacy").await?;
            b.consent_settled().await?;
            ensure!(b.html_lang().await? == "pt-BR");
            b.wait_for_text("#consent-reject-all", "Recusar tudo").await?;
            b.click("#consent-reject-all").await?;
            b.wait_gone("#consent-banner").await?;
            ensure!(receipt_languages(&app, 1).await? == ["pt-BR"], "the receipt records Portuguese");

            // The policy's own links, and the app's, keep the prefix.
            let versions = b.find("a[href$='/privacy/versions']").await?;
            let href = versions.attr("href").await?.unwrap_or_default();
            ensure!(href == "/pt-BR/privacy/versions", "the link keeps the language: {href}");
            versions.click().await?;
            b.arrive("/pt-BR/privacy/versions").await?;
            let footer_privacy = b.find(".site-footer__links a[href$='/privacy']").await?;
            ensure!(footer_privacy.attr("href").await?.as_deref() == Some("/pt-BR/privacy"));
            ensure!(b.html_lang().await? == "pt-BR");
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn the_switcher_opens_the_same_page_in_another_language_by_keyboard() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("the_switcher_by_keyboard", async {
            b.goto("/privacy").await?;
            b.consent_settled().await?;
            let current = b.find(".language-switch a[aria-current]").await?;
            ensure!(current.text().await? == "English", "English is the current one");
            // Keyboard only: focus the German link and press Enter.
            let deutsch = b.find(".language-switch a[hreflang='de']").await?;
            ensure!(deutsch.attr("lang").await?.as_deref() == Some("de"), "the name is marked as German");
            b.driver.execute("arguments[0].focus()", vec![deutsch.to_json()?]).await?;
            deutsch.send_keys(Key::Enter).await?;
            b.arrive("/de/privacy").await?;
            // A new page load: let the app take the server's page over before
            // pressing its buttons.
            b.consent_settled().await?;
            b.wait_for_text("#consent-banner-title", "Ihre Cookie-Auswahl").await?;
            ensure!(b.html_lang().await? == "de");
            // Answer the German banner with the keyboard.
            let reject = b.find("#consent-reject-all").await?;
            b.driver.execute("arguments[0].focus()", vec![reject.to_json()?]).await?;
            reject.send_keys(Key::Enter).await?;
            b.wait_gone("#consent-banner").await?;
            ensure!(receipt_languages(&app, 1).await? == ["de"]);
            // English again, chosen on purpose: the address says so.
            b.click(".language-switch a[hreflang='en']").await?;
            b.arrive("/en/privacy").await?;
            ensure!(b.html_lang().await? == "en");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn without_javascript_the_german_banner_answers_in_german() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start_without_javascript(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("german_banner_without_javascript", async {
            b.driver.goto(format!("{}/de/privacy", app.base)).await?;
            ensure!(b.html_lang().await? == "de");
            ensure!(text(&b, "#consent-reject-all").await? == "Alle ablehnen");
            b.click("#consent-reject-all").await?;
            // The form's answer comes back to the same page, without the banner.
            b.wait_gone("#consent-banner").await?;
            b.arrive("/de/privacy").await?;
            ensure!(receipt_languages(&app, 1).await? == ["de"]);
            let hreflangs = b.driver.find_all(By::Css("link[rel='alternate'][hreflang]")).await?;
            ensure!(hreflangs.len() == 4, "en, de, pt-BR and x-default: {}", hreflangs.len());

            // The waiting page around it speaks German too: the footer, its
            // links (to the German pages), and why the home page needs JavaScript.
            let footer = text(&b, ".site-footer").await?;
            for english in ["Privacy policy", "Cookie settings", "Report a child's account"] {
                ensure!(!footer.contains(english), "no English ({english:?}) in the German footer: {footer}");
            }
            ensure!(footer.contains("Datenschutzerklärung"), "{footer}");
            let privacy = b.find(".site-footer__links a[href='/de/privacy']").await?;
            ensure!(privacy.text().await? == "Datenschutzerklärung");
            b.driver.goto(format!("{}/de", app.base)).await?;
            ensure!(text(&b, ".noscript h1").await? == "Curtain braucht JavaScript");
            ensure!(b.find(".site-name").await?.attr("href").await?.as_deref() == Some("/de"));
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn german_sign_up_errors_are_german() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("german_sign_up_errors", async {
            b.goto("/de/signup").await?;
            b.dismiss_consent().await?;
            b.wait_for_text("main h1", "Erstellen Sie Ihr Konto").await?;
            // Sent empty: the summary and each field's message, in German.
            b.click("#signup-submit").await?;
            b.wait_for_text("#signup-form-error", "Einige Angaben müssen Sie noch einmal prüfen").await?;
            let form = text(&b, "#signup-form").await?;
            for words in ["Geben Sie Ihre E-Mail-Adresse ein.", "Verwenden Sie mindestens 10 Zeichen."] {
                ensure!(form.contains(words), "the form says {words:?}: {form}");
            }
            for english in ["Enter your e-mail", "Use at least 10 characters", "Create your account"] {
                ensure!(!form.contains(english), "no English ({english:?}) in the German form: {form}");
            }
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn a_profile_and_a_comparison_in_portuguese() {
    let app = TestApp::spawn_with_spa().await;
    app.member("zoe_pt", "correct horse battery").await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("profile_and_comparison_in_portuguese", async {
            b.goto("/pt-BR/u/zoe_pt").await?;
            b.dismiss_consent().await?;
            b.wait_for_text("#profile-find-members", "Encontrar outros membros").await?;
            ensure!(b.html_lang().await? == "pt-BR");
            b.axe_clean().await?;

            b.goto("/pt-BR/privacy/compare?from=1&to=2").await?;
            b.wait_for_text("main h1", "Comparar versões da política de privacidade").await?;
            let form = text(&b, "#compare-form").await?;
            ensure!(form.contains("Comparar"), "the form is in Portuguese: {form}");
            ensure!(!form.contains("Compare"), "no English in the form: {form}");
            ensure!(b.html_lang().await? == "pt-BR");
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

/// The shipped translation of version `n` into `lang`, as its file says.
fn translation(n: u32, lang: curtain_ui::Lang) -> curtain_server::policy::PolicySource {
    curtain_server::policy::published::TRANSLATIONS
        .iter()
        .map(|(_, text)| curtain_server::policy::document::parse(text).expect("a shipped translation parses"))
        .find(|t| t.version == n && t.language == lang)
        .expect("the translation ships")
}

#[tokio::test]
async fn the_german_policy_is_a_translation_and_an_untranslated_version_is_english() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let german = translation(5, curtain_ui::Lang::De);
    let outcome = b
        .attempt("german_policy_translation", async {
            b.goto("/de/privacy").await?;
            b.dismiss_consent().await?;
            b.wait_for_text("#policy-translation", "Übersetzung").await?;
            let cookies = &german.sections.iter().find(|s| s.id == "cookies").expect("a cookies section").title;
            b.wait_for_text("#cookies-heading", cookies).await?;
            ensure!(text(&b, ".policy__summary").await? == german.summary);
            // The English original is one link away, as English.
            let english = b.find("#policy-translation a[hreflang='en']").await?;
            ensure!(english.attr("href").await?.as_deref() == Some("/en/privacy/v/5"));
            b.axe_clean().await?;

            // Version 1 was never translated: the English text, said so, and
            // marked as English for screen readers.
            b.goto("/de/privacy/v/1").await?;
            b.wait_for_text("#policy-untranslated", "nicht ins Deutsche übersetzt").await?;
            let body_lang = b.find(".policy__layout").await?.attr("lang").await?;
            ensure!(body_lang.as_deref() == Some("en"), "the English text says it is English: {body_lang:?}");
            ensure!(b.find("#in-short-heading").await?.text().await? == "In short");
            ensure!(b.html_lang().await? == "de");
            b.axe_clean().await?;

            // In the list, the one lines of versions 1 to 3 are English, and say so.
            b.goto("/de/privacy/versions").await?;
            b.wait_for_text("#policy-versions", &german.summary).await?;
            let english_lines = b.driver.find_all(By::Css("#policy-versions span[lang='en']")).await?;
            ensure!(english_lines.len() == 3, "versions 1 to 3 are marked English: {}", english_lines.len());

            // Comparing two translated versions shows the German changes; with
            // an untranslated one, the English ones, said so.
            b.goto("/de/privacy/compare?from=4&to=5").await?;
            b.wait_for_text("#policy-diff .diff__summary", &german.summary).await?;
            ensure!(b.driver.find_all(By::Css("#diff-untranslated")).await?.is_empty());
            b.goto("/de/privacy/compare?from=3&to=5").await?;
            b.wait_for_text("#diff-untranslated", "englischen Text").await?;
            b.axe_clean().await?;

            // The promises quote the German text; those of version 3 the
            // English, said so and marked English.
            let first = german.promises().into_iter().next().expect("version 5 makes promises");
            b.goto("/de/privacy/promises").await?;
            b.wait_for_text(&format!("#promise-{}-statement", first.id), &first.statement).await?;
            ensure!(b.driver.find_all(By::Css("#promises-untranslated")).await?.is_empty());
            // Version 6, announced in English only.
            let v5 = curtain_server::policy::published::PUBLISHED[4].1;
            let tomorrow = curtain_api::CivilDate::from_unix_days(curtain_server::clock::now().div_euclid(86_400) + 1);
            let v6 = v5.replacen("version: 5", "version: 6", 1).replacen("effective: 2026-11-30", &format!("effective: {tomorrow}"), 1);
            curtain_server::policy::store::publish(&app.command_db, &v6, &app.public_url(), curtain_server::clock::now()).await?;
            b.goto("/de/privacy/promises?version=6").await?;
            b.wait_for_text("#promises-untranslated", "Englisch").await?;
            let quoted = b.driver.find_all(By::Css(".promise-item__statement q[lang='en']")).await?;
            ensure!(quoted.len() == german.promises().len(), "the English statements are marked English: {}", quoted.len());
            b.axe_clean().await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn without_javascript_the_portuguese_policy_is_readable_in_portuguese() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start_without_javascript(&app.base).await.expect("headless Chromium starts");
    let portuguese = translation(5, curtain_ui::Lang::PtBr);
    let outcome = b
        .attempt("portuguese_policy_without_javascript", async {
            b.driver.goto(format!("{}/pt-BR/privacy", app.base)).await?;
            ensure!(b.html_lang().await? == "pt-BR");
            ensure!(text(&b, ".policy__summary").await? == portuguese.summary);
            let first = &portuguese.sections[0].title;
            ensure!(text(&b, &format!("#{}-heading", portuguese.sections[0].id)).await? == *first);
            ensure!(!text(&b, "#policy-translation").await?.is_empty());
            // The feed link is the Portuguese feed.
            let feed = b.find("a[type='application/atom+xml']").await?.attr("href").await?;
            ensure!(feed.as_deref() == Some("/policies/privacy.atom?lang=pt-BR"), "{feed:?}");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
