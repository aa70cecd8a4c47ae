//! The size budget of a first visit, measured on the real build as the server
//! sends it. Sizes are deterministic, so this is a fair test; timings are not,
//! and live in `cargo xtask bench`.

use curtain_tests::{referenced_assets, TestApp};

/// The budget for everything a first load of `/` transfers, brotli-compressed.
/// Not met yet: the wasm holds every page of the app, and Trunk cannot split
/// it. The test reports the gap; see the README's performance section.
const FIRST_LOAD_BUDGET_BYTES: usize = 250 * 1024;
/// What the first load may not grow beyond while the budget is out of reach
/// (the size today plus a small margin). Lower it as the app shrinks.
const FIRST_LOAD_CEILING_BYTES: usize = 345 * 1024;

#[tokio::test]
async fn first_load_of_home_fits_the_brotli_budget() {
    let app = TestApp::spawn_with_spa().await;
    let http = app.client().http;
    let fetch = |path: String| {
        let http = http.clone();
        let url = app.url(&path);
        async move {
            let r = http.get(url).header("accept-encoding", "br").send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            let encoding = r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            (path, encoding, r.bytes().await.unwrap().len())
        }
    };
    let (_, _, html_size) = fetch("/".into()).await;
    let html = http.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let assets = referenced_assets(&html);
    assert!(assets.iter().any(|a| a.ends_with(".wasm")), "{assets:?}");
    assert!(assets.iter().any(|a| a.ends_with(".js")), "{assets:?}");
    let mut total = html_size;
    let mut report = vec![format!("/ {html_size}")];
    for path in assets {
        let (path, encoding, size) = fetch(path).await;
        if path.ends_with(".wasm") || path.ends_with(".js") || path.ends_with(".css") {
            assert_eq!(encoding.as_deref(), Some("br"), "{path} is sent brotli-compressed");
        }
        report.push(format!("{path} {size}"));
        total += size;
    }
    eprintln!("first load, brotli: {total} bytes\n  {}", report.join("\n  "));
    if total > FIRST_LOAD_BUDGET_BYTES {
        eprintln!("over the {FIRST_LOAD_BUDGET_BYTES}-byte budget by {} bytes", total - FIRST_LOAD_BUDGET_BYTES);
    }
    assert!(
        total <= FIRST_LOAD_CEILING_BYTES,
        "first load is {total} bytes, over the {FIRST_LOAD_CEILING_BYTES}-byte ceiling: {report:?}"
    );
}

#[test]
fn finds_the_assets_trunk_writes_into_the_page() {
    let html = r#"<link rel="stylesheet" href="/main-1.css"/><script type="module">
import init, * as bindings from '/curtain-2.js';
const wasm = await init({ module_or_path: '/curtain-2_bg.wasm' });</script><link rel="modulepreload" href="/curtain-2.js">"#;
    assert_eq!(referenced_assets(html), ["/main-1.css", "/curtain-2.js", "/curtain-2_bg.wasm"]);
}
