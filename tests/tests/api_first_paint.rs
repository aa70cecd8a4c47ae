//! The first paint over HTTP: what the server's page holds for each request
//! (the consent banner, the policy, the words and status a crawler reads),
//! and the banner's form, which answers without JavaScript.

use curtain_api::consent::ConsentRecord;
use curtain_api::CONSENT_COOKIE;
use curtain_tests::{ApiClient, Reply, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery staple";

/// The page at `path` as text.
async fn page(c: &ApiClient, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = c.http.get(format!("{}{path}", c.base())).send().await.expect("GET");
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.text().await.expect("a body"))
}

fn has_banner(html: &str) -> bool {
    html.contains("id=\"consent-banner\"")
}

/// Posts the banner's form as a browser does (same-origin `Origin`), without
/// following the redirect.
async fn answer(app: &TestApp, c: &ApiClient, fields: &[(&str, &str)], extra: &[(&str, &str)]) -> reqwest::Response {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = http.post(app.url("/consent")).form(fields).header("origin", app.base.clone());
    let cookies: Vec<String> = [CONSENT_COOKIE, curtain_api::SESSION_COOKIE, curtain_api::CSRF_COOKIE]
        .iter()
        .filter_map(|name| c.cookie(name).map(|v| format!("{name}={v}")))
        .collect();
    if !cookies.is_empty() {
        req = req.header("cookie", cookies.join("; "));
    }
    for (name, value) in extra {
        req = req.header(*name, *value);
    }
    req.send().await.expect("POST /consent")
}

async fn revision(c: &ApiClient) -> String {
    c.get("/api/consent/config").await.body["revision"].to_string()
}

/// The `curtain_consent` value a response set, if any.
fn consent_set(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("curtain_consent="))
        .map(str::to_string)
}

