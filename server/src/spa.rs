//! Serving the built SPA: files from the dist folder, `index.html` for every
//! other path (so deep links and reloads work), and cache headers that let
//! browsers keep hashed assets forever while always revalidating the page.

use std::path::PathBuf;

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
    use super::is_hashed_asset;

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
