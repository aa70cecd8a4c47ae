//! Defence in depth for CSRF: an unsafe request (POST, PUT, PATCH, DELETE)
//! whose `Origin`, or without one its `Referer`, names another site than the
//! one it was sent to is refused, whatever token it carries. Browsers send
//! `Origin` on every unsafe request, so a page elsewhere cannot sign a
//! visitor in to an account of its choosing or answer the consent banner for
//! them (no token guards a signed-out caller), nor act for a member if the
//! token ever leaked. A request with neither header is not from a browser
//! page and goes on; the CSRF token still applies when it is signed in.

use axum::extract::{Request, State};
use axum::http::uri::{Authority, Scheme};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::AppState;

/// Middleware: refuses unsafe requests from another site with 403 `cross_site`.
pub async fn refuse_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.method().is_safe() {
        let own_authority = req.uri().authority().map(Authority::as_str);
        let https = req.extensions().get::<crate::proxy::Client>().map_or(state.config.secure_cookies, |c| c.https);
        if !from_this_site(req.headers(), own_authority, https) {
            return Error::request(
                StatusCode::FORBIDDEN,
                "cross_site",
                "This request came from another site, so nothing was changed. Use Curtain from its own pages.",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Whether the site a request names in `Origin` (or, without it, `Referer`)
/// is the one it was sent to: the same scheme (https when the server is
/// served over https: `--secure-cookies`, or a trusted proxy's
/// `X-Forwarded-Proto`; http otherwise), host and port as
/// its `Host` header (or, without one, `authority`, as HTTP/2 sends it).
/// `true` when the request has neither header; `false` when what it names
/// cannot be read, including `Origin: null` (a sandboxed or privacy-sensitive
/// context: not this site's pages).
pub fn from_this_site(headers: &HeaderMap, authority: Option<&str>, https: bool) -> bool {
    let named = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER).filter(|r| !r.is_empty()));
    let Some(named) = named else {
        return true;
    };
    let own = headers.get(header::HOST).and_then(|h| h.to_str().ok()).or(authority);
    let theirs = named.to_str().ok().and_then(|n| n.parse::<Uri>().ok()).and_then(|uri| site_of(&uri));
    let ours = own.and_then(|host| host.parse::<Authority>().ok()).and_then(|authority| {
        let scheme = if https { "https" } else { "http" };
        Some((scheme.to_string(), authority.host().to_ascii_lowercase(), authority.port_u16().unwrap_or(default_port(scheme)?)))
    });
    matches!((theirs, ours), (Some(theirs), Some(ours)) if theirs == ours)
}

/// `(scheme, host, port)` of an http or https URL, lowercased, with the
/// scheme's port when none is written.
fn site_of(uri: &Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme().map(Scheme::as_str)?.to_ascii_lowercase();
    let port = uri.port_u16().or_else(|| default_port(&scheme))?;
    Some((scheme, uri.host()?.to_ascii_lowercase(), port))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_same_scheme_host_and_port_is_this_site() {
        let host = ("host", "curtain.example");
        for origin in ["https://curtain.example", "https://curtain.example:443", "HTTPS://Curtain.Example"] {
            assert!(from_this_site(&headers(&[host, ("origin", origin)]), None, true), "{origin}");
        }
        for origin in [
            "http://curtain.example",
            "https://curtain.example:8443",
            "https://evil.example",
            "https://curtain.example.evil.example",
            "null",
            "",
            "curtain.example",
            "ftp://curtain.example",
        ] {
            assert!(!from_this_site(&headers(&[host, ("origin", origin)]), None, true), "{origin}");
        }
        let local = ("host", "127.0.0.1:8080");
        assert!(from_this_site(&headers(&[local, ("origin", "http://127.0.0.1:8080")]), None, false));
        assert!(!from_this_site(&headers(&[local, ("origin", "http://127.0.0.1")]), None, false));
        assert!(!from_this_site(&headers(&[local, ("origin", "https://127.0.0.1:8080")]), None, false));
        let v6 = ("host", "[::1]:8080");
        assert!(from_this_site(&headers(&[v6, ("origin", "http://[::1]:8080")]), None, false));
    }

    #[test]
    fn the_referer_counts_only_without_an_origin() {
        let host = ("host", "curtain.example");
        assert!(from_this_site(&headers(&[host, ("referer", "https://curtain.example/privacy?x=1")]), None, true));
        assert!(!from_this_site(&headers(&[host, ("referer", "https://evil.example/curtain.example")]), None, true));
        assert!(!from_this_site(
            &headers(&[host, ("origin", "https://evil.example"), ("referer", "https://curtain.example/")]),
            None,
            true
        ));
        assert!(from_this_site(
            &headers(&[host, ("origin", "https://curtain.example"), ("referer", "https://evil.example/")]),
            None,
            true
        ));
        // An empty Referer says nothing.
        assert!(from_this_site(&headers(&[host, ("referer", "")]), None, true));
    }

    #[test]
    fn neither_header_is_let_through_and_an_unknown_host_is_not_this_site() {
        assert!(from_this_site(&headers(&[("host", "curtain.example")]), None, true));
        assert!(from_this_site(&HeaderMap::new(), None, true));
        assert!(!from_this_site(&headers(&[("origin", "https://curtain.example")]), None, true));
        // HTTP/2 names the host in the request's authority instead.
        assert!(from_this_site(&headers(&[("origin", "https://curtain.example")]), Some("curtain.example"), true));
    }
}
