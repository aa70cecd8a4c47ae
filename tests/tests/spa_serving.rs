//! How the server delivers the SPA: history fallback and cache headers.

use curtain_tests::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_of_the_app_gets_the_page_revalidated_every_time() {
    let app = TestApp::spawn().await;
    let c = app.client();
    assert_eq!(c.sign_up("ana", "correct horse battery staple").await.status, StatusCode::CREATED);
    for path in ["/", "/signin", "/u/ana", "/privacy/v/2", "/settings/data"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        // It depends on the request's cookies: never kept by a shared cache.
        assert_eq!(r.headers["cache-control"], "private, no-cache", "{path}");
        assert!(r.body.as_str().unwrap().contains("Curtain</title>"), "{path}");
    }
    // An address that is no page of the app is the app's page still (it
    // shows its not-found view), with the status that says so.
    let r = c.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn a_build_file_that_is_not_there_is_a_404_not_the_page() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get("/app-0123456789abcdef/split_privacy.wasm").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/wasm");
    assert_eq!(r.headers["cache-control"], "public, max-age=31536000, immutable");
    // A module of another build, or one this build does not have: an old tab
    // after a deploy must see the failure, not HTML where it expects code.
    for path in ["/app-fedcba9876543210/split_privacy.wasm", "/app-0123456789abcdef/split_gone.wasm", "/main-0123456789abcdef.css"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
    }
}

#[tokio::test]
async fn precompressed_files_are_sent_as_they_are() {
    let app = TestApp::spawn().await;
    let get = |encoding: &'static str| {
        app.client().http.get(app.url("/curtain-0123456789abcdef.js")).header("accept-encoding", encoding).send()
    };
    let r = get("gzip, br").await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert!(r.headers()["vary"].to_str().unwrap().to_lowercase().contains("accept-encoding"));
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"precompressed brotli bytes");
    // Without a .gz twin, gzip is compressed on the fly instead.
    let r = get("gzip").await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = get("identity").await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert!(r.text().await.unwrap().starts_with("console.log('curtain');"));
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_compressed_on_request() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/curtain-0123456789abcdef.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["cache-control"], "public, max-age=31536000, immutable");

    let r = app
        .client()
        .http
        .get(app.url("/curtain-0123456789abcdef.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["vary"].to_str().unwrap().to_lowercase().contains("accept-encoding"));
}

#[tokio::test]
async fn every_response_carries_a_content_security_policy() {
    let app = TestApp::spawn().await;
    for path in ["/", "/api/health"] {
        let r = app.client().get(path).await;
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(r.headers.contains_key("permissions-policy"));
        assert!(!r.headers.contains_key("strict-transport-security"), "no HSTS over plain http");
    }
    let secure = TestApp::spawn_with(curtain_tests::Options { secure_cookies: true, ..Default::default() }).await;
    let r = secure.client().get("/").await;
    assert!(r.headers["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn the_page_revalidates_with_its_etag() {
    let app = TestApp::spawn().await;
    let http = app.client().http;
    let first = http.get(app.url("/signin")).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = http.get(app.url("/signin")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Another page says other things (its title): another tag.
    let other = http.get(app.url("/privacy")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    let head = http.head(app.url("/signin")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["etag"].to_str().unwrap(), etag);
    let post = http.post(app.url("/signin")).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}