async fn receipts(app: &TestApp) -> Vec<(String, String, Option<i64>)> {
    sqlx::query_as("SELECT consent_id, method, user_id FROM consent_receipts ORDER BY id")
        .fetch_all(&app.command_db.read().clone())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_banner_is_in_the_page_until_an_answer_counts() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let (status, _, html) = page(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(has_banner(&html), "a first visit gets the banner in the HTML");
    assert!(html.contains("action=\"/consent\"") && html.contains("method=\"post\""), "as a form");
    assert!(!html.contains("id=\"consent-changes\""), "nothing changed for a first visit");

    // A well-formed cookie the server holds no receipt for: ignored.
    let (forged, _) = curtain_tests::consent_answer(1, true, true);
    c.set_cookie(CONSENT_COOKIE, &forged.encode());
    assert!(has_banner(&page(&c, "/privacy").await.2), "a forged answer counts for nothing");
    c.set_cookie(CONSENT_COOKIE, "v1.garbage");
    assert!(has_banner(&page(&c, "/privacy").await.2), "garbage counts for nothing");

    c.give_consent(false, false).await;
    let (_, _, html) = page(&c, "/").await;
    assert!(!has_banner(&html), "an answer that counts: no banner");
    assert!(html.contains("\"cookie_confirmed\":true"), "the app is told the server's word on it");

    // The consent information changes: the answer is to an older revision now.
    curtain_server::consent::revise(&app.command_db, "Page views are now counted per kind of page.").await.unwrap();
    let (_, _, html) = page(&c, "/").await;
    assert!(has_banner(&html), "an answer to an older revision asks again");
    assert!(html.contains("id=\"consent-changes\"") && html.contains("Page views are now counted per kind of page."));
}

#[tokio::test]
async fn each_answer_of_the_form_sets_the_cookie_and_stores_the_receipt() {
    let app = TestApp::spawn_with_spa().await;
    for (given, expected_method, categories) in [
        ("reject_all", "reject_all", "n"),
        ("accept_all", "accept_all", "npa"),
        ("custom", "custom", "np"),
    ] {
        let c = app.client();
        let rev = revision(&c).await;
        let mut fields = vec![("answer", given), ("revision", rev.as_str()), ("return_to", "/privacy?from=banner")];
        if given == "custom" {
            fields.push(("preferences", "on"));
        }
        let r = answer(&app, &c, &fields, &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{given}");
        assert_eq!(r.headers()["location"], "/privacy?from=banner", "{given}: back to the page");
        let set = consent_set(&r).unwrap_or_else(|| panic!("{given}: no cookie set"));
        assert!(set.contains("Path=/") && set.contains("SameSite=Lax") && set.contains("Max-Age=15724800"), "{set}");
        assert!(!set.to_ascii_lowercase().contains("httponly"), "the app reads it: {set}");
        let value = set.trim_start_matches("curtain_consent=").split(';').next().unwrap().to_string();
        let record = ConsentRecord::decode(&value).expect("the cookie is in the contract's format");
        assert_eq!(record.encode().split('.').nth(3).unwrap(), categories, "{given}");
        let stored = receipts(&app).await;
        let last = stored.last().unwrap();
        assert_eq!((last.0.as_str(), last.1.as_str()), (record.id.as_str(), expected_method), "{given}: the receipt");

        c.set_cookie(CONSENT_COOKIE, &value);
        assert!(!has_banner(&page(&c, "/").await.2), "{given}: the answer counts on the next page");
    }
}

#[tokio::test]
async fn accept_all_under_global_privacy_control_leaves_analytics_off() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let rev = revision(&c).await;
    let r = answer(&app, &c, &[("answer", "accept_all"), ("revision", &rev), ("return_to", "/")], &[("sec-gpc", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = consent_set(&r).unwrap();
    let record = ConsentRecord::decode(set.trim_start_matches("curtain_consent=").split(';').next().unwrap()).unwrap();
    assert!(record.choices.preferences && !record.choices.analytics && record.gpc, "{record:?}");
}

#[tokio::test]
async fn choose_comes_back_with_the_switches_and_saves_them() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let rev = revision(&c).await;
    let r = answer(&app, &c, &[("answer", "choose"), ("revision", &rev), ("return_to", "/privacy")], &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/privacy?consent=choose#consent-banner");
    assert!(consent_set(&r).is_none(), "choosing is not an answer yet");
    assert!(receipts(&app).await.is_empty());
    let (_, _, html) = page(&c, "/privacy?consent=choose").await;
    for control in ["name=\"preferences\"", "name=\"analytics\"", "value=\"custom\""] {
        assert!(html.contains(control), "{control} is on the page");
    }
    assert!(html.contains("name=\"return_to\" value=\"/privacy?consent=choose\""), "the answer returns to the page");
    let r = answer(&app, &c, &[("answer", "custom"), ("revision", &rev), ("return_to", "/privacy?consent=choose"), ("analytics", "on")], &[]).await;
    assert_eq!(r.headers()["location"], "/privacy", "back to the page, switches put away");
    assert!(consent_set(&r).unwrap().contains(".na."), "analytics only");
}

#[tokio::test]
async fn the_form_refuses_other_sites_stale_pages_and_garbage() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let rev = revision(&c).await;
    let fields = [("answer", "accept_all"), ("revision", rev.as_str()), ("return_to", "/")];

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = http.post(app.url("/consent")).form(&fields).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(consent_set(&r).is_none());
    assert!(r.text().await.unwrap().contains("another site"));

    // Shown for a revision that is no longer current: back to the page, nothing stored.
    let r = answer(&app, &c, &[("answer", "accept_all"), ("revision", "999"), ("return_to", "/privacy")], &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/privacy");
    assert!(consent_set(&r).is_none());

    // Sent elsewhere: never. The answer stays here.
    let r = answer(&app, &c, &[("answer", "reject_all"), ("revision", &rev), ("return_to", "//evil.example/x")], &[]).await;
    assert_eq!(r.headers()["location"], "/");

    for bad in [vec![("answer", "maybe"), ("revision", rev.as_str())], vec![("revision", rev.as_str())]] {
        let r = answer(&app, &c, &bad, &[]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad:?}");
        assert!(!r.text().await.unwrap().is_empty(), "{bad:?}: says why");
    }
    assert_eq!(receipts(&app).await.len(), 1, "only the one good answer was stored");
}

#[tokio::test]
async fn a_members_form_answer_needs_their_token_and_is_tied_to_them() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    assert_eq!(c.sign_up("olga", PW).await.status, StatusCode::CREATED);
    let (_, _, html) = page(&c, "/").await;
    let token = c.cookie(curtain_api::CSRF_COOKIE).unwrap();
    assert!(html.contains(&format!("name=\"csrf\" value=\"{token}\"")), "the form carries the member's token");
    let rev = revision(&c).await;
    let r = answer(&app, &c, &[("answer", "reject_all"), ("revision", &rev)], &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no token: refused");
    assert!(receipts(&app).await.is_empty());
    let r = answer(&app, &c, &[("answer", "reject_all"), ("revision", &rev), ("csrf", &token)], &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = receipts(&app).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].2.is_some(), "tied to the member");
}

#[tokio::test]
async fn what_a_crawler_reads_is_true() {
    let app = TestApp::spawn_with_spa().await;
    let ana = app.client();
    assert_eq!(ana.sign_up("ana", PW).await.status, StatusCode::CREATED);
    let bruno = app.client();
    assert_eq!(bruno.sign_up("bruno", PW).await.status, StatusCode::CREATED);
    let r = bruno.send(reqwest::Method::PATCH, "/api/me/privacy", Some(&json!({"indexable": false})), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let crawler = app.client();

    for path in ["/nowhere", "/u/nobody", "/privacy/v/999", "/privacy/v/abc", "/settings/nothing"] {
        let (status, headers, html) = page(&crawler, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(headers["x-robots-tag"], "noindex", "{path}");
        assert!(html.contains("<title>Page not found · Curtain</title>"), "{path}");
    }

    let (status, headers, html) = page(&crawler, "/u/ana").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("x-robots-tag").is_none() && !html.contains("name=\"robots\""), "ana allows indexing");
    assert!(html.contains("<title>@ana · Curtain</title>"), "{html}");
    let (status, headers, html) = page(&crawler, "/u/bruno").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-robots-tag"], "noindex");
    assert!(html.contains("name=\"robots\" content=\"noindex\" />"));

    for (path, title) in [("/signin", "Sign in · Curtain"), ("/privacy", "Privacy policy · Curtain"), ("/", "Curtain")] {
        let (status, _, html) = page(&crawler, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!("<title>{title}</title>")), "{path}");
        assert!(html.contains("<meta name=\"description\" content=\""), "{path}");
    }

    let r = crawler.http.get(app.url("/robots.txt")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let robots = r.text().await.unwrap();
    assert!(robots.contains("Disallow: /api/") && robots.contains("Sitemap: ") && robots.contains("/sitemap.xml"), "{robots}");

    let r = crawler.http.get(app.url("/sitemap.xml")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sitemap = r.text().await.unwrap();
    assert!(sitemap.contains("/privacy</loc>") && sitemap.contains("/privacy/v/1</loc>"), "{sitemap}");
    assert!(sitemap.contains("/u/ana</loc>"), "ana allows indexing: {sitemap}");
    assert!(!sitemap.contains("/u/bruno"), "bruno does not: {sitemap}");
}

#[tokio::test]
async fn the_policy_is_in_the_page_as_the_api_serves_it() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let current: Reply = c.get("/api/policies/privacy").await;
    let (status, _, html) = page(&c, "/privacy").await;
    assert_eq!(status, StatusCode::OK);
    let sections = current.body["sections"].as_array().unwrap();
    assert!(sections.len() >= 5);
    for section in sections {
        let text = section["html"].as_str().unwrap();
        assert!(html.contains(text), "section {} is in the page as the API serves it", section["id"]);
    }
    let (status, _, html) = page(&c, "/privacy/v/1").await;
    assert_eq!(status, StatusCode::OK);
    let first = c.get("/api/policies/privacy/versions/1").await;
    assert!(html.contains(first.body["sections"][0]["html"].as_str().unwrap()));
    assert!(html.contains("<h1>Privacy policy, version 1</h1>"));
    let (_, _, html) = page(&c, "/privacy/versions").await;
    assert!(html.contains("id=\"policy-versions\"") && html.contains("href=\"/privacy/v/1\""));
}

#[tokio::test]
async fn the_comparison_is_in_the_page_in_the_layout_the_address_names() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let (status, _, html) = page(&c, "/privacy/compare?from=2&to=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"policy-diff\"") && html.contains("<ins>") && html.contains("<del>"), "{html}");
    assert!(html.contains("action=\"/privacy/compare\""), "the pickers are a form that works without JavaScript");
    assert!(!html.contains("diff__sides"), "inline unless asked");
    let (_, _, html) = page(&c, "/privacy/compare?from=2&to=3&view=side").await;
    assert!(html.contains("diff__sides"), "side by side when the address says so");
    assert!(html.contains("id=\"diff-view-side\"") && html.contains("aria-pressed=\"true\""));
    let (status, _, html) = page(&c, "/privacy/compare?from=1&to=42").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("id=\"compare-error\"") && html.contains("no version 42"), "{html}");
    let (status, _, html) = page(&c, "/privacy/compare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Pick two versions above"));
}

