//! Serving the built SPA from memory: every file of the dist folder is read
//! once at start (the build never changes under a running server), with its
//! brotli and gzip forms, so a request is a map look-up and a copy. Any other
//! path gets `index.html` (deep links and reloads work). Hashed assets are
//! cached by browsers for a year; the page is always revalidated (ETag).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use axum_extra::extract::cookie::CookieJar;

use crate::first_paint::{self, Template};
use crate::language::PageLang;
use curtain_ui::Lang;
use crate::AppState;

/// One file, ready to send.
struct Asset {
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
    cache_control: &'static str,
}

/// The built SPA, keyed by URL path (`/main-0123456789abcdef.css`).
pub struct Assets {
    files: HashMap<String, Arc<Asset>>,
    /// `index.html`, which every address of the app gets filled in
    /// ([`crate::first_paint`]); and each language's own page, which loads
    /// the app built for it (`index.de.html`). A build with only
    /// `index.html` (the Trunk dev loop's: one app with every language)
    /// serves it for every language.
    index: Option<Template>,
    index_in: HashMap<Lang, Template>,
}

/// The page that loads the app built for `lang`, as the build names it.
pub fn index_file(lang: Lang) -> String {
    match lang {
        Lang::En => "/index.html".to_string(),
        lang => format!("/index.{}.html", lang.tag()),
    }
}

/// Files smaller than this are not worth compressing.
const COMPRESS_MIN_BYTES: usize = 1024;

impl Assets {
    /// Reads every file under `dist`. The build writes `.br` and `.gz` twins
    /// beside each asset; a file without them is compressed here (more
    /// quickly than the build does, since this happens at every start).
    pub fn load(dist: &Path) -> Assets {
        let mut files = HashMap::new();
        let mut stack = vec![dist.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().to_string();
                if path.is_dir() {
                    if !name.starts_with('.') {
                        stack.push(path);
                    }
                    continue;
                }
                if name.ends_with(".br") || name.ends_with(".gz") || name.starts_with('.') {
                    continue;
                }
                let Ok(relative) = path.strip_prefix(dist) else { continue };
                let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
                match load_asset(&path, &url) {
                    Ok(asset) => {
                        files.insert(url, Arc::new(asset));
                    }
                    Err(e) => tracing::warn!("skipping {}: {e}", path.display()),
                }
            }
        }
        // The pages are never sent as they are built: they are filled in per request.
        let mut template = |name: &str| {
            files.remove(name).map(|asset| Template::new(String::from_utf8_lossy(&asset.identity).into_owned()))
        };
        let index = template("/index.html");
        let index_in = Lang::ALL
            .into_iter()
            .filter(|lang| *lang != Lang::En)
            .filter_map(|lang| template(&index_file(lang)).map(|t| (lang, t)))
            .collect();
        if index.is_none() {
            tracing::warn!("{}/index.html does not exist: build the SPA first (cargo xtask run does)", dist.display());
        }
        Assets { files, index, index_in }
    }

    /// The page for `lang`: its own if the build made one, else `index.html`.
    fn page_in(&self, lang: Lang) -> Option<&Template> {
        self.index_in.get(&lang).or(self.index.as_ref())
    }

    /// The file at `path`; else, for an app route, the page (history
    /// fallback). A build file that is not there (an open tab asking for a
    /// module of the build before the last) gets no page: its loader then
    /// reports the failure instead of trying to run HTML as code.
    fn get(&self, path: &str, lang: Lang) -> Found<'_> {
        if let Some(file) = self.files.get(path) {
            return Found::File(file.clone());
        }
        if is_hashed_asset(path) || is_index_file(path) {
            return Found::NotInBuild;
        }
        self.page_in(lang).map_or(Found::NotBuilt, Found::Page)
    }

    /// Whether `path` is answered with the app's page rather than a file
    /// (or a missing file of the build).
    pub fn serves_page(&self, path: &str) -> bool {
        !self.files.contains_key(path) && !is_hashed_asset(path) && !is_index_file(path)
    }
}

