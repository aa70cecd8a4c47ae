//! Confirming an e-mail address in the real SPA, in headless Chromium: the
//! account page says what waits for a link and can send it again, the link
//! from the outbox confirms the address signed out, and a change of address
//! waits until its own link is followed.

use anyhow::{ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn an_address_is_confirmed_by_its_link_and_a_change_waits_for_its_own() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("wren", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("an_address_is_confirmed_by_its_link_and_a_change_waits_for_its_own", async {
        b.sign_in("wren", PW).await?;
        b.goto("/settings/account").await?;
        b.wait_for_text("#account-email-pending", "Please confirm wren@example.org").await?;
        b.click("#account-email-resend").await?;
        b.wait_for_text("#account-email-pending", "Sent. Look for a message to wren@example.org").await?;

        // The link from the mail, opened in this browser: one press confirms.
        let token = app.confirmation_token("wren@example.org").await.expect("a link in the outbox");
        b.goto(&format!("/verify-email/{token}")).await?;
        b.click("#verify-email-confirm").await?;
        b.wait_for_text("#verify-email-done", "is now the confirmed address of wren").await?;
        b.goto("/settings/account").await?;
        b.find("#account-email-form").await?;
        ensure!(b.driver.find_all(thirtyfour::By::Css("#account-email-pending")).await?.is_empty(), "nothing waits any more");

        // A change: the old address stays until the new one is confirmed.
        b.type_into("#account-new-email", "wren@new.example").await?;
        b.type_into("#account-email-password", PW).await?;
        b.click("#account-email-submit").await?;
        b.wait_for_text("#account-email-status", "we sent a link to wren@new.example").await?;
        b.wait_for_focus("account-email-status").await?;
        b.wait_for_text("#account-current-email", "wren@example.org").await?;
        b.wait_for_text("#account-email-pending", "wren@new.example is waiting").await?;

        // A used link is refused with a way forward.
        b.goto(&format!("/verify-email/{token}")).await?;
        b.click("#verify-email-confirm").await?;
        b.wait_for_text("#verify-email-refused", "not valid any more").await?;

        let token = app.confirmation_token("wren@new.example").await.expect("a link to the new address");
        b.goto(&format!("/verify-email/{token}")).await?;
        b.click("#verify-email-confirm").await?;
        b.wait_for_text("#verify-email-done", "wren").await?;
        b.goto("/settings/account").await?;
        b.wait_for_text("#account-current-email", "wren@new.example").await?;
        Ok(()) as Result<()>
    })
    .await;
    b.finish(outcome).await;
}
