//! The browser harness itself: a test passes only when the harness could
//! read the Content-Security-Policy record of every tab it opened, and a
//! violation in any tab fails it.

use std::time::{Duration, Instant};

use curtain_tests::browser::Browser;
use curtain_tests::TestApp;
use futures::FutureExt;

/// Runs an inline script in the current tab, which the policy must refuse,
/// and waits until the refusal is recorded.
async fn break_the_policy(b: &Browser) {
    b.driver
        .execute("const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s);", vec![])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while b.csp_violations().await.unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the violation was never recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether `b.finish` fails the test.
async fn fails(b: Browser, name: &str) -> bool {
    let outcome = b.attempt(name, async { Ok(()) }).await;
    std::panic::AssertUnwindSafe(b.finish(outcome)).catch_unwind().await.is_err()
}

#[tokio::test]
async fn a_tab_the_harness_cannot_read_fails_the_test() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    b.goto("/").await.unwrap();
    b.find("#signin-link").await.unwrap();
    assert!(b.csp_violations().await.unwrap().is_empty());
    // A tab opened behind the harness's back has no recorder: reading it is an
    // error, not an empty list, and the test cannot pass.
    let tab = b.driver.new_tab().await.unwrap();
    b.driver.switch_to_window(tab).await.unwrap();
    b.goto("/").await.unwrap();
    b.find("#signin-link").await.unwrap();
    let read = b.csp_violations().await;
    assert!(read.is_err(), "{read:?}");
    assert!(b.requests_sent().await.is_err(), "nor are its requests known");
    assert!(fails(b, "harness_probe_unreadable_tab").await, "a tab without a record fails the test");
}

#[tokio::test]
async fn a_violation_in_a_second_tab_fails_the_test() {
    let app = TestApp::spawn_with_spa().await;
    let b = Browser::start(&app.base).await.expect("headless Chromium starts");
    b.goto("/").await.unwrap();
    let first = b.driver.window().await.unwrap();
    b.new_tab().await.unwrap();
    b.goto("/privacy").await.unwrap();
    b.find("main#main h1").await.unwrap();
    assert!(b.csp_violations().await.unwrap().is_empty(), "the second tab records too");
    break_the_policy(&b).await;
    // The test ends looking at the first, clean tab.
    b.driver.switch_to_window(first).await.unwrap();
    assert!(b.csp_violations().await.unwrap().is_empty());
    assert!(fails(b, "harness_probe_second_tab").await, "a violation in any tab fails the test");
}
