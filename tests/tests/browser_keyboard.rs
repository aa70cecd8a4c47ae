//! A whole journey with the keyboard alone: no clicks, only Tab, Enter,
//! Space, arrows and typing; and wherever focus lands, it is visible.

use anyhow::{bail, ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

/// Presses `key` on whatever has focus.
async fn press(b: &Browser, key: impl Into<thirtyfour::TypingData>) -> Result<()> {
    b.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

/// Whether the focused element matches `css`, and a description of it.
async fn focused(b: &Browser, css: &str) -> Result<(bool, String)> {
    let r = b
        .driver
        .execute(
            "const e = document.activeElement; \
             return [!!(e && e.matches(arguments[0])), e ? (e.id || e.tagName) : 'none'];",
            vec![serde_json::json!(css)],
        )
        .await?;
    let v = r.json();
    Ok((v[0].as_bool().unwrap_or(false), v[1].as_str().unwrap_or("").to_string()))
}

/// The focused element shows a focus indicator (an outline or a ring).
async fn focus_is_visible(b: &Browser) -> Result<bool> {
    let r = b
        .driver
        .execute(
            "const e = document.activeElement; if (!e || e === document.body) return false; \
             const s = getComputedStyle(e); \
             return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';",
            vec![],
        )
        .await?;
    Ok(r.json().as_bool().unwrap_or(false))
}

/// Tabs forward until `css` has focus, checking on the way that every
/// focused element shows it.
async fn tab_to(b: &Browser, css: &str) -> Result<()> {
    let mut path = Vec::new();
    for _ in 0..80 {
        press(b, Key::Tab).await?;
        let (is_target, what) = focused(b, css).await?;
        if what != "BODY" && what != "none" {
            ensure!(focus_is_visible(b).await?, "focus on {what} is not visible");
        }
        if is_target {
            return Ok(());
        }
        path.push(what);
    }
    bail!("Tab never reached {css}; went through {path:?}")
}

#[tokio::test]
async fn the_whole_journey_works_without_a_mouse() {
    let app = TestApp::spawn_with_spa().await;
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.expect("demo data");
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("keyboard_journey", async {
            // The skip link comes first and moves focus to the main content.
            b.goto("/").await?;
            b.find("#consent-banner").await?;
            press(&b, Key::Tab).await?;
            ensure!(focused(&b, "a.skip-link").await?.0, "the first Tab lands on the skip link");
            ensure!(focus_is_visible(&b).await?, "the skip link shows when focused");
            press(&b, Key::Enter).await?;
            ensure!(focused(&b, "main#main, main#main h1").await?.0, "Enter on the skip link focuses the main content");

            // Banner -> Choose -> toggle preferences -> Save.
            b.goto("/").await?;
            b.find("#consent-banner").await?;
            tab_to(&b, "#consent-choose").await?;
            press(&b, Key::Enter).await?;
            b.find("#consent-dialog[open]").await?;
            tab_to(&b, "#consent-preferences").await?;
            press(&b, Key::Space).await?;
            ensure!(b.find("#consent-preferences").await?.is_selected().await?, "Space switched preferences on");
            tab_to(&b, "#consent-save").await?;
            press(&b, Key::Enter).await?;
            b.wait_gone("#consent-dialog[open]").await?;
            b.wait_gone("#consent-banner").await?;
            let consent = b.cookie("curtain_consent").await?.expect("the answer is stored");
            ensure!(consent.value.contains(".np."), "preferences granted, analytics not: {}", consent.value);

            // Sign in.
            tab_to(&b, "#signin-link").await?;
            press(&b, Key::Enter).await?;
            b.find("#signin-form").await?;
            tab_to(&b, "#signin-login").await?;
            press(&b, "ana").await?;
            tab_to(&b, "#signin-password").await?;
            press(&b, curtain_server::demo::DEMO_PASSWORD).await?;
            press(&b, Key::Enter).await?;
            b.wait_for_text("#account-name", "ana").await?;

            // Change who sees the location: settings -> profile -> audience picker.
            tab_to(&b, "#settings-link").await?;
            press(&b, Key::Enter).await?;
            tab_to(&b, "a[href='/settings/profile']").await?;
            press(&b, Key::Enter).await?;
            b.find("#audience-location").await?;
            let before = b.value("#audience-location").await?;
            tab_to(&b, "#audience-location").await?;
            press(&b, if before == "only_me" { Key::Up } else { Key::Down }).await?;
            let after = b.value("#audience-location").await?;
            ensure!(after != before, "the arrow key changed the audience ({before} -> {after})");
            tab_to(&b, "#settings-profile-save").await?;
            press(&b, Key::Enter).await?;
            b.find("#settings-profile-status.form-success").await?;
            let stored: String = sqlx::query_scalar(
                "SELECT p.location_audience FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.username = 'ana'",
            )
            .fetch_one(&app.db)
            .await?;
            ensure!(stored == after, "saved on the server: {stored} (picked {after})");

            // Open a policy comparison.
            tab_to(&b, "footer a[href='/privacy']").await?;
            press(&b, Key::Enter).await?;
            b.find("#policy-version").await?;
            tab_to(&b, "#policy-changes-link").await?;
            press(&b, Key::Enter).await?;
            b.find("#policy-diff ins").await?;
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
