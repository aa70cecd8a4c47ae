//! The SPA as Trunk builds it (`trunk build --release`: every page in one
//! module, Trunk's own loader), served by curtain-server: a short journey
//! through what a first visit and a member do, so the dev loop's build is
//! known to work as well as the split one. `cargo xtask test` builds it into
//! `CURTAIN_TRUNK_DIST`.

use std::path::PathBuf;

use anyhow::ensure;
use curtain_tests::browser::Browser;
use curtain_tests::{Options, TestApp};

const PW: &str = "correct horse battery";

fn trunk_dist() -> PathBuf {
    let dist = std::env::var_os("CURTAIN_TRUNK_DIST").map(PathBuf::from).expect(
        "CURTAIN_TRUNK_DIST is not set: run the tests with `cargo xtask test`, which builds the SPA with Trunk too",
    );
    assert!(dist.join("index.html").is_file(), "no Trunk build at {}", dist.display());
    dist
}

#[tokio::test]
async fn trunks_build_serves_the_banner_sign_in_a_profile_and_the_policy() {
    let app = TestApp::spawn_with(Options { dist: Some(trunk_dist()), ..Options::default() }).await;
    app.member("tara", PW).await.edit_profile(serde_json::json!({"about": "Built by Trunk."})).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("trunks_build_serves_the_banner_sign_in_a_profile_and_the_policy", async {
        b.goto("/").await?;
        b.find("#consent-banner").await?;
        b.click("#consent-reject-all").await?;
        b.wait_gone("#consent-banner").await?;
        let names: Vec<String> = b.driver.get_all_cookies().await?.into_iter().map(|c| c.name).collect();
        ensure!(names == ["curtain_consent"], "{names:?}");
        b.sign_in("tara", PW).await?;
        b.goto("/u/tara").await?;
        b.wait_for_text("#profile-about", "Built by Trunk.").await?;
        b.goto("/privacy").await?;
        b.wait_for_text("#policy-version", "Version").await?;
        // Every page came from the one module: nothing was fetched on the way.
        let split: Vec<String> =
            b.fetched_assets().await?.into_iter().filter(|p| p.contains("__wasm_split") || p.contains("/chunk_")).collect();
        ensure!(split.is_empty(), "Trunk's build has no page modules: {split:?}");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
