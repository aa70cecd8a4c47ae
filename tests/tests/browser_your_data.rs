//! "Your data" reads in words, in headless Chromium against the real server:
//! the policy's groups, each kind of data with what it is, how long it is
//! kept and a working link to its control; values in words (no JSON, no
//! column names, dates as "1 May 1990"); a section added to the schema later
//! still shown; nothing wider than a phone; axe clean; and the download still
//! the complete JSON.


use anyhow::{bail, ensure, Context, Result};
use curtain_api::consent::{self, Choices};
use curtain_api::CivilDate;
use curtain_tests::browser::Browser;
use curtain_tests::{long_date, rand_bytes, TestApp};
use serde_json::{json, Value};
use thirtyfour::extensions::cdp::ChromeDevTools;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

/// 2026-05-28T20:26:40Z, a moment the page must show as "28 May 2026, 20:26" in UTC.
const REVIEW_WRITTEN_AT: i64 = 1_780_000_000;

/// lena: profile fields, a watched film, a consent answer ("Accept all")
/// while signed in, several sign-ins, a follow each way with milo, and a row
/// in a table the page was never told about. Returns the consent id of her answer.
async fn lena_with_data(app: &TestApp) -> String {
    let lena = app.member("lena", PW).await;
    lena.edit_profile(json!({
        "display_name": "Lena Marsh",
        "location": "Lisbon",
        "about": "Noir, mostly.",
        "favourite_genres": ["Noir", "Drama"],
        "audiences": {"location": "followers"}
    }))
    .await;
    let r = lena
        .post("/api/me/history", &json!({"title": "Vertigo", "year": 1958, "kind": "movie", "watched_on": "2026-01-05"}))
        .await;
    assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);

    let revision = lena.get("/api/consent/config").await.body["revision"].as_u64().expect("a revision");
    let consent_id = consent::uuid_v4(rand_bytes());
    let all = Choices { preferences: true, analytics: true };
    let r = lena
        .post(
            "/api/consent",
            &json!({"consent_id": consent_id, "revision": revision, "categories": all.categories(), "gpc": false, "method": "accept_all"}),
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);

    // Three more sign-ins elsewhere: the log and the sessions are long enough to fold.
    for _ in 0..3 {
        let r = app.client().sign_in("lena", PW, false).await;
        assert!(r.status.is_success(), "{:?}", r.body);
    }

    let milo = app.member("milo", PW).await;
    for (who, whom) in [(&lena, "milo"), (&milo, "lena")] {
        let r = who.post(&format!("/api/users/{whom}/follow"), &json!({})).await;
        assert!(r.status.is_success(), "{:?}", r.body);
    }

    // A table added after the page was written: the export finds it in the
    // schema, and the page must show it rather than drop it.
    sqlx::query(
        "CREATE TABLE film_reviews (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         title TEXT NOT NULL, stars BIGINT NOT NULL, written_at BIGINT NOT NULL)",
    )
    .execute(&app.db)
    .await
    .expect("a new table");
    sqlx::query("INSERT INTO film_reviews (id, user_id, title, stars, written_at) SELECT 1, id, 'Vertigo', 5, $1 FROM users WHERE username = 'lena'")
        .bind(REVIEW_WRITTEN_AT)
        .execute(&app.db)
        .await
        .expect("a review");
    consent_id
}

async fn script(b: &Browser, js: &str) -> Result<Value> {
    Ok(b.driver.execute(js, vec![]).await?.json().clone())
}

/// Whether `text` holds a stored date as the database writes it (`2026-06-03`).
fn has_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(10).any(|w| {
        w[4] == b'-' && w[7] == b'-' && w.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    })
}

