//! Material policy versions announced ahead of their date, in the real SPA,
//! in headless Chromium, against the real server: the policy page lists
//! every one, and a signed-in member is told of each before it applies.

use anyhow::ensure;
use curtain_api::CivilDate;
use curtain_server::policy::published::{current_version, PUBLISHED};
use curtain_server::policy::store;
use curtain_tests::browser::Browser;
use curtain_tests::{long_date, TestApp};
use thirtyfour::prelude::*;

const PW: &str = "correct horse battery";
const URGENT: &str = "A new law on data brokers applies from that day, and we must say how it affects you.";

fn in_days(days: i64) -> CivilDate {
    CivilDate::from_unix_days(curtain_server::clock::now().div_euclid(86_400) + days)
}

fn source(version: u32, effective: CivilDate, summary: &str) -> String {
    format!(
        "---\nversion: {version}\neffective: {effective}\nmaterial: yes\nsummary: {summary}\n---\n\n\
         ## Children {{#children}}\n\nStill not for children.\n"
    )
}

/// Announces two material versions after the shipped ones: an urgent one in
/// 10 days (with its reason) and an ordinary one in 40. Returns their numbers.
async fn announce_two(app: &TestApp) -> (u32, u32) {
    let now = curtain_server::clock::now();
    let first = PUBLISHED.len() as u32 + 1;
    let urgent = source(first, in_days(10), "Says how the new data-broker law applies to Curtain.");
    store::publish_as(&app.command_db, &urgent, Some(URGENT), &app.public_url(), now).await.expect("the urgent version is published");
    let planned = source(first + 1, in_days(40), "Adds a section on film clubs and what club members see.");
    store::publish(&app.command_db, &planned, &app.public_url(), now).await.expect("the planned version is published");
    (first, first + 1)
}

// promise: material-changes-announced
#[tokio::test]
async fn a_member_is_told_of_each_announced_material_change_until_they_have_seen_it() {
    let app = TestApp::spawn_with_spa().await;
    app.client().sign_up("olga", PW).await;
    let (urgent, planned) = announce_two(&app).await;
    let current = current_version(curtain_server::clock::now());
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("a_member_is_told_of_each_announced_material_change_until_they_have_seen_it", async {
        b.sign_in("olga", PW).await?;
        // The soonest first, with why it comes at short notice.
        let text = b
            .wait_for_text(
                "#policy-banner",
                &format!("Version {urgent} of our privacy policy takes effect on {}", long_date(in_days(10))),
            )
            .await?;
        ensure!(text.contains("data-broker law") && text.contains(URGENT), "{text}");
        ensure!(b.driver.find_all(By::Css("#policy-acknowledge")).await?.is_empty(), "no change in effect to acknowledge");
        let link = b.find("#policy-announcement-link").await?;
        ensure!(link.text().await? == "See what will change");
        ensure!(link.attr("href").await?.as_deref() == Some(format!("/privacy/compare?from={current}&to={urgent}").as_str()));

        b.click("#policy-announcement-acknowledge").await?;
        b.wait_for_text("#policy-banner", &format!("Version {planned} of our privacy policy takes effect on {}", long_date(in_days(40)))).await?;
        b.wait_for_focus("policy-banner-message").await?;
        b.click("#policy-announcement-acknowledge").await?;
        b.wait_gone("#policy-banner").await?;

        let recorded: Vec<(i64, String)> = sqlx::query_as(
            "SELECT version, context FROM policy_acceptances WHERE context = 'acknowledged' ORDER BY id",
        )
        .fetch_all(&app.db)
        .await?;
        ensure!(
            recorded == [(i64::from(urgent), "acknowledged".to_string()), (i64::from(planned), "acknowledged".to_string())],
            "{recorded:?}"
        );

        // Seen once is enough: not after a reload either.
        b.reload().await?;
        b.wait_for_text("#account-name", "olga").await?;
        let status = b.wait_for_answers("GET", "/api/me/policy-status", 1).await?;
        ensure!(status == 200, "the policy status answered {status}");
        ensure!(b.driver.find_all(By::Css("#policy-banner")).await?.is_empty(), "no banner after a reload");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn the_policy_lists_every_announced_version() {
    let app = TestApp::spawn_with_spa().await;
    let (urgent, planned) = announce_two(&app).await;
    let current = current_version(curtain_server::clock::now());
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_policy_lists_every_announced_version", async {
        b.goto("/privacy").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#policy-version", &format!("Version {current}")).await?;
        let first = b
            .wait_for_text(
                &format!("#policy-upcoming #policy-announced-{urgent}"),
                &format!("Version {urgent} takes effect on {}", long_date(in_days(10))),
            )
            .await?;
        ensure!(first.contains("Material change"), "{first}");
        ensure!(first.contains(&format!("Announced with less than 30 days' notice because: {URGENT}")), "{first}");
        let second = b
            .wait_for_text(
                &format!("#policy-upcoming #policy-announced-{planned}"),
                &format!("Version {planned} takes effect on {}", long_date(in_days(40))),
            )
            .await?;
        ensure!(second.contains("film clubs") && !second.contains("less than 30 days"), "{second}");
        let items = b.driver.find_all(By::Css("#policy-upcoming li")).await?;
        ensure!(items.len() == 2, "{} announced versions listed", items.len());
        ensure!(items[0].attr("id").await?.as_deref() == Some(format!("policy-announced-{urgent}").as_str()), "soonest first");
        b.find(&format!("#policy-announced-{planned} a[href=\"/privacy/compare?from={current}&to={planned}\"]")).await?;

        // The version's own page and the list of versions say why it comes early.
        b.goto(&format!("/privacy/v/{urgent}")).await?;
        b.wait_for_text("#policy-urgent", URGENT).await?;
        b.goto("/privacy/versions").await?;
        b.wait_for_text(&format!("#policy-version-{urgent}"), URGENT).await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
