//! "How we keep our promises" in the real SPA, in headless Chromium, against
//! the real server: every promise of the version in effect as the API lists
//! it, the way from each promise to its statement in the policy and back, and
//! an unknown version.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use curtain_api::policy::{Promise, PromiseList};
use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use thirtyfour::prelude::*;

/// The promises of the version in effect, as `GET /api/policies/privacy/promises` lists them.
async fn promises_in_effect(app: &TestApp) -> PromiseList {
    let reply = app.client().get("/api/policies/privacy/promises").await;
    assert_eq!(reply.status, reqwest::StatusCode::OK, "{:?}", reply.body);
    let list: PromiseList = serde_json::from_value(reply.body).expect("a promise list");
    assert!(!list.promises.is_empty(), "the version in effect makes promises");
    list
}

/// Text as a browser shows it: runs of white space are one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ids in the order the page must show them: grouped under their
/// sections, sections in the order the policy first makes a promise in them.
fn expected_order(promises: &[Promise]) -> Vec<String> {
    let mut sections: Vec<&str> = Vec::new();
    for p in promises {
        if !sections.contains(&p.section_id.as_str()) {
            sections.push(&p.section_id);
        }
    }
    sections
        .iter()
        .flat_map(|s| promises.iter().filter(move |p| p.section_id == *s).map(|p| p.id.clone()))
        .collect()
}

