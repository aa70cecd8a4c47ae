//! Accessibility, audited by axe-core in headless Chromium on every route,
//! signed out and signed in, in light and dark: zero violations.

use anyhow::{ensure, Result};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;

/// Routes anyone can open.
const PUBLIC_ROUTES: &[&str] = &[
    "/",
    "/signin",
    "/signup",
    "/privacy",
    "/privacy/versions",
    "/privacy/v/1",
    "/privacy/compare?from=1&to=3",
    "/privacy/promises",
    "/privacy/request",
    "/u/ana",
    "/u/bruno",
    "/search?q=a",
    "/report-child-account",
    "/no-such-page",
];

/// Routes that mean something only when signed in.
const MEMBER_ROUTES: &[&str] = &[
    "/settings",
    "/settings/profile",
    "/settings/privacy",
    "/settings/account",
    "/settings/email",
    "/settings/cookies",
    "/settings/data",
];

async fn audit(b: &Browser, path: &str, problems: &mut Vec<String>) -> Result<()> {
    b.goto(path).await?;
    b.find("main#main h1").await?;
    // Let data-driven parts of the page arrive before auditing.
    b.wait_gone("main [aria-busy='true']").await?;
    for v in b.axe_violations().await? {
        problems.push(format!("{path}: {v}"));
    }
    let h1s = b.driver.find_all(thirtyfour::By::Css("h1")).await?.len();
    if h1s != 1 {
        problems.push(format!("{path}: {h1s} h1 elements"));
    }
    Ok(())
}

async fn audit_all(scheme: &str) {
    let app = TestApp::spawn_with_spa().await;
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.expect("demo data");
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt(&format!("a11y_{scheme}"), async {
            b.emulate_color_scheme(scheme).await?;
            let mut problems = Vec::new();
            for path in PUBLIC_ROUTES.iter().chain(MEMBER_ROUTES) {
                audit(&b, path, &mut problems).await?;
            }
            b.goto("/signin").await?;
            b.type_into("#signin-login", "ana").await?;
            b.type_into("#signin-password", curtain_server::demo::DEMO_PASSWORD).await?;
            b.click("#signin-submit").await?;
            b.find("#account-name").await?;
            for path in PUBLIC_ROUTES.iter().chain(MEMBER_ROUTES) {
                audit(&b, path, &mut problems).await?;
            }
            ensure!(problems.is_empty(), "accessibility problems ({scheme}):\n  {}", problems.join("\n  "));
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn every_route_passes_axe_in_light() {
    audit_all("light").await;
}

#[tokio::test]
async fn every_route_passes_axe_in_dark() {
    audit_all("dark").await;
}

#[tokio::test]
async fn the_audit_notices_an_unlabelled_control() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b
        .attempt("a11y_probe", async {
            b.goto("/").await?;
            b.find("main#main h1").await?;
            ensure!(b.axe_violations().await?.is_empty(), "home starts clean");
            b.driver
                .execute("document.querySelector('main').appendChild(document.createElement('input'))", vec![])
                .await?;
            let found = b.axe_violations().await?;
            ensure!(found.iter().any(|v| v.starts_with("label")), "{found:?}");
            Ok(())
        })
        .await;
    b.finish(outcome).await;
}