async fn press(b: &Browser, key: impl Into<thirtyfour::TypingData>) -> Result<()> {
    b.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

/// Tabs forward until the focused element matches `css`.
async fn tab_to(b: &Browser, css: &str) -> Result<()> {
    for _ in 0..80 {
        press(b, Key::Tab).await?;
        let hit = b.driver.execute("return document.activeElement.matches(arguments[0])", vec![json!(css)]).await?;
        if hit.json().as_bool() == Some(true) {
            return Ok(());
        }
    }
    bail!("Tab never reached {css}")
}

#[tokio::test]
async fn your_data_reads_in_words_grouped_as_the_policy_groups_it() {
    let app = TestApp::spawn_with_spa().await;
    let consent_id = lena_with_data(&app).await;
    let today = long_date(CivilDate::from_unix_days(curtain_server::clock::now().div_euclid(86_400)));
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let downloads = tempfile::tempdir().unwrap();
    let outcome = b.attempt("your_data_reads_in_words_grouped_as_the_policy_groups_it", async {
        let devtools = ChromeDevTools::new(b.driver.handle.clone());
        // Times are shown in the member's own zone: make it a known one.
        devtools.execute_cdp_with_params("Emulation.setTimezoneOverride", json!({"timezoneId": "UTC"})).await?;
        b.download_to(downloads.path()).await?;
        b.sign_in("lena", PW).await?;
        b.goto("/settings/data").await?;
        b.wait_for_text("#data-consent-receipts", "Accepted all").await?;

        // The policy's groups, as headings, and headings in order.
        b.wait_for_text("#data-you-give h2", "Information you give us").await?;
        b.wait_for_text("#data-servers-record h2", "Information our servers record").await?;
        b.wait_for_text("#data-your-choices h2", "Your choices").await?;
        let levels = script(&b, "return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]);").await?;
        let levels: Vec<u64> = serde_json::from_value(levels)?;
        ensure!(levels.first() == Some(&1), "the page starts with its h1: {levels:?}");
        ensure!(levels.windows(2).all(|w| w[1] <= w[0] + 1), "no heading level skipped: {levels:?}");

        // The member's values, in words.
        let account = b.wait_for_text("#data-account", "lena@example.org").await?;
        ensure!(account.contains("1 May 1990"), "the birth date in words: {account}");
        ensure!(account.contains(&format!("{today}, ")), "the day joined, with its time: {account}");
        let profile = b.wait_for_text("#data-profiles", "Lena Marsh").await?;
        ensure!(profile.contains("Noir, Drama"), "genres as a list in words: {profile}");
        b.wait_for_text("#data-audiences", "Followers").await?;
        b.wait_for_text("#data-privacy-settings", "Off").await?;
        b.wait_for_text("#data-watch-history", "Vertigo (1958)").await?;
        b.wait_for_text("#data-watch-history", "5 January 2026").await?;
        b.wait_for_text("#data-follows", "You follow milo").await?;
        b.wait_for_text("#data-follows", "milo follows you").await?;
        let sessions = b.wait_for_text("#data-sessions", "This device").await?;
        ensure!(sessions.contains(&format!("Signed in {today}, ")), "a session in words: {sessions}");
        b.wait_for_text("#data-email-preferences", "Newsletter").await?;
        b.wait_for_text("#data-signin-log", "127.0.0.1").await?;
        // Sign-up, three sign-ins elsewhere and this one: three shown, two folded.
        b.wait_for_text("#data-signin-log .data-more > summary", "Show 2 more (5 sign-ins in all)").await?;
        // The consent id is there to copy, folded behind a short reference.
        let receipts = b.wait_for_text("#data-consent-receipts", &format!("Reference {}", &consent_id[..8])).await?;
        ensure!(!receipts.contains(&consent_id), "the whole id stays folded: {receipts}");

        // A table the page has no words for is shown, in words, not dropped.
        let review = b.wait_for_text("#data-other #data-film-reviews", "Vertigo").await?;
        ensure!(review.contains("Film reviews") && review.contains("Stars"), "{review}");
        ensure!(review.contains("28 May 2026, 20:26"), "its time in words: {review}");

        // No raw values: no JSON, no stored dates, no column names, no codes.
        // (What a browser sent and the text of e-mail are shown verbatim.)
        let text = script(
            &b,
            "const root = document.getElementById('your-data').cloneNode(true);
             root.querySelectorAll('.data-verbatim').forEach(e => e.remove());
             return root.textContent;",
        )
        .await?;
        let text = text.as_str().context("the page's text")?;
        for raw in ["[", "{", "\"", "_", "accept_all", "Gpc", "Consent id", "Number", "Followee", "true", "false", "null"] {
            ensure!(!text.contains(raw), "raw {raw:?} on the page: {text}");
        }
        ensure!(!has_iso_date(text), "a date as stored: {text}");

        // Every kind says how long it is kept and links to its control.
        let kinds = b.driver.find_all(By::Css(".data-kind")).await?;
        ensure!(kinds.len() >= 18, "a card per kind: {}", kinds.len());
        for kind in &kinds {
            let id = kind.id().await?.unwrap_or_default();
            let kept = kind.find(By::Css(".data-kind__kept")).await.with_context(|| format!("{id} says how long it is kept"))?;
            let kept = kept.text().await?;
            // The test's own table has no period in the server's rules (a
            // real one must: a server unit test insists), so its card says so.
            let described = id != "data-film-reviews";
            ensure!(!described || (kept.starts_with("Kept ") && kept.ends_with('.')), "{id}: {kept:?}");
            ensure!(described || kept.contains("not stated"), "{id}: {kept:?}");
            let link = kind.find(By::Css(".data-kind__control a")).await.with_context(|| format!("{id} links to its control"))?;
            let href = link.attr("href").await?.unwrap_or_default();
            ensure!(href.starts_with('/') && !link.text().await?.is_empty(), "{id}: {href:?}");
        }
        b.wait_for_text("#data-signin-log .data-kind__kept", "Kept for one year after the sign-in.").await?;
        b.wait_for_text("#data-account .data-kind__kept", "Kept as long as you have an account.").await?;
        ensure!(!text.contains("documentation"), "no pointer elsewhere for the format");

        let violations = b.axe_violations().await?;
        ensure!(violations.is_empty(), "axe: {violations:#?}");

        // With the keyboard alone: unfold the receipt's full reference, then
        // follow the card's link to the control that changes it.
        b.driver.execute("document.getElementById('export-download').focus()", vec![]).await?;
        tab_to(&b, "#data-consent-receipts .data-ref > summary").await?;
        press(&b, Key::Enter).await?;
        let unfolded = script(
            &b,
            "const summary = document.activeElement, fold = summary.parentElement;
             return [fold.open, summary.innerText, fold.querySelector('.data-ref__full').innerText];",
        )
        .await?;
        let full = unfolded[2].as_str().unwrap_or_default();
        ensure!(unfolded[0] == true && full.len() == 36, "Enter unfolds the full reference: {unfolded}");
        ensure!(unfolded[1] == format!("Reference {}", &full[..8]).as_str(), "the short reference is its start: {unfolded}");
        tab_to(&b, "#data-consent-receipts .data-kind__control a").await?;
        press(&b, Key::Enter).await?;
        b.wait_for_text("h1", "Cookies").await?;
        ensure!(b.path().await? == "/settings/cookies", "{}", b.path().await?);

        // At a phone's width, with every fold open, nothing is wider than the screen.
        b.goto("/settings/data").await?;
        b.emulate_phone().await?;
        b.wait_for_text("#data-consent-receipts", "Accepted all").await?;
        script(&b, "document.querySelectorAll('#your-data details').forEach(d => d.open = true); return true;").await?;
        let widths = script(
            &b,
            "const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > 390.5)
               .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className);
             return [document.documentElement.scrollWidth, window.innerWidth, wide];",
        )
        .await?;
        // A phone's browser widens its layout to fit content that is too
        // wide, so both must still be the phone's 390 px.
        ensure!(
            widths[0].as_u64().is_some_and(|w| w <= 390) && widths[1] == 390,
            "wider than a 390 px phone (page width, window width, elements past the edge): {widths}"
        );
        let violations = b.axe_violations().await?;
        ensure!(violations.is_empty(), "axe at phone width: {violations:#?}");

        // The download is still the whole export, machine-readable as before.
        b.click("#export-download").await?;
        let export: Value = serde_json::from_str(&Browser::downloaded(downloads.path(), "curtain-export-lena.json").await?)?;
        ensure!(export["format"] == "curtain-export" && export["version"] == 1, "{export}");
        for section in
            ["account", "email_preferences", "sessions", "ended_sessions", "signin_log", "failed_signins", "reports_sent", "privacy_requests"]
        {
            ensure!(!export[section].is_null(), "{section} in the download");
        }
        let tables = export["tables"].as_object().context("tables")?;
        for table in ["consent_receipts", "follows", "profiles", "watch_history", "outbox", "policy_acceptances", "film_reviews"] {
            ensure!(tables.contains_key(table), "{table} in the download: {:?}", tables.keys());
        }
        ensure!(
            tables["consent_receipts"].as_array().is_some_and(|r| r.iter().any(|r| r["method"] == "accept_all" && r["consent_id"] == consent_id)),
            "the receipt as stored: {}",
            tables["consent_receipts"]
        );
        ensure!(tables["profiles"][0]["display_name"] == "Lena Marsh", "{}", tables["profiles"]);
        // And every section of it has its card on the page.
        let sections = export
            .as_object()
            .context("an object")?
            .keys()
            .filter(|k| !["format", "version", "exported_at", "tables"].contains(&k.as_str()))
            .chain(tables.keys());
        for section in sections {
            let id = format!("#data-{}", section.replace('_', "-"));
            b.find(&id).await.with_context(|| format!("the section {section} has no card"))?;
        }
        ensure!(b.path().await? == "/settings/data", "the download does not navigate away");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
