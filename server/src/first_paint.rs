//! The first paint: the page the server sends for every address of the app.
//!
//! It is the built `index.html` with what this request needs already in it,
//! so that a visitor sees the answer before the wasm arrives, and a crawler,
//! an archiver or a browser without JavaScript sees it at all:
//! - the consent banner, when the request carries no consent that counts
//!   (rendered from the shared `curtain_ui` component, as a form that works
//!   without JavaScript: `POST /consent`);
//! - for the policy pages, the policy itself (the same sanitised HTML the API
//!   serves, in the same shared view the app uses);
//! - the page's title, description and robots rules, and its true status:
//!   `404` for an address that is no page, or a member nobody by that name;
//! - the consent configuration the app would otherwise ask for first, so its
//!   first render matches this page and it takes over without a flash.
//!
//! Nothing here is cached: the page depends on the request's cookies.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use curtain_api::consent::{category_descriptions, valid_consent, ConsentConfig, ConsentRecord, NoConsent};
use curtain_api::routes::route_of;
use curtain_ui::banner::{BannerContent, CHOOSE_QUERY};

use crate::consent::{self as consent_store, gpc_header, RequestConsent};
use crate::language::PageLang;
use curtain_ui::Lang;
use crate::policy::feed::escape;
use crate::error::{Error, Result};
use crate::session::Viewer;
use crate::{clock, AppState};

/// Where the page goes in `index.html` (both builds keep comments).
const BANNER_MARK: &str = "<!-- first-paint:banner -->";
/// The waiting page's footer, written in the page's language.
const FOOTER_START: &str = "<!-- first-paint:footer -->";
const FOOTER_END: &str = "<!-- /first-paint:footer -->";
/// The waiting page's link home and its feed link, as `index.html` has them.
const SITE_LINK: &str = "<a class=\"site-name\" href=\"/\">";
const FEED_LINK: &str =
    "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Curtain privacy policy versions\" href=\"/policies/privacy.atom\" />";
const MAIN_START: &str = "<!-- first-paint:main -->";
const MAIN_END: &str = "<!-- /first-paint:main -->";
const DEFAULT_TITLE: &str = "<title>Curtain</title>";
const SITE_NAME: &str = "Curtain";

/// What one request's page holds.
#[derive(Debug, Default)]
pub struct Page {
    pub status: u16,
    /// The page's own name, before " · Curtain"; `None` for the home page.
    pub title: Option<String>,
    pub description: Option<String>,
    /// Ask search engines not to index the page (header and meta tag).
    pub noindex: bool,
    /// The banner's HTML, when the request has no consent that counts.
    pub banner: Option<String>,
    /// The page's content, for the pages the server renders.
    pub main: Option<String>,
    /// The consent configuration as `GET /api/consent/config` would answer.
    pub consent: Option<ConsentConfig>,
    /// This page's proper address, when the request named it another way
    /// (a comparison asked newest first): answered with a redirect.
    pub redirect: Option<String>,
    /// The page's language: `<html lang>` and the banner's words.
    pub lang: Lang,
    /// The same page in each language (`hreflang`, absolute address), and
    /// `x-default`, the address without a prefix.
    pub alternates: Vec<(&'static str, String)>,
    /// The footer, with its language switcher, in the page's language.
    pub footer: Option<String>,
    /// What the page says while the app loads (or that it needs
    /// JavaScript), where the server renders no page of its own.
    pub waiting: Option<String>,
}

/// The built `index.html`, filled in per request.
pub struct Template {
    html: String,
}

impl Template {
    pub fn new(html: String) -> Template {
        Template { html }
    }