/// One of the build's pages (`/index.html`, `/index.de.html`): filled in
/// per request, never sent as a file.
fn is_index_file(path: &str) -> bool {
    path == "/index.html" || Lang::ALL.into_iter().any(|lang| path == index_file(lang))
}

enum Found<'a> {
    File(Arc<Asset>),
    Page(&'a Template),
    NotInBuild,
    NotBuilt,
}

fn load_asset(path: &Path, url: &str) -> std::io::Result<Asset> {
    let identity = std::fs::read(path)?;
    let twin = |suffix: &str| std::fs::read(format!("{}.{suffix}", path.display())).ok().map(Bytes::from);
    let compressible = is_compressible(url) && identity.len() >= COMPRESS_MIN_BYTES;
    let brotli = twin("br").or_else(|| compressible.then(|| Bytes::from(brotli_bytes(&identity))));
    let gzip = twin("gz").or_else(|| compressible.then(|| Bytes::from(gzip_bytes(&identity))));
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&identity);
    let etag = format!("\"{}\"", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
    let is_html = url.ends_with(".html");
    Ok(Asset {
        content_type: HeaderValue::from_str(content_type(url)).expect("static content types"),
        etag: HeaderValue::from_str(&etag).expect("hex etag"),
        cache_control: if is_hashed_asset(url) && !is_html { "public, max-age=31536000, immutable" } else { "no-cache" },
        identity: Bytes::from(identity),
        brotli,
        gzip,
    })
}

fn content_type(url: &str) -> &'static str {
    match url.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn is_compressible(url: &str) -> bool {
    matches!(url.rsplit('.').next(), Some("html" | "js" | "mjs" | "wasm" | "css" | "svg" | "json" | "xml" | "txt"))
}

fn brotli_bytes(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 5, 22);
        let _ = w.write_all(input);
    }
    out
}

fn gzip_bytes(input: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(input);
    e.finish().unwrap_or_default()
}

/// Which content coding to send, from an `Accept-Encoding` header: brotli if
/// acceptable, else gzip, else none. `q=0` means "not acceptable".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

pub fn negotiate(accept_encoding: &str) -> Coding {
    let acceptable = |name: &str| {
        accept_encoding.split(',').any(|part| {
            let mut pieces = part.split(';');
            let token = pieces.next().unwrap_or("").trim();
            let q_zero = pieces.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            (token.eq_ignore_ascii_case(name) || token == "*") && !q_zero
        })
    };
    if acceptable("br") {
        Coding::Brotli
    } else if acceptable("gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// The built app's files (loaded once, [`Assets::load`]), and every other
/// address as the app's page.
pub fn router(state: AppState, assets: Arc<Assets>) -> Router {
    Router::new().fallback(serve).with_state((state, assets))
}

async fn serve(
    State((state, assets)): State<(AppState, Arc<Assets>)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    lang: Option<Extension<PageLang>>,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let lang = lang.map(|Extension(lang)| lang).unwrap_or_default();
    let asset = match assets.get(uri.path(), lang.lang) {
        Found::File(asset) => asset,
        Found::Page(template) => return page(&state, template, &method, &uri, &headers, lang).await,
        Found::NotInBuild => return (StatusCode::NOT_FOUND, "No such file in this build of the app.").into_response(),
        Found::NotBuilt => return (StatusCode::SERVICE_UNAVAILABLE, "The app has not been built.").into_response(),
    };
    let accept = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (body, coding) = match negotiate(accept) {
        Coding::Brotli if asset.brotli.is_some() => (asset.brotli.clone().unwrap(), Some("br")),
        Coding::Brotli | Coding::Gzip if asset.gzip.is_some() => (asset.gzip.clone().unwrap(), Some("gzip")),
        _ => (asset.identity.clone(), None),
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, asset.content_type.clone())
        .header(header::ETAG, asset.etag.clone())
        .header(header::CACHE_CONTROL, asset.cache_control)
        .header(header::VARY, "accept-encoding");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == asset.etag.to_str().unwrap_or("") || t.trim() == "*"));
    if fresh {
        return response.status(StatusCode::NOT_MODIFIED).body(Body::empty()).unwrap();
    }
    if let Some(coding) = coding {
        response = response.header(header::CONTENT_ENCODING, coding);
    }
    response = response.header(header::CONTENT_LENGTH, body.len());
    let body = if method == Method::HEAD { Body::empty() } else { Body::from(body) };
    response.status(StatusCode::OK).body(body).unwrap()
}

