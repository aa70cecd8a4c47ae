//! Languages over HTTP: a page's language is in its address (`/de/...`,
//! `/pt-BR/...`, `/en/...`), a first visit follows the browser's
//! `Accept-Language`, the page says its language and where the others are,
//! the banner speaks it and comes back to it without JavaScript, and consent
//! receipts record the language the answer was given in.

use curtain_api::CONSENT_COOKIE;
use curtain_tests::{ApiClient, TestApp};
use curtain_ui::Lang;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery staple";

/// A browser that does not follow redirects, so each answer is seen as it is.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `GET path`, with `Accept-Language` when given, and the cookies of `c` when given.
async fn get(
    app: &TestApp,
    path: &str,
    accept_language: Option<&str>,
    c: Option<&ApiClient>,
) -> (StatusCode, HeaderMap, String) {
    let mut req = browser().get(app.url(path));
    if let Some(accept) = accept_language {
        req = req.header("accept-language", accept);
    }
    if let Some(c) = c {
        req = req.header("cookie", cookies_of(c));
    }
    let r = req.send().await.expect("GET");
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.text().await.expect("a body"))
}

fn cookies_of(c: &ApiClient) -> String {
    [CONSENT_COOKIE, curtain_api::SESSION_COOKIE, curtain_api::CSRF_COOKIE]
        .iter()
        .filter_map(|name| c.cookie(name).map(|v| format!("{name}={v}")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Posts the banner's form as a browser does (same-origin `Origin`), with `c`'s cookies.
async fn answer(app: &TestApp, c: &ApiClient, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut req = browser().post(app.url("/consent")).form(fields).header("origin", app.base.clone());
    let cookies = cookies_of(c);
    if !cookies.is_empty() {
        req = req.header("cookie", cookies);
    }
    req.send().await.expect("POST /consent")
}

fn vary(headers: &HeaderMap) -> String {
    headers.get_all("vary").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ").to_lowercase()
}

fn location(headers: &HeaderMap) -> &str {
    headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn revision(c: &ApiClient) -> String {
    c.get("/api/consent/config").await.body["revision"].to_string()
}

async fn receipt_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM consent_receipts").fetch_one(&app.command_db.read().clone()).await.unwrap()
}

/// The four `hreflang` links a page at `path` (no prefix, with its query) must carry.
fn hreflang_set(app: &TestApp, path: &str, query: &str) -> Vec<String> {
    let at = |prefix: &str| {
        let page = if path == "/" && !prefix.is_empty() { String::new() } else { path.to_string() };
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.replace('&', "&amp;")) };
        format!("{}{prefix}{page}{query}", app.base)
    };
    vec![
        format!("hreflang=\"en\" href=\"{}\"", at("/en")),
        format!("hreflang=\"de\" href=\"{}\"", at("/de")),
        format!("hreflang=\"pt-BR\" href=\"{}\"", at("/pt-BR")),
        format!("hreflang=\"x-default\" href=\"{}\"", at("")),
    ]
}

#[tokio::test]
async fn a_prefixed_address_is_the_page_in_that_language() {
    let app = TestApp::spawn_with_spa().await;
    assert_eq!(app.client().sign_up("ana", PW).await.status, StatusCode::CREATED);
    for (prefix, tag, reject_all) in [("/de", "de", "Alle ablehnen"), ("/pt-BR", "pt-BR", "Recusar tudo"), ("/en", "en", "Reject all")]
    {
        for (path, query, what) in [
            ("/privacy", "", "<h1"),
            ("/u/ana", "", "@ana"),
            ("/privacy/compare", "from=1&to=2", "<h1"),
            ("/", "", ""),
            // A page only the app draws: the app's shell, in the language.
            ("/settings", "", "loading-shell__status"),
        ] {
            let address = match (path, query) {
                ("/", _) => prefix.to_string(),
                (path, "") => format!("{prefix}{path}"),
                (path, query) => format!("{prefix}{path}?{query}"),
            };
            // A browser asking for another language still gets the one in the address.
            let (status, headers, html) = get(&app, &address, Some("fr-FR,de;q=0.5"), None).await;
            assert_eq!(status, StatusCode::OK, "{address}");
            assert!(html.contains(&format!("<html lang=\"{tag}\"")), "{address}: <html lang>");
            for link in hreflang_set(&app, path, query) {
                assert!(html.contains(&format!("<link rel=\"alternate\" {link}")), "{address}: {link}");
            }
            assert!(html.contains(reject_all), "{address}: the banner speaks {tag}");
            assert!(html.contains(&format!("name=\"language\" value=\"{tag}\"")), "{address}: the form says its language");
            let back = if query.is_empty() { address.clone() } else { address.replace('&', "&amp;") };
            assert!(html.contains(&format!("name=\"return_to\" value=\"{back}\"")), "{address}: comes back to itself");
            assert!(html.contains(what), "{address}: the page itself");
            assert!(!vary(&headers).contains("accept-language"), "{address}: a chosen language does not vary");
        }
    }
    let (_, _, html) = get(&app, "/de/privacy", None, None).await;
    assert!(html.contains("<h1>Datenschutzerklärung</h1>"), "the policy is there in German addresses too, under a German heading");
}

#[tokio::test]
async fn status_codes_stay_what_they_are_without_a_prefix() {
    let app = TestApp::spawn_with_spa().await;
    let (status, _, html) = get(&app, "/de/u/nobody", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such member");
    assert!(html.contains("<html lang=\"de\""), "the 404 page is German too");
    assert_eq!(get(&app, "/pt-BR/no/such/page", None, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/de/privacy/v/999", None, None).await.0, StatusCode::NOT_FOUND);

    // A comparison asked newest first is put in order, in its language.
    let (status, headers, _) = get(&app, "/de/privacy/compare?from=2&to=1", None, None).await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&headers), "/de/privacy/compare?from=1&to=2");
    let (status, headers, _) = get(&app, "/privacy/compare?from=2&to=1", None, None).await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&headers), "/privacy/compare?from=1&to=2", "unprefixed stays unprefixed");

    // What is not a page has one address only.
    assert_eq!(get(&app, "/de/api/consent/config", None, None).await.0, StatusCode::NOT_FOUND);
    let (status, _, body) = get(&app, "/de/robots.txt", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // The banner's form is no page: a GET of it under a prefix is no page either.
    assert_eq!(get(&app, "/de/consent", None, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_first_visit_follows_the_browser() {
    let app = TestApp::spawn_with_spa().await;
    for (path, accept, to) in [
        ("/privacy", "de-DE,de;q=0.9,en;q=0.5", "/de/privacy"),
        ("/", "de", "/de"),
        ("/privacy/compare?from=1&to=2", "pt-PT,pt;q=0.9", "/pt-BR/privacy/compare?from=1&to=2"),
        ("/u/nobody", "fr,pt-BR;q=0.8", "/pt-BR/u/nobody"),
        ("/settings", "de-AT", "/de/settings"),
    ] {
        let (status, headers, _) = get(&app, path, Some(accept), None).await;
        assert_eq!(status, StatusCode::FOUND, "{path} for {accept}");
        assert_eq!(location(&headers), to, "{path} for {accept}: the prefixed address, query kept");
        assert!(vary(&headers).contains("accept-language"), "{path}: Vary");
    }
    // English, no match, or no header at all (a crawler): served in place, in English.
    for accept in [Some("en-US,en;q=0.9,de;q=0.8"), Some("fr-FR,es;q=0.5"), Some("de;q=0"), None] {
        let (status, headers, html) = get(&app, "/privacy", accept, None).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}");
        assert!(html.contains("<html lang=\"en\"") && html.contains("Reject all"), "{accept:?}: English");
        assert!(vary(&headers).contains("accept-language"), "{accept:?}: Vary says it could have been otherwise");
        for link in hreflang_set(&app, "/privacy", "") {
            assert!(html.contains(&link), "{accept:?}: {link}");
        }
    }
    // `/en/...` is how someone chooses English over what the browser asks for.
    let (status, _, html) = get(&app, "/en/privacy", Some("de"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"en\""));
    assert_eq!(get(&app, "/de/privacy", Some("pt-BR"), None).await.0, StatusCode::OK, "a prefix is never redirected");

    // Nothing that is not a page moves.
    let css = std::fs::read_dir(curtain_tests::built_spa())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("main-") && name.ends_with(".css"))
        .expect("the build's stylesheet");
    for path in ["/api/consent/config", "/robots.txt", "/sitemap.xml", "/policies/privacy.atom", &format!("/{css}")] {
        let (status, headers, _) = get(&app, path, Some("de-DE,de"), None).await;
        assert_eq!(status, StatusCode::OK, "{path} is not a page");
        assert!(!vary(&headers).contains("accept-language"), "{path}: does not depend on the language");
    }
    let (status, _, _) = get(&app, "/api/no-such-thing", Some("de"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an API address is never redirected");
    let r = browser().post(app.url("/consent")).header("accept-language", "de").form(&[("answer", "x")]).send().await.unwrap();
    assert_ne!(r.status(), StatusCode::FOUND, "nor is a POST");
}

#[tokio::test]
async fn the_no_javascript_answer_comes_back_to_the_same_language() {
    let app = TestApp::spawn_with_spa().await;
    let c = app.client();
    let (_, _, html) = get(&app, "/de/privacy", None, Some(&c)).await;
    assert!(html.contains("name=\"return_to\" value=\"/de/privacy\""));
    let rev = revision(&c).await;
    let r = answer(&app, &c, &[("answer", "choose"), ("revision", &rev), ("return_to", "/de/privacy"), ("language", "de")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(r.headers()), "/de/privacy?consent=choose#consent-banner");
    let r = answer(&app, &c, &[("answer", "reject_all"), ("revision", &rev), ("return_to", "/de/privacy"), ("language", "de")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(r.headers()), "/de/privacy", "back to the German page");
    let stored: Vec<String> = sqlx::query_scalar("SELECT language FROM consent_receipts ORDER BY id")
        .fetch_all(&app.command_db.read().clone())
        .await
        .unwrap();
    assert_eq!(stored, ["de"], "a visitor's answer records its language too");

    // English chosen over the browser comes back to `/en`, not to a negotiated address.
    let (_, _, html) = get(&app, "/en/u/nobody", Some("de"), Some(&app.client())).await;
    assert!(html.contains("name=\"return_to\" value=\"/en/u/nobody\""), "{html}");
}

#[tokio::test]
async fn receipts_record_the_language_of_the_answer() {
    let app = TestApp::spawn_with_spa().await;
    let olga = app.client();
    assert_eq!(olga.sign_up("olga", PW).await.status, StatusCode::CREATED);
    let token = olga.cookie(curtain_api::CSRF_COOKIE).unwrap();
    let rev = revision(&olga).await;

    // The banner's form on a German page.
    let r = answer(
        &app,
        &olga,
        &[("answer", "accept_all"), ("revision", &rev), ("csrf", &token), ("return_to", "/de"), ("language", "de")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(r.headers()), "/de");
    let mine = olga.get("/api/me/consents").await;
    assert_eq!(mine.body[0]["language"], "de", "{:?}", mine.body);

    // The app's answer in Brazilian Portuguese: stored and returned.
    let (_, mut body) = curtain_tests::consent_answer(rev.parse().unwrap(), true, false);
    body["language"] = json!("pt-BR");
    let r = olga.post("/api/consent", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["language"], "pt-BR");
    let mine = olga.get("/api/me/consents").await;
    assert_eq!(mine.body[0]["language"], "pt-BR");
    assert_eq!(mine.body[1]["language"], "de");

    // A client that does not say: English, as before languages.
    let (_, body) = curtain_tests::consent_answer(rev.parse().unwrap(), false, false);
    assert!(body.get("language").is_none());
    let r = olga.post("/api/consent", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["language"], "en");

    // The export holds each receipt's language.
    let export: Value = olga.get("/api/me/export").await.body;
    let languages: Vec<&str> = export["tables"]["consent_receipts"]
        .as_array()
        .expect("the receipts in the export")
        .iter()
        .map(|r| r["language"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(languages, ["de", "pt-BR", "en"], "{export}");

    // A language that is not ours is refused, and nothing is stored.
    let before = receipt_count(&app).await;
    for bad in ["fr", "", "klingon"] {
        let (_, mut body) = curtain_tests::consent_answer(rev.parse().unwrap(), true, true);
        body["language"] = json!(bad);
        let r = olga.post("/api/consent", &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {:?}", r.body);
        assert_eq!(r.code(), "invalid_language", "{bad:?}");
        assert!(r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(r.body["error"]["fields"]["language"][0].as_str().is_some_and(|m| !m.is_empty()), "{:?}", r.body);
        let r = answer(&app, &olga, &[("answer", "reject_all"), ("revision", &rev), ("csrf", &token), ("language", bad)]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad:?} by the form");
        assert!(!r.text().await.unwrap().is_empty(), "says why");
    }
    assert_eq!(receipt_count(&app).await, before, "nothing stored for a bad language");
}

#[tokio::test]
async fn search_engines_find_every_language() {
    let app = TestApp::spawn_with_spa().await;
    assert_eq!(app.client().sign_up("ana", PW).await.status, StatusCode::CREATED);
    let (status, _, sitemap) = get(&app, "/sitemap.xml", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""), "{sitemap}");
    for path in ["/privacy", "/privacy/v/1", "/u/ana"] {
        for prefix in ["", "/en", "/de", "/pt-BR"] {
            assert!(sitemap.contains(&format!("<loc>{}{prefix}{path}</loc>", app.base)), "{prefix}{path} in {sitemap}");
        }
        for link in hreflang_set(&app, path, "") {
            assert!(sitemap.contains(&format!("<xhtml:link rel=\"alternate\" {link}/>")), "{link}");
        }
    }
    assert!(sitemap.contains(&format!("<loc>{}/de</loc>", app.base)), "the home page in German");
    let (_, _, robots) = get(&app, "/robots.txt", None, None).await;
    for prefix in ["", "/en", "/de", "/pt-BR"] {
        assert!(robots.contains(&format!("Disallow: {prefix}/settings\n")), "{robots}");
    }
}

#[tokio::test]
async fn every_page_is_titled_and_described_in_its_language() {
    use curtain_ui::titles::{not_found_words, profile_description, route_words};
    let app = TestApp::spawn_with_spa().await;
    app.member("ana", "correct horse battery").await;
    let escape = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    for lang in [Lang::De, Lang::PtBr] {
        for route in ["/signin", "/signup", "/privacy/request", "/search", "/privacy/promises", "/report-child-account"] {
            let (status, _, html) = get(&app, &lang.path(route), None, None).await;
            assert_eq!(status, StatusCode::OK, "{route}");
            let (title, description) = route_words(route, lang);
            let (english_title, _) = route_words(route, Lang::En);
            assert_ne!(title, english_title, "{route} is titled in {}", lang.tag());
            assert!(html.contains(&format!("<title>{} · Curtain</title>", escape(title.unwrap()))), "{route}: {html}");
            assert!(html.contains(&format!("content=\"{}\"", escape(description.unwrap()))), "{route}");
        }
        let (status, _, html) = get(&app, &lang.path("/u/nobody-here"), None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (title, description) = not_found_words(lang);
        assert!(html.contains(&format!("<title>{} · Curtain</title>", escape(title))), "{html}");
        assert!(html.contains(&escape(description)));
        let (_, _, html) = get(&app, &lang.path("/u/ana"), None, None).await;
        assert!(html.contains(&escape(&profile_description("@ana", lang))), "{html}");
        let (_, _, html) = get(&app, &lang.path("/"), None, None).await;
        assert!(html.contains(&format!("content=\"{}\"", escape(route_words("/", lang).1.unwrap()))));
    }
}
