//! Unsafe requests from another site are refused by their `Origin` (or,
//! without one, their `Referer`), in addition to the CSRF token: a page
//! elsewhere cannot sign a visitor in to an account of its choosing, answer
//! the consent banner for them, or act for a member even if it learned the
//! token. Requests with neither header (programs, not browsers) go on to
//! the token check as before.

use curtain_tests::{ApiClient, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PW: &str = "correct horse battery";

/// POSTs JSON as the SPA does (CSRF header from the jar), with extra headers.
async fn post_with(c: &ApiClient, path: &str, body: &serde_json::Value, headers: &[(&str, &str)]) -> Reply {
    send_with(c, Method::POST, path, Some(body), headers).await
}

async fn send_with(
    c: &ApiClient,
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = c.http.request(method, format!("{}{path}", c.base()));
    if let Some(body) = body {
        req = req.json(body);
    }
    if let Some(token) = c.cookie(curtain_api::CSRF_COOKIE) {
        req = req.header(curtain_api::CSRF_HEADER, token);
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(serde_json::Value::Null);
    Reply { status, headers, body }
}

fn assert_cross_site(what: &str, r: &Reply) {
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "cross_site"), "{what}: {:?}", r.body);
    assert!(!r.body["error"]["message"].as_str().unwrap_or("").is_empty(), "{what}: {:?}", r.body);
}

// promise: forgery-protection
#[tokio::test]
async fn another_site_cannot_sign_a_visitor_in_or_answer_for_them() {
    let app = TestApp::spawn().await;
    app.member("ana", PW).await;
    let port = app.addr.port();
    let signin = json!({"login": "ana", "password": PW, "remember": false});
    let others = [
        ("origin", "https://evil.example".to_string()),
        ("origin", "null".to_string()),
        ("origin", format!("http://127.0.0.1:{}", port + 1)),
        ("origin", format!("https://127.0.0.1:{port}")),
        ("origin", format!("http://localhost:{port}")),
        ("referer", "https://evil.example/page?x=1".to_string()),
        ("referer", format!("http://127.0.0.1.evil.example:{port}/")),
    ];
    for (name, value) in &others {
        let c = app.client();
        let r = post_with(&c, "/api/auth/signin", &signin, &[(name, value)]).await;
        assert_cross_site(&format!("{name}: {value}"), &r);
        assert!(c.cookie("curtain_session").is_none(), "{name}: {value} signed in");
        let (_, receipt) = curtain_tests::consent_answer(1, true, true);
        assert_cross_site(&format!("consent, {name}: {value}"), &post_with(&c, "/api/consent", &receipt, &[(name, value)]).await);
    }
    let receipts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consent_receipts").fetch_one(&app.db).await.unwrap();
    assert_eq!(receipts, 0);

    // The site itself, by Origin or by Referer, and a client that sends neither.
    let own = format!("http://127.0.0.1:{port}");
    let own_cases: Vec<Vec<(&str, String)>> = vec![
        vec![("origin", own.clone())],
        vec![("origin", format!("HTTP://127.0.0.1:{port}"))],
        vec![("referer", format!("{own}/signin?next=/"))],
        // Origin decides when both are there.
        vec![("origin", own.clone()), ("referer", "https://evil.example/".into())],
        vec![],
    ];
    for headers in &own_cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let c = app.client();
        let r = post_with(&c, "/api/auth/signin", &signin, &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}: {:?}", r.body);
    }
    // An Origin from another site decides, whatever the Referer says.
    let c = app.client();
    let r = post_with(&c, "/api/auth/signin", &signin, &[("origin", "https://evil.example"), ("referer", &format!("{own}/"))]).await;
    assert_cross_site("origin elsewhere, referer here", &r);
}

#[tokio::test]
async fn a_member_is_protected_even_from_a_site_that_has_the_token() {
    let app = TestApp::spawn().await;
    let c = app.member("bea", PW).await;
    // The CSRF token is sent (as if it had leaked); the Origin gives it away.
    for method in [Method::POST, Method::PATCH, Method::DELETE, Method::PUT] {
        let r = send_with(&c, method.clone(), "/api/auth/signout", Some(&json!({})), &[("origin", "https://evil.example")]).await;
        assert_cross_site(&format!("{method}"), &r);
    }
    let r = send_with(&c, Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "bea"})), &[("origin", "https://evil.example")]).await;
    assert_cross_site("delete account", &r);
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK, "still signed in, account still there");
    // Reading is not refused: a GET changes nothing (and CORS keeps the answer from the other site).
    let r = send_with(&c, Method::GET, "/api/session", None, &[("origin", "https://evil.example")]).await;
    assert_eq!(r.status, StatusCode::OK);
    // From the site itself, the same request goes through.
    let own = format!("http://127.0.0.1:{}", app.addr.port());
    let r = post_with(&c, "/api/auth/signout", &json!({}), &[("origin", &own)]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
}

#[tokio::test]
async fn behind_https_the_site_is_its_https_origin() {
    let app = TestApp::spawn_with(curtain_tests::Options { secure_cookies: true, ..Default::default() }).await;
    let port = app.addr.port();
    let signin = json!({"login": "nobody", "password": PW, "remember": false});
    let r = post_with(&app.client(), "/api/auth/signin", &signin, &[("origin", &format!("https://127.0.0.1:{port}"))]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the site's own https origin: {:?}", r.body);
    let r = post_with(&app.client(), "/api/auth/signin", &signin, &[("origin", &format!("http://127.0.0.1:{port}"))]).await;
    assert_cross_site("plain http when served over https", &r);
}