/// The app's page for an address, filled in for this request.
async fn page(
    state: &AppState,
    template: &Template,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    lang: PageLang,
) -> Response {
    let jar = CookieJar::from_headers(headers);
    let filled = async {
        let viewer = crate::session::viewer_of(state, &jar).await?;
        first_paint::page(state, uri.path(), uri.query(), headers, &jar, viewer.as_ref(), lang).await
    };
    match filled.await {
        Ok(page) => {
            let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
            first_paint::respond(template, &page, method == Method::HEAD, if_none_match)
        }
        Err(error) => error.into_response(),
    }
}

/// The Content-Security-Policy for the app built into `dist`. Scripts may come
/// only from this origin, plus the inline module loader the build writes into
/// `index.html`, allowed by its hash (computed at start, so a rebuild needs no
/// configuration). `'wasm-unsafe-eval'` lets the page compile its own wasm.
pub fn content_security_policy(dist: &Path) -> String {
    // Every language's page: each loads its own app with its own loader.
    let pages: String = Lang::ALL
        .into_iter()
        .filter_map(|lang| std::fs::read_to_string(dist.join(index_file(lang).trim_start_matches('/'))).ok())
        .collect();
    policy_for_index(&pages)
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

/// The build names its outputs by their content: `name-<16 hex digits>.ext`
/// (the stylesheet, the icon) or any file in a folder `app-<16 hex digits>/`
/// (the wasm modules and their JavaScript). Such a URL never changes content.
pub fn is_hashed_asset(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    match segments.next() {
        Some(file) => is_hashed_name(first) && !file.is_empty(),
        None => is_hashed_name(first.split('.').next().unwrap_or("")) && first.contains('.'),
    }
}

/// `name-<16 hex digits>`.
fn is_hashed_name(stem: &str) -> bool {
    match stem.rsplit_once('-') {
        Some((name, hash)) => !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{inline_scripts, is_hashed_asset, negotiate, policy_for_index, Coding};

    #[test]
    fn negotiates_brotli_then_gzip_and_honours_q_zero() {
        assert_eq!(negotiate("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(negotiate("gzip"), Coding::Gzip);
        assert_eq!(negotiate("br;q=0, gzip;q=0.8"), Coding::Gzip);
        assert_eq!(negotiate("br;q=0,gzip;q=0"), Coding::Identity);
        assert_eq!(negotiate(""), Coding::Identity);
        assert_eq!(negotiate("identity"), Coding::Identity);
        assert_eq!(negotiate("*"), Coding::Brotli);
        assert_eq!(negotiate("BR"), Coding::Brotli);
    }

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
    fn recognises_content_hashed_names() {
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/favicon-ef680b50994ea4b2.svg"));
        assert!(is_hashed_asset("/app-3f2a9c1b7d8e6f05/curtain.js"));
        assert!(is_hashed_asset("/app-3f2a9c1b7d8e6f05/curtain_bg.wasm"));
        assert!(is_hashed_asset("/app-3f2a9c1b7d8e6f05/snippets/x/inline0.js"));
        assert!(!is_hashed_asset("/app-3f2a9c1b7d8e6f05/"));
        assert!(!is_hashed_asset("/app-3f2a9c1b7d8e6f05"));
        assert!(!is_hashed_asset("/u/ana"));
        assert!(!is_hashed_asset("/privacy/v/2"));
        assert!(!is_hashed_asset("/app-xyz/curtain.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/signin"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/x-y.js"));
        assert!(!is_hashed_asset("/-0123456789abcdef.js"));
    }
}