#[tokio::test]
async fn a_comparison_asked_newest_first_is_sent_to_its_proper_address() {
    let app = TestApp::spawn_with_spa().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (asked, proper) in [
        ("from=3&to=1", "/privacy/compare?from=1&to=3"),
        ("from=3&to=2&view=side", "/privacy/compare?from=2&to=3&view=side"),
        ("to=1&from=2", "/privacy/compare?from=1&to=2"),
    ] {
        let r = http.get(app.url(&format!("/privacy/compare?{asked}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT, "{asked}");
        assert_eq!(r.headers()["location"], proper, "{asked}");
    }
    // In order, or not two numbers: no redirect; the page says what is wrong.
    for asked in ["from=1&to=3", "from=2&to=2", "from=x&to=1", "from=3"] {
        let r = http.get(app.url(&format!("/privacy/compare?{asked}"))).send().await.unwrap();
        assert!(!r.status().is_redirection(), "{asked}: {}", r.status());
    }
}

#[tokio::test]
async fn a_bad_comparison_is_explained_in_words() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    for (asked, words) in [
        ("from=one&to=2", "\u{201c}one\u{201d} is not a version number"),
        ("from=1", "Pick the version to compare with."),
        ("to=2", "Pick the version to compare from."),
    ] {
        let (status, _, html) = page(&c, &format!("/privacy/compare?{asked}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{asked}");
        assert!(html.contains(words), "{asked}: {html}");
        let api = c.get(&format!("/api/policies/privacy/diff?{asked}")).await;
        let message = api.body["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(words) && !message.contains('`'), "{asked}: the API says {message:?}");
    }
    // Whatever is typed into the address comes back escaped, and the
    // message quotes only the start of it.
    let (_, _, html) = page(&c, &format!("/privacy/compare?from=%3Cb%3E{}&to=1", "x".repeat(200))).await;
    // The message only: the footer's language links carry the whole address.
    let message = &html[html.find("id=\"compare-error\"").expect("the error is on the page")..];
    let message = &message[..message.find("</p>").expect("the message ends")];
    assert!(message.contains("&lt;b&gt;xxx") && !message.contains("<b>"), "{message}");
    assert!(!message.contains(&"x".repeat(60)), "{message}");
}
