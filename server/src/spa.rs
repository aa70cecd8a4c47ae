//! Serving the built SPA: files from the dist folder, `index.html` for every
//! other path (so deep links and reloads work), and cache headers that let
//! browsers keep hashed assets forever while always revalidating the page.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dist: PathBuf) -> Router {
    let index = dist.join("index.html");
    if !index.is_file() {
        tracing::warn!("{} does not exist: build the SPA first (cargo xtask run does)", index.display());
    }
    let files = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(index));
    Router::new().fallback_service(files).layer(axum::middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if hashed && !is_html && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// The Content-Security-Policy for the app built into `dist`. Scripts may come
/// only from this origin, plus the inline module loader Trunk writes into
/// `index.html`, allowed by its hash (computed at start, so a rebuild needs no
/// configuration). `'wasm-unsafe-eval'` lets the page compile its own wasm.
pub fn content_security_policy(dist: &Path) -> String {
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    policy_for_index(&index)
}

/// The policy for a given `index.html` text (see [`content_security_policy`]).
pub fn policy_for_index(index_html: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for script in inline_scripts(index_html) {
        use base64::Engine;
        use sha2::Digest;
        let digest = sha2::Sha256::digest(script.as_bytes());
        script_src.push_str(&format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
    }
    // Style attributes are allowed (components may set a computed colour), but
    // not inline <style> elements or stylesheets from elsewhere.
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The bodies of `<script>` elements without a `src`, exactly as the browser
/// hashes them.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else { break };
        if !tag.contains(" src=") {
            scripts.push(&body_start[..close]);
        }
        rest = &body_start[close + "</script>".len()..];
    }
    scripts
}

/// Trunk names build outputs `name-<16 hex digits>[_bg].ext`: their content
/// never changes under the same name.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((name, hash)) => !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{inline_scripts, is_hashed_asset, policy_for_index};

    #[test]
    fn csp_allows_exactly_the_inline_loader_by_hash() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\n</script><script src=\"/x.js\"></script></head>";
        assert_eq!(inline_scripts(html), vec!["\nimport init from '/a.js';\n"]);
        let csp = policy_for_index(html);
        // echo -n "\nimport init from '/a.js';\n" | openssl dgst -sha256 -binary | base64
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 1);
        for directive in ["object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"] {
            assert!(csp.contains(directive), "{csp} lacks {directive}");
        }
        assert!(!csp.contains("unsafe-inline'; img") || csp.contains("style-src-attr 'unsafe-inline'"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
    }

    #[test]
    fn recognises_trunk_hashed_file_names() {
        assert!(is_hashed_asset("/curtain-3f2a9c1b7d8e6f05.js"));
        assert!(is_hashed_asset("/curtain-3f2a9c1b7d8e6f05_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/signin"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/x-y.js"));
        assert!(!is_hashed_asset("/-0123456789abcdef.js"));
    }
}
