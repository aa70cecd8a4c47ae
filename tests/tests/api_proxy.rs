//! Behind a reverse proxy: only a `--trusted-proxy` peer is believed about
//! the client's address (`X-Forwarded-For`, rightmost untrusted hop) and
//! scheme (`X-Forwarded-Proto`). The sessions list, the sign-in log and the
//! per-address limits follow it; from anyone else the headers are ignored.

use std::net::{IpAddr, Ipv4Addr};

use curtain_server::rate_limit::PER_IP;
use curtain_tests::{ApiClient, Options, TestApp};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

/// A client connecting from `127.0.0.{last}` that sends `forwarded_for` and
/// `proto` on every request, as a proxy (or someone pretending to be one) would.
fn via(app: &TestApp, last: u8, forwarded_for: &str, proto: &str) -> ApiClient {
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", HeaderValue::from_str(forwarded_for).unwrap());
    headers.insert("x-forwarded-proto", HeaderValue::from_str(proto).unwrap());
    ApiClient::with(
        &app.base,
        reqwest::Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))).default_headers(headers),
    )
}

async fn session_ips(c: &ApiClient) -> Vec<String> {
    let r = c.get("/api/me/sessions").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body.as_array().unwrap().iter().map(|s| s["ip"].as_str().unwrap().to_string()).collect()
}

async fn log_ips(c: &ApiClient) -> Vec<String> {
    let r = c.get("/api/me/activity").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let entries = r.body.as_array().cloned().or_else(|| r.body["signins"].as_array().cloned()).unwrap_or_default();
    entries.iter().filter_map(|s| s["ip"].as_str().map(str::to_string)).collect()
}

/// Fails sign-in `PER_IP` times under different logins, then once more:
/// the status of that last attempt.
async fn fail_past_the_address_limit(c: &ApiClient, tag: &str) -> StatusCode {
    for i in 0..PER_IP {
        let r = c.sign_in(&format!("nobody_{tag}_{i}"), "a guess", false).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}: {:?}", r.body);
    }
    c.sign_in(&format!("nobody_{tag}_last"), "a guess", false).await.status
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_are_ignored() {
    let app = TestApp::spawn().await;
    let c = via(&app, 2, "203.0.113.9", "https");
    assert_eq!(c.sign_up("ana", PW).await.status, StatusCode::CREATED);
    assert_eq!(session_ips(&c).await, ["127.0.0.2"]);
    assert!(c.sign_in("ana", PW, false).await.status.is_success());
    assert!(log_ips(&c).await.iter().all(|ip| ip == "127.0.0.2"), "{:?}", log_ips(&c).await);

    // Changing the header every time does not escape the per-address limit.
    let guesser = via(&app, 3, "198.51.100.1", "http");
    for i in 0..PER_IP {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(&format!("198.51.100.{}", i + 10)).unwrap());
        let r = guesser
            .http
            .post(app.url("/api/auth/signin"))
            .headers(headers)
            .json(&json!({"login": format!("nobody_{i}"), "password": "a guess", "remember": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    assert_eq!(guesser.sign_in("nobody_more", "a guess", false).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The scheme is not taken from the header either: the site is http here.
    let r = guesser
        .http
        .post(app.url("/api/consent"))
        .header("origin", format!("https://{}", app.addr))
        .json(&json!({"consent_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "revision": 1, "categories": ["necessary"], "gpc": false, "method": "reject_all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "an https origin is another site while the server is served over http");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_logged_and_limited() {
    let app = TestApp::spawn_with(Options { trusted_proxies: vec!["127.0.0.1/32"], ..Options::default() }).await;
    // Through the proxy: the client forged a header of its own; the proxy
    // appended the address it saw.
    let member = via(&app, 1, "1.1.1.1, 203.0.113.9", "https");
    assert_eq!(member.sign_up("bea", PW).await.status, StatusCode::CREATED);
    assert_eq!(session_ips(&member).await, ["203.0.113.9"]);
    assert!(member.sign_in("bea", PW, false).await.status.is_success());
    assert_eq!(log_ips(&member).await.first().map(String::as_str), Some("203.0.113.9"));

    // A peer that is not the proxy is its own client, whatever it says.
    let direct = via(&app, 2, "198.51.100.77", "https");
    assert!(direct.sign_in("bea", PW, false).await.status.is_success());
    assert!(session_ips(&direct).await.contains(&"127.0.0.2".to_string()), "{:?}", session_ips(&direct).await);

    // Limits count the forwarded client: one is stopped, the next is not.
    let first = via(&app, 1, "203.0.113.20", "https");
    assert_eq!(fail_past_the_address_limit(&first, "a").await, StatusCode::TOO_MANY_REQUESTS);
    let second = via(&app, 1, "203.0.113.21", "https");
    assert_eq!(second.sign_in("nobody_b", "a guess", false).await.status, StatusCode::UNAUTHORIZED);

    // The proxy says the site is served over https: an https origin is this site.
    let consent = json!({"consent_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "revision": 1, "categories": ["necessary"], "gpc": false, "method": "reject_all"});
    for (origin, expected) in [(format!("https://{}", app.addr), true), (format!("http://{}", app.addr), false)] {
        let r = second.http.post(app.url("/api/consent")).header("origin", &origin).json(&consent).send().await.unwrap();
        assert_eq!(r.status() != StatusCode::FORBIDDEN, expected, "{origin}: {}", r.status());
    }
}