    pub fn fill(&self, page: &Page) -> String {
        let mut html = set_html_lang(&self.html, page.lang.tag());
        let title = match &page.title {
            Some(title) => format!("<title>{} · {SITE_NAME}</title>", escape(title)),
            None => DEFAULT_TITLE.to_string(),
        };
        html = html.replacen(DEFAULT_TITLE, &title, 1);
        if let Some(description) = &page.description {
            html = replace_meta_content(&html, "description", &escape(description));
        }
        let mut head_extra = String::new();
        if page.noindex {
            // The app removes it on its first navigation: it is about this address only.
            head_extra.push_str("<meta id=\"first-paint-robots\" name=\"robots\" content=\"noindex\" />\n");
        }
        for (hreflang, href) in &page.alternates {
            head_extra.push_str(&format!(
                "<link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\" />\n",
                escape(href)
            ));
        }
        if let Some(at) = html.find("</head>") {
            html.insert_str(at, &head_extra);
        }
        if let Some(banner) = &page.banner {
            html = html.replacen(BANNER_MARK, banner, 1);
        }
        if let Some(footer) = &page.footer {
            replace_between(&mut html, FOOTER_START, FOOTER_END, footer);
        }
        if page.lang != Lang::En {
            let home = format!("<a class=\"site-name\" href=\"{}\">", page.lang.path("/"));
            html = html.replacen(SITE_LINK, &home, 1);
            let feed = format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{}\" />",
                escape(curtain_ui::policy::feed_words(page.lang).title),
                escape(&curtain_ui::policy::feed_href(page.lang)),
            );
            html = html.replacen(FEED_LINK, &feed, 1);
        }
        match (&page.main, &page.waiting) {
            (Some(main), _) => replace_between(&mut html, MAIN_START, MAIN_END, &format!("<div id=\"first-paint-page\">{main}</div>")),
            (None, Some(waiting)) => replace_between(&mut html, MAIN_START, MAIN_END, waiting),
            (None, None) => {}
        }
        if let Some(config) = &page.consent {
            let json = serde_json::to_string(config).unwrap_or_default();
            // Inside <script>, only "</" could end it early: write "<" as an escape.
            let json = json.replace('<', "\\u003c");
            let boot = format!("<script type=\"application/json\" id=\"curtain-boot\">{json}</script>\n");
            if let Some(at) = html.rfind("</body>") {
                html.insert_str(at, &boot);
            }
        }
        html
    }
}

/// Replaces the part of `html` from `start` to `end` (both marks included)
/// with `with`, when both marks are there in that order.
fn replace_between(html: &mut String, start: &str, end: &str, with: &str) {
    if let (Some(from), Some(to)) = (html.find(start), html.find(end)) {
        if from < to {
            html.replace_range(from..to + end.len(), with);
        }
    }
}

