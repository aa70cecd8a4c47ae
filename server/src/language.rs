//! A page's language is in its address (`curtain_ui::Lang`): `/de/privacy`
//! is the privacy page in German, `/pt-BR` the home page in Brazilian
//! Portuguese, `/en/...` English chosen on purpose; an address without a
//! prefix is English, except on a first visit whose browser asks for German
//! or Portuguese, which is sent to that language's address.
//!
//! [`route`] runs before routing (it wraps the whole router: a layer added
//! with `Router::layer` runs after the route is chosen, too late to change
//! the path it is chosen by). It takes the prefix off a page's address, so
//! every route and the first paint see the page's own path, and leaves the
//! language in the request's extensions ([`PageLang`], and the bare [`Lang`]).
//! Only pages are touched: the API, the banner's form, the feed, robots and
//! sitemap and the app's own files keep their one address, and are never
//! redirected. A signed-in member who chose a language in their account
//! goes to it from an unprefixed page, whatever the browser asks for.
//!
//! It also sets every request's language for the sentences the server
//! writes (`i18n::request_lang`): a page's own, or what `Accept-Language`
//! prefers of ours (the app sends its page's language on each API request).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use curtain_ui::Lang;

use crate::spa::Assets;
use crate::AppState;

/// The language of the page a request asks for, and whether its address
/// said so (`/en/privacy` did, `/privacy` did not): the views' own type, so
/// the server writes addresses (`PageLang::path`) exactly as the views do.
pub use curtain_ui::PageLang;

/// Whether a request for `path` (no language prefix) gets the app's page:
/// not one of the routes beside the app, not a file of its build.
pub fn is_page(assets: &Assets, path: &str) -> bool {
    let beside_the_app = path == "/api"
        || path.starts_with("/api/")
        || path == "/consent"
        || path == "/robots.txt"
        || path == "/sitemap.xml"
        || path.starts_with("/policies/");
    !beside_the_app && assets.serves_page(path)
}

/// The middleware: see the module.
pub async fn route(State((assets, state)): State<(Arc<Assets>, AppState)>, request: Request, next: Next) -> Response {
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let mut lang = crate::i18n::from_accept_language(accept);
    if request.method() == Method::GET || request.method() == Method::HEAD {
        if let Some((prefixed, rest)) = Lang::split_path(request.uri().path()) {
            if is_page(&assets, rest) {
                lang = prefixed;
            }
        }
    }
    crate::i18n::scope(lang, route_page(assets, state, request, next)).await
}

async fn route_page(assets: Arc<Assets>, state: AppState, mut request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    if let Some((lang, rest)) = Lang::split_path(&path) {
        // A chosen language is never second-guessed: no negotiation here.
        if is_page(&assets, rest) {
            if let Some(uri) = with_path(request.uri(), rest) {
                *request.uri_mut() = uri;
                request.extensions_mut().insert(lang);
                request.extensions_mut().insert(PageLang { lang, explicit: true });
            }
        }
        return next.run(request).await;
    }
    // Only the app's pages are negotiated: an address that is no page (a
    // 404) stays where it was asked for.
    if !is_page(&assets, &path) || curtain_api::routes::route_of(&path).is_none() {
        return next.run(request).await;
    }
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // A member's own choice comes before the browser's wish.
    let chosen = match member_language(&state, request.headers().clone()).await {
        Some(lang) => Some(lang),
        None => Lang::negotiate(accept),
    };
    match chosen {
        Some(lang) if lang != Lang::En => {
            let mut location = lang.path(&path);
            if let Some(query) = request.uri().query() {
                location.push('?');
                location.push_str(query);
            }
            let mut response = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
            add_vary_accept_language(&mut response);
            // Which way it goes depends on the header: no shared cache may
            // keep it, and a browser asks again next time.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
            response
        }
        _ => {
            request.extensions_mut().insert(Lang::En);
            request.extensions_mut().insert(PageLang::default());
            let mut response = next.run(request).await;
            add_vary_accept_language(&mut response);
            response
        }
    }
}

/// The language the signed-in member (by the request's session cookie)
/// chose in their account, if any. A lookup that fails is no choice: the
/// page is still served.
async fn member_language(state: &AppState, headers: axum::http::HeaderMap) -> Option<Lang> {
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(&headers);
    jar.get(curtain_api::SESSION_COOKIE)?;
    crate::session::viewer_of(state, &jar).await.ok().flatten().and_then(|viewer| viewer.language)
}

/// `uri` with another path (already percent-encoded, a part of its own) and the same query.
fn with_path(uri: &Uri, path: &str) -> Option<Uri> {
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query).ok()?);
    Uri::from_parts(parts).ok()
}

/// Says the answer depends on `Accept-Language`, in the one `Vary` header
/// the answer already has (whatever else it varies by).
fn add_vary_accept_language(response: &mut Response) {
    let headers = response.headers_mut();
    let existing: Vec<String> =
        headers.get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
    if existing.iter().any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("accept-language") || t.trim() == "*")) {
        return;
    }
    let mut names: Vec<String> = existing.into_iter().filter(|v| !v.trim().is_empty()).collect();
    names.push("accept-language".to_string());
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_the_prefix_it_came_with() {
        let chosen = |lang| PageLang { lang, explicit: true };
        assert_eq!(chosen(Lang::De).path("/privacy"), "/de/privacy");
        assert_eq!(chosen(Lang::De).path("/"), "/de");
        assert_eq!(chosen(Lang::En).path("/privacy"), "/en/privacy");
        assert_eq!(chosen(Lang::En).path("/"), "/en");
        assert_eq!(PageLang::default().path("/privacy"), "/privacy");
        assert_eq!(PageLang::default().path("/"), "/");
    }

    #[test]
    fn the_query_survives_the_rewrite() {
        let uri: Uri = "/de/privacy/compare?from=1&to=2".parse().unwrap();
        let (_, rest) = Lang::split_path(uri.path()).unwrap();
        assert_eq!(with_path(&uri, rest).unwrap().to_string(), "/privacy/compare?from=1&to=2");
    }

    #[test]
    fn vary_is_one_header() {
        let mut response = StatusCode::OK.into_response();
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
        add_vary_accept_language(&mut response);
        add_vary_accept_language(&mut response);
        assert_eq!(response.headers()[header::VARY], "accept-encoding, cookie, accept-language");
        let mut bare = StatusCode::OK.into_response();
        add_vary_accept_language(&mut bare);
        assert_eq!(bare.headers()[header::VARY], "accept-language");
    }
}