/// Waits until the statement `#promise-<id>` of the policy's text is on
/// screen and has focus, as after following a link to it.
async fn wait_statement_in_view(b: &Browser, id: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = b
            .driver
            .execute(
                "const anchor = document.querySelector('.policy__text #' + CSS.escape(arguments[0]));
                 if (!anchor) { return null; }
                 const statement = anchor.closest('p, li') || anchor;
                 const r = statement.getBoundingClientRect();
                 return { top: r.top, bottom: r.bottom, height: window.innerHeight, scrolled: window.scrollY,
                          focused: document.activeElement === statement };",
                vec![serde_json::json!(id)],
            )
            .await?;
        let v = value.json();
        let top = v["top"].as_f64().unwrap_or(f64::MAX);
        let height = v["height"].as_f64().unwrap_or(0.0);
        if top >= -5.0 && top < height - 20.0 && v["scrolled"].as_f64().unwrap_or(0.0) > 100.0 && v["focused"] == true {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the statement #{id} is not in view with focus: {v}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_promises_page_shows_every_promise_of_the_version_in_effect() {
    let app = TestApp::spawn_with_spa().await;
    let list = promises_in_effect(&app).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_promises_page_shows_every_promise_of_the_version_in_effect", async {
        b.goto("/privacy/promises").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#promises-version", &format!("Version {} of the privacy policy", list.version.version)).await?;
        let title = b.driver.title().await?;
        ensure!(title == "How we keep our promises · Curtain", "{title}");

        let shown = b.driver.find_all(By::Css("article.promise-item")).await?;
        let mut shown_ids = Vec::new();
        for article in &shown {
            shown_ids.push(article.attr("id").await?.unwrap_or_default().trim_start_matches("promise-").to_string());
        }
        ensure!(shown_ids == expected_order(&list.promises), "promises shown {shown_ids:?}, listed {:?}", list.promises);

        for promise in &list.promises {
            let css = format!("section#promises-{} article#promise-{}", promise.section_id, promise.id);
            let article = b.find(&css).await.with_context(|| format!("{} under its section", promise.id))?;
            let heading = b.find(&format!("section#promises-{} h2", promise.section_id)).await?.text().await?;
            ensure!(words(&heading) == words(&promise.section_title), "{heading:?} heads {}", promise.id);

            // Named by its statement, for screen readers.
            let labelled_by = article.attr("aria-labelledby").await?.context("a label")?;
            let statement = b.find(&format!("#{labelled_by}")).await?.text().await?;
            ensure!(words(&statement).contains(&words(&promise.statement)), "{statement:?} for {}", promise.id);
            let how = article.find(By::Css(".promise-item__how")).await?.text().await?;
            ensure!(words(&how) == words(&promise.how), "{how:?} for {}", promise.id);
            let source = article.find(By::Css(".promise-item__source-link")).await?;
            ensure!(
                source.attr("href").await?.as_deref() == Some(format!("/privacy#promise-{}", promise.id).as_str()),
                "the link to {}'s statement",
                promise.id
            );

            ensure!(!promise.tests.is_empty(), "{} is proved by a test", promise.id);
            let codes = article.find_all(By::Css(".promise-item__tests code")).await?;
            let mut tests = Vec::new();
            for code in codes {
                tests.push(code.text().await?);
            }
            for test in &promise.tests {
                let line = format!("{} › {}", test.file, test.name);
                ensure!(tests.contains(&line), "{line:?} missing from {tests:?}");
            }
            if let Some(control) = &promise.control {
                let link = article.find(By::Css(format!("dd a[href=\"{}\"]", control.href))).await?;
                ensure!(link.text().await? == control.label, "the control of {}", promise.id);
            }
            if let Some(retention) = &promise.retention {
                ensure!(words(&article.text().await?).contains(&words(retention)), "the retention of {}", promise.id);
            }
        }
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn read_it_in_the_policy_lands_on_the_statement() {
    let app = TestApp::spawn_with_spa().await;
    let list = promises_in_effect(&app).await;
    // The last promise sits far down the policy: reaching it takes scrolling.
    let promise = list.promises.last().unwrap().clone();
    let anchor = format!("promise-{}", promise.id);
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("read_it_in_the_policy_lands_on_the_statement", async {
        b.goto("/privacy/promises").await?;
        b.dismiss_consent().await?;
        b.click(&format!("#{anchor} .promise-item__source-link")).await?;
        wait_statement_in_view(&b, &anchor).await?;
        let url = b.driver.current_url().await?;
        ensure!(url.path() == "/privacy" && url.fragment() == Some(anchor.as_str()), "{url}");
        let statement = b.find(&format!(".policy__text #{anchor}")).await?;
        let paragraph = statement.find(By::XPath("./ancestor::*[self::p or self::li][1]")).await?.text().await?;
        let first_words: String = words(&promise.statement).split(' ').take(4).collect::<Vec<_>>().join(" ");
        ensure!(words(&paragraph).contains(&first_words), "the anchor sits in its statement: {paragraph:?}");

        // The same address, opened afresh (from another page, so the browser
        // loads it rather than only moving to the fragment), lands there too.
        b.goto("/").await?;
        b.find("main#main h1").await?;
        b.goto(&format!("/privacy#{anchor}")).await?;
        wait_statement_in_view(&b, &anchor).await?;
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn the_policy_links_to_its_promises() {
    let app = TestApp::spawn_with_spa().await;
    let list = promises_in_effect(&app).await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("the_policy_links_to_its_promises", async {
        b.goto("/privacy").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#policy-promises-link", "How we keep each promise").await?;
        b.click("#policy-promises-link").await?;
        b.wait_for_text("#promises-version", &format!("Version {}", list.version.version)).await?;
        ensure!(b.path().await? == "/privacy/promises");
        b.find(&format!("article#promise-{}", list.promises[0].id)).await?;
        // A promise is linkable: its address scrolls to it.
        let last = &list.promises.last().unwrap().id;
        b.goto(&format!("/privacy/promises#promise-{last}")).await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let top = b
                .driver
                .execute("const e = document.getElementById(arguments[0]); return e ? e.getBoundingClientRect().top : null;", vec![serde_json::json!(format!("promise-{last}"))])
                .await?;
            if top.json().as_f64().is_some_and(|t| (-5.0..200.0).contains(&t)) {
                break;
            }
            if Instant::now() > deadline {
                bail!("#promise-{last} never scrolled into view: {:?}", top.json());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}

#[tokio::test]
async fn an_unknown_version_has_no_promises_to_show() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    let outcome = b.attempt("an_unknown_version_has_no_promises_to_show", async {
        b.goto("/privacy/promises?version=999").await?;
        b.dismiss_consent().await?;
        b.wait_for_text("#promises-error", "There is no version 999 of the privacy policy").await?;
        ensure!(b.driver.find_all(By::Css("article.promise-item")).await?.is_empty(), "no promises shown");
        // The way out leads to the version in effect.
        b.click("#promises-error a").await?;
        b.find("article.promise-item").await?;
        ensure!(b.driver.current_url().await?.query().is_none(), "back to the version in effect");
        Ok(())
    })
    .await;
    b.finish(outcome).await;
}
