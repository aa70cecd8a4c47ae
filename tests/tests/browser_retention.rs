//! "Your data" says how long each kind of record is kept, from the server's
//! retention table, in headless Chromium against the real server.

use anyhow::ensure;
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn your_data_says_how_long_each_kind_is_kept() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("rhea", PW).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("your_data_says_how_long_each_kind_is_kept", async {
        b.sign_in("rhea", PW).await?;
        b.goto("/settings/data").await?;
        // The table of periods, as the policy states them.
        b.wait_for_text("#retention-signin-log", "one year after the sign-in").await?;
        b.wait_for_text("#retention-sessions", "until the session ends").await?;
        b.wait_for_text("#retention-child-report-ips", "90 days after the report").await?;
        b.wait_for_text("#retention", "within an hour").await?;
        let rows = b.driver.find_all(By::Css("#retention-periods > li")).await?;
        let periods = app.client().get("/api/retention").await.body["periods"].as_array().map_or(0, Vec::len);
        ensure!(rows.len() == periods && periods > 0, "one row per kind: {} rows, {periods} kinds", rows.len());
        // And beside what is held, how long it is kept.
        b.wait_for_text("#data-signin-log .data-kind__kept", "Kept for one year after the sign-in.").await?;
        b.wait_for_text("#data-account .data-kind__kept", "Kept as long as you have an account.").await?;
        b.find("#retention a[href=\"/privacy#retention\"]").await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
