//! Every 4xx under `/api` speaks the error shape, whatever was wrong with the
//! request: bytes a path parameter cannot hold, a query string that does not
//! parse, a method the route does not have, a body that is not the JSON it
//! expects. The walk covers every route the server has, from the list the
//! router itself is built from, so a new route cannot be left out.

use curtain_api::ErrorBody;
use curtain_tests::{ApiClient, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const PW: &str = "correct horse battery";

/// Asserts that `r` is a 4xx whose body is `{"error": {code, message, ...}}`.
fn assert_error_shape(what: &str, r: &Reply) {
    assert!(r.status.is_client_error(), "{what}: expected a 4xx, got {} {:?}", r.status, r.body);
    let json = r.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    assert!(json, "{what}: {} without a JSON content type: {:?}", r.status, r.body);
    let body: ErrorBody = serde_json::from_value(r.body.clone())
        .unwrap_or_else(|e| panic!("{what}: {} body is not the error shape ({e}): {:?}", r.status, r.body));
    assert!(!body.error.code.is_empty() && !body.error.message.is_empty(), "{what}: {:?}", r.body);
}

/// The body of a request: a content type and the bytes.
type Body = Option<(&'static str, &'static str)>;

/// Any method, path and body, sent as the SPA would (the CSRF header when
/// the jar holds the cookie), with the path's bytes exactly as given.
async fn send(c: &ApiClient, method: Method, path: &str, body: Body) -> Reply {
    let mut req = c.http.request(method.clone(), format!("{}{path}", c.base()));
    if let Some(token) = c.cookie(curtain_api::CSRF_COOKIE) {
        req = req.header(curtain_api::CSRF_HEADER, token);
    }
    if let Some((content_type, bytes)) = body {
        req = req.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, headers, body }
}

#[tokio::test]
async fn path_parameters_that_are_not_utf8_get_the_error_shape() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for path in ["/api/users/%ff", "/api/users/%ff/followers", "/api/unsubscribe/%C3%28", "/api/policies/privacy/versions/%ff"] {
        let r = send(&c, Method::GET, path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {:?}", r.body);
        assert_error_shape(path, &r);
    }
}

#[tokio::test]
async fn query_strings_that_do_not_parse_get_the_error_shape() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for path in [
        "/api/policies/privacy/diff?from=1&from=2&to=3",
        "/api/users?q=a&q=b",
        // A repeated parameter is ambiguous even where the route does not read it.
        "/api/policies/privacy/diff?from=1&to=2&lang=en&lang=fr",
    ] {
        let r = send(&c, Method::GET, path, None).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "bad_request"), "{path}: {:?}", r.body);
        assert_error_shape(path, &r);
        assert!(r.body["error"]["message"].as_str().unwrap().contains("query string"), "{path}: {:?}", r.body);
    }
}

#[tokio::test]
async fn the_api_root_and_unknown_methods_get_the_error_shape() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
        for path in ["/api", "/api/", "/api/no-such-thing", "/api/users/ana/no-such-thing"] {
            let r = send(&c, method.clone(), path, None).await;
            assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{method} {path}: {:?}", r.body);
            assert_error_shape(&format!("{method} {path}"), &r);
        }
    }
    for (method, path) in [
        (Method::PUT, "/api/session"),
        (Method::DELETE, "/api/auth/signin"),
        (Method::PATCH, "/api/users/ana"),
        (Method::OPTIONS, "/api/consent"),
        (Method::GET, "/api/me/history/1"),
    ] {
        let r = send(&c, method.clone(), path, None).await;
        assert_eq!((r.status, r.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"), "{method} {path}: {:?}", r.body);
        assert_error_shape(&format!("{method} {path}"), &r);
        assert!(r.headers.get("allow").is_some(), "{method} {path}: a 405 says which methods there are");
    }
}

/// `{param}` in a route replaced: every parameter with `value`.
fn fill(route: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).expect("a closed parameter");
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Query strings that no route can read: a parameter named twice (every
/// name a route reads, and one none reads) and values of the wrong kind.
const BAD_QUERIES: [&str; 3] = [
    "?x=1&x=2",
    "?as=public&as=member&q=a&q=b&from=1&from=2&to=1&to=2&page=1&page=2&cursor=a&cursor=b&limit=1&limit=2",
    "?as=nobody&from=one&to=-1&page=x&limit=-5&cursor=%ff",
];

/// Bodies no route accepts: not JSON, not sent as JSON, JSON of the wrong
/// shape, an empty object (every field missing), and no body at all.
const BAD_BODIES: [Body; 6] = [
    Some(("application/json", "{not json")),
    Some(("text/plain", "{}")),
    Some(("application/json", "[1, 2, 3]")),
    Some(("application/json", "{}")),
    Some(("application/json", r#"{"username": 5, "token": [], "version": "x", "categories": {}}"#)),
    None,
];

/// Sends one request of the walk and checks its answer: never a 5xx, and a
/// 4xx in the error shape. A member whose request signed them out (signing
/// out and ending the current session are among the routes) signs in again.
async fn probe(c: &ApiClient, member: Option<&str>, method: &Method, path: &str, body: Body) -> StatusCode {
    let what = format!("{} {method} {path} with {body:?}", member.map_or("signed out:", |_| "signed in:"));
    let r = send(c, method.clone(), path, body).await;
    assert!(!r.status.is_server_error(), "{what}: {} {:?}", r.status, r.body);
    if r.status.is_client_error() {
        assert_error_shape(&what, &r);
    }
    if let Some(username) = member.filter(|_| c.cookie(curtain_api::SESSION_COOKIE).is_none()) {
        let again = c.sign_in(username, PW, false).await;
        assert_eq!(again.status, StatusCode::OK, "signing in again after {what}: {:?}", again.body);
    }
    r.status
}

#[tokio::test]
async fn every_route_answers_bad_requests_in_the_error_shape() {
    let routes = curtain_server::api_routes();
    for expected in ["/session", "/users/{username}", "/policies/privacy/diff", "/me/sessions/{id}", "/consent"] {
        assert!(routes.contains(&expected), "{expected} is missing from {routes:?}");
    }
    let app = TestApp::spawn().await;
    let member = app.member("walker", PW).await;
    let anonymous = app.client();
    let methods = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS];
    let mut sent = 0;
    for (c, login) in [(&anonymous, None), (&member, Some("walker"))] {
        for route in &routes {
            // Fitting parameters (the member's own name, a plausible id), and
            // bytes that are not UTF-8 in every parameter.
            let mut paths = vec![format!("/api{}", fill(route, "walker"))];
            if route.contains('{') {
                paths.push(format!("/api{}", fill(route, "1")));
                paths.push(format!("/api{}", fill(route, "%ff")));
                paths.push(format!("/api{}", fill(route, "%C3%28")));
            }
            for path in &paths {
                for method in &methods {
                    sent += 1;
                    if probe(c, login, method, path, None).await == StatusCode::METHOD_NOT_ALLOWED {
                        // The route has no such method: nothing more to try on it.
                        continue;
                    }
                    for query in BAD_QUERIES {
                        sent += 1;
                        probe(c, login, method, &format!("{path}{query}"), None).await;
                    }
                    if !method.is_safe() {
                        for body in BAD_BODIES {
                            sent += 1;
                            probe(c, login, method, path, body).await;
                        }
                    }
                }
            }
        }
    }
    assert!(sent > routes.len() * 10, "the walk sent only {sent} requests");
}