/// The response for `page`: its status, robots header, and no shared
/// caching (the page depends on the request's cookies). A browser may keep
/// it and revalidate: the ETag is the page's own hash.
pub fn respond(template: &Template, page: &Page, head_only: bool, if_none_match: Option<&str>) -> Response {
    if let Some(address) = &page.redirect {
        return axum::response::Redirect::permanent(address).into_response();
    }
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let body = template.fill(page);
    let digest = <sha2::Sha256 as sha2::Digest>::digest(body.as_bytes());
    let etag = format!("\"{}\"", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
    let fresh = status == StatusCode::OK
        && if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else if head_only {
        let mut response = status.into_response();
        response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        response
    } else {
        (status, body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie, sec-gpc"));
    if page.noindex {
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    }
    response
}

/// The page for a request to `path` (with its `query`), as its cookies and
/// headers make it.
pub async fn page(
    state: &AppState,
    path: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    jar: &axum_extra::extract::cookie::CookieJar,
    viewer: Option<&Viewer>,
    lang: PageLang,
) -> Result<Page> {
    let mut page = describe(state, path, query, viewer, lang).await?;
    page.lang = lang.lang;
    // The footer's switcher: this page in each language.
    let here = match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    };
    page.footer = Some(curtain_ui::html::in_language(lang, || curtain_ui::html::shell_footer(&here)));
    if page.main.is_none() {
        page.waiting = Some(curtain_ui::html::in_language(lang, curtain_ui::html::shell_waiting));
    }
    // Redirects and the banner's way back keep the address's language.
    page.redirect = page.redirect.map(|to| lang.path(&to));
    if page.status == 200 {
        page.alternates = alternates(&state.config.site_url, path, query);
    }
    let current = consent_store::current_revision(state.db.read()).await?;
    let gpc = gpc_header(headers);
    let cookie = jar.get(curtain_api::CONSENT_COOKIE).map(|c| c.value().to_string());
    let trusted = RequestConsent::judge(state, cookie.as_deref(), current.revision, gpc).await?;
    // Asked for by "Cookie settings" without JavaScript, answer or not.
    let choosing = query.is_some_and(|q| q.split('&').any(|p| p == CHOOSE_QUERY));
    if trusted.is_none() || choosing {
        // What the banner says depends on why there is no answer that counts.
        let old_answer = matches!(
            valid_consent(cookie.as_deref(), clock::now(), current.revision, gpc),
            Err(NoConsent::OldRevision)
        );
        let previous = cookie.as_deref().and_then(|c| ConsentRecord::decode(c).ok()).map(|r| r.choices);
        page.banner = Some(curtain_ui::html::in_language(lang, || curtain_ui::html::consent_banner(BannerContent {
            revision: current.revision,
            changes: old_answer.then(|| current.summary.clone()),
            gpc,
            choosing: choosing.then(category_descriptions),
            choices: previous.unwrap_or_default(),
            return_to: match query {
                Some(q) if !q.is_empty() => format!("{}?{q}", lang.path(path)),
                _ => lang.path(path),
            },
            csrf: viewer.map(Viewer::csrf_token),
            lang: lang.lang,
        })));
    }
    page.consent = Some(ConsentConfig {
        revision: current.revision,
        revised_on: current.effective_on,
        changes: current.summary,
        categories: category_descriptions(),
        gpc,
        cookie_confirmed: trusted.is_some(),
    });
    Ok(page)
}

/// `path` (with `query`) in every language, as `hreflang` alternates:
/// absolute, from the site's public address. English is the `/en` address,
/// which never redirects; `x-default` the one without a prefix, which sends
/// a browser asking for another language there. The banner's "choose" step
/// is no part of the page's address.
pub fn alternates(site_url: &str, path: &str, query: Option<&str>) -> Vec<(&'static str, String)> {
    let base = site_url.trim_end_matches('/');
    let query: Vec<&str> = query.unwrap_or("").split('&').filter(|p| !p.is_empty() && *p != CHOOSE_QUERY).collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    let chosen = |lang: Lang| PageLang { lang, explicit: true }.path(path);
    let mut links: Vec<(&'static str, String)> =
        Lang::ALL.into_iter().map(|lang| (lang.tag(), format!("{base}{}{query}", chosen(lang)))).collect();
    links.push(("x-default", format!("{base}{path}{query}")));
    links
}

/// `html` with its root element's `lang` attribute set to `tag` (added when
/// the build wrote none).
fn set_html_lang(html: &str, tag: &str) -> String {
    let Some(start) = html.find("<html") else { return html.to_string() };
    let Some(len) = html[start..].find('>') else { return html.to_string() };
    let element = &html[start..start + len];
    let new_element = match element.find(" lang=\"") {
        Some(at) => {
            let value_start = at + " lang=\"".len();
            match element[value_start..].find('"') {
                Some(value_len) => format!("{}{tag}{}", &element[..value_start], &element[value_start + value_len..]),
                None => return html.to_string(),
            }
        }
        None => format!("<html lang=\"{tag}\"{}", &element["<html".len()..]),
    };
    format!("{}{new_element}{}", &html[..start], &html[start + len..])
}

/// The status, words and content of the page at `path`.
async fn describe(
    state: &AppState,
    path: &str,
    query: Option<&str>,
    viewer: Option<&Viewer>,
    lang: curtain_ui::PageLang,
) -> Result<Page> {
    let render = |f: &dyn Fn() -> String| curtain_ui::html::in_language(lang, f);
    let Some(route) = route_of(path) else {
        return Ok(not_found(lang.lang));
    };
    let segment = |n: usize| path.trim_end_matches('/').split('/').nth(n).unwrap_or("").to_string();
    let mut page = Page { status: 200, ..Page::default() };
    match route {
        "/u/:username" => {
            let username = segment(2);
            match crate::http::profile_for_page(state, viewer, &username).await {
                Ok(profile) => {
                    let name = match &profile.display_name {
                        Some(display) => format!("{display} (@{})", profile.username),
                        None => format!("@{}", profile.username),
                    };
                    page.description = Some(curtain_ui::titles::profile_description(&name, lang.lang));
                    page.title = Some(name);
                    page.noindex = !profile.indexable;
                }
                Err(Error::NotFound) => return Ok(not_found(lang.lang)),
                Err(Error::Request { status: StatusCode::NOT_FOUND, .. }) => return Ok(not_found(lang.lang)),
                Err(error) => return Err(error),
            }
        }
        "/privacy" => {
            let doc = crate::http::policy::current_document(state, lang.lang).await?;
            page.description = Some(format!("{}: {}", curtain_ui::policy::version_heading(doc.meta.version, lang.lang), doc.meta.summary));
            page.title = Some(curtain_ui::policy::policy_heading(lang.lang).to_string());
            let heading = curtain_ui::policy::policy_heading(lang.lang).to_string();
            page.main = Some(render(&|| curtain_ui::html::policy_page(heading.clone(), doc.clone())));
        }
        "/privacy/v/:n" => {
            let Some(doc) = crate::http::policy::version_document(state, &segment(3), lang.lang).await? else {
                return Ok(not_found(lang.lang));
            };
            let heading = curtain_ui::policy::version_heading(doc.meta.version, lang.lang);
            page.description = Some(format!("{heading}: {}", doc.meta.summary));
            page.title = Some(heading.clone());
            page.main = Some(render(&|| curtain_ui::html::policy_page(heading.clone(), doc.clone())));
        }
        "/privacy/versions" => {
            let list = crate::http::policy::version_list(state, lang.lang).await?;
            let heading = curtain_ui::policy::versions_heading(lang.lang).to_string();
            page.title = Some(heading.clone());
            page.description = Some(curtain_ui::policy::versions_lede(lang.lang).to_string());
            page.main = Some(render(&|| curtain_ui::html::versions_page(heading.clone(), list.versions.clone())));
        }
        "/privacy/compare" => {
            let param = |name: &str| query_param(query, name);
            let (from, to) = (param("from"), param("to"));
            let layout = curtain_ui::diff::DiffLayout::from_query(param("view").as_deref());
            // A comparison reads from the older version to the newer: asked
            // the other way round, the address is put right first, so the
            // pickers, the address and the changes all agree.
            let number = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<u32>().ok());
            if let (Some(a), Some(b)) = (number(&from), number(&to)) {
                if a > b {
                    page.redirect = Some(curtain_ui::compare::compare_address(b, a, layout));
                    return Ok(page);
                }
            }
            let diff = match (&from, &to) {
                (None, None) => None,
                (from, to) => Some(match crate::http::policy::diff_between(state, from.as_deref(), to.as_deref(), lang.lang).await {
                    Ok(diff) => Ok(diff),
                    Err(Error::Request { status, message, .. }) => {
                        page.status = status.as_u16();
                        Err(message)
                    }
                    Err(error) => return Err(error),
                }),
            };
            let (title, description) = curtain_ui::titles::route_words(route, lang.lang);
            page.title = title.map(str::to_string);
            page.description = description.map(str::to_string);
            let versions = crate::http::policy::version_list(state, lang.lang).await?.versions;
            page.main = Some(render(&|| {
                curtain_ui::html::compare_page(versions.clone(), from.clone(), to.clone(), layout, diff.clone())
            }));
        }
        other => {
            let (title, description) = curtain_ui::titles::route_words(other, lang.lang);
            page.title = title.map(str::to_string);
            page.description = description.map(str::to_string);
            // Addresses holding a secret, and pages only a member sees, are nobody's search result.
            page.noindex = matches!(other, "/unsubscribe/:token" | "/verify-email/:token" | "/account-deleted")
                || other.starts_with("/settings");
        }
    }
    Ok(page)
}

fn not_found(lang: Lang) -> Page {
    let (title, description) = curtain_ui::titles::not_found_words(lang);
    Page {
        status: 404,
        title: Some(title.into()),
        description: Some(description.into()),
        noindex: true,
        ..Page::default()
    }
}


/// The first value of `name` in a query string, decoded.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `<meta name="NAME" content="...">` with new content (already escaped).
fn replace_meta_content(html: &str, name: &str, content: &str) -> String {
    let tag = format!("<meta name=\"{name}\" content=\"");
    let Some(start) = html.find(&tag) else { return html.to_string() };
    let value_start = start + tag.len();
    let Some(len) = html[value_start..].find('"') else { return html.to_string() };
    format!("{}{content}{}", &html[..value_start], &html[value_start + len..])
}

/// `/robots.txt`: everything may be crawled but the API and the pages that
/// hold a secret or only make sense signed in (in every language); where
/// the sitemap is.
pub fn robots_txt(site_url: &str) -> String {
    let mut robots = String::from("User-agent: *\nDisallow: /api/\nDisallow: /consent\n");
    let prefixes = std::iter::once(String::new()).chain(Lang::ALL.iter().map(|lang| format!("/{}", lang.tag())));
    for prefix in prefixes {
        for page in ["/settings", "/unsubscribe/", "/verify-email/"] {
            robots.push_str(&format!("Disallow: {prefix}{page}\n"));
        }
    }
    robots.push_str(&format!("Allow: /\n\nSitemap: {}/sitemap.xml\n", site_url.trim_end_matches('/')));
    robots
}

/// `/sitemap.xml`: the policy pages (each version's permanent address too)
/// and the profiles whose owners allow search engines, each in every
/// language: every address of a page is listed, each with the same
/// `xhtml:link` alternates as the page's own `hreflang` links.
pub async fn sitemap_xml(state: &AppState) -> Result<String> {
    let site = state.config.site_url.as_str();
    let list = crate::http::policy::version_list(state, curtain_ui::Lang::En).await?;
    let mut pages: Vec<(String, Option<String>)> = vec![
        ("/".into(), None),
        ("/privacy".into(), list.versions.iter().find(|v| v.version == list.current_version).map(|v| v.effective_date.clone())),
        ("/privacy/versions".into(), None),
        ("/privacy/promises".into(), None),
    ];
    for v in &list.versions {
        pages.push((format!("/privacy/v/{}", v.version), Some(v.effective_date.clone())));
    }
    for username in crate::profiles::indexable_usernames(state.db.read()).await? {
        pages.push((format!("/u/{username}"), None));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (path, lastmod) in pages {
        let links = alternates(site, &path, None);
        let mut alternate_links = String::new();
        for (hreflang, href) in &links {
            alternate_links
                .push_str(&format!("<xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>", escape(href)));
        }
        // The address without a prefix (x-default) first, as before languages.
        let mut locs: Vec<&String> = links.iter().map(|(_, href)| href).collect();
        locs.rotate_right(1);
        for loc in locs {
            xml.push_str(&format!("  <url><loc>{}</loc>", escape(loc)));
            if let Some(lastmod) = &lastmod {
                xml.push_str(&format!("<lastmod>{}</lastmod>", escape(lastmod)));
            }
            xml.push_str(&alternate_links);
            xml.push_str("</url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<html lang=\"en\"><head><meta name=\"description\" content=\"Old.\" /><title>Curtain</title></head>\
        <body><div id=\"loading-shell\"><header></header><!-- first-paint:banner --><main>\
        <!-- first-paint:main --><p>Loading</p><!-- /first-paint:main --></main>\
        <!-- first-paint:footer --><footer>English</footer><!-- /first-paint:footer --></div></body></html>";

    #[test]
    fn the_page_is_filled_in_where_the_build_marked_it() {
        let page = Page {
            status: 200,
            title: Some("Sign <in>".into()),
            description: Some("Say \"hi\"".into()),
            noindex: true,
            banner: Some("<section id=\"consent-banner\"></section>".into()),
            main: Some("<h1>Policy</h1>".into()),
            consent: None,
            redirect: None,
            lang: Lang::En,
            alternates: vec![],
            footer: Some("<footer><nav class=\"language-switch\"></nav></footer>".into()),
            waiting: None,
        };
        let html = Template::new(INDEX.into()).fill(&page);
        assert!(html.contains("</main><footer><nav class=\"language-switch\"></nav></footer></div>"), "{html}");
        assert!(!html.contains("English"), "{html}");
        assert!(html.contains("<title>Sign &lt;in&gt; · Curtain</title>"), "{html}");
        assert!(html.contains("content=\"Say &quot;hi&quot;\""), "{html}");
        assert!(html.contains("name=\"robots\" content=\"noindex\" />"), "{html}");
        assert!(html.contains("<header></header><section id=\"consent-banner\">"), "{html}");
        assert!(html.contains("<div id=\"first-paint-page\"><h1>Policy</h1></div></main>"), "{html}");
        assert!(!html.contains("Loading"), "{html}");
    }

    #[test]
    fn an_empty_page_keeps_the_build_as_it_is() {
        let html = Template::new(INDEX.into()).fill(&Page { status: 200, ..Page::default() });
        assert_eq!(html, INDEX);
    }

    #[test]
    fn the_page_says_its_language_and_where_the_others_are() {
        let index = INDEX.replacen("<html lang=\"en\">", "<html lang=\"en\" class=\"x\">", 1);
        let page = Page {
            status: 200,
            lang: Lang::PtBr,
            alternates: alternates("https://curtain.example/", "/privacy/compare", Some("from=1&to=2&consent=choose")),
            ..Page::default()
        };
        let html = Template::new(index).fill(&page);
        assert!(html.starts_with("<html lang=\"pt-BR\" class=\"x\">"), "{html}");
        for link in [
            "hreflang=\"en\" href=\"https://curtain.example/en/privacy/compare?from=1&amp;to=2\"",
            "hreflang=\"de\" href=\"https://curtain.example/de/privacy/compare?from=1&amp;to=2\"",
            "hreflang=\"pt-BR\" href=\"https://curtain.example/pt-BR/privacy/compare?from=1&amp;to=2\"",
            "hreflang=\"x-default\" href=\"https://curtain.example/privacy/compare?from=1&amp;to=2\"",
        ] {
            assert!(html.contains(link), "{link} in {html}");
        }
        // A build without the attribute gets one.
        let bare = INDEX.replacen("<html lang=\"en\">", "<html>", 1);
        let html = Template::new(bare).fill(&Page { lang: Lang::De, ..Page::default() });
        assert!(html.starts_with("<html lang=\"de\"><head>"), "{html}");
        assert_eq!(alternates("http://h", "/", None)[1], ("de", "http://h/de".to_string()));
        assert_eq!(alternates("http://h", "/", None)[3], ("x-default", "http://h/".to_string()));
    }

    #[test]
    fn boot_data_cannot_end_its_script() {
        let config = ConsentConfig {
            revision: 2,
            revised_on: "2026-01-01".into(),
            changes: "</script><script>alert(1)</script>".into(),
            categories: vec![],
            gpc: false,
            cookie_confirmed: false,
        };
        let html = Template::new(INDEX.into()).fill(&Page { status: 200, consent: Some(config), ..Page::default() });
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
    }

    #[test]
    fn every_page_of_the_app_has_its_words() {
        for route in curtain_api::routes::PAGES {
            let dynamic = matches!(*route, "/u/:username" | "/privacy" | "/privacy/v/:n" | "/privacy/versions");
            // (`/privacy/compare` has its words here, and its content from the query.)
            for lang in Lang::ALL {
                let (title, _) = curtain_ui::titles::route_words(route, lang);
                assert!(dynamic || title.is_some() || *route == "/", "{route} has no title in {}", lang.tag());
            }
        }
    }
}
