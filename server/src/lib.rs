//! The Curtain API server: a JSON API under `/api` and the built SPA, from one
//! origin so the session cookies stay first-party.
//!
//! The server keeps no state in memory between requests: sessions, rate
//! limits and everything else live in the database, so replicas can share it.
//! What it does keep in memory are caches of what the database holds: parsed
//! policy versions (immutable) and profile owners ([`profile_cache`], refused
//! after any write this server makes and at most a second old otherwise).

pub mod account_data;
pub mod accounts;
pub mod child_reports;
pub mod clock;
pub mod consent;
pub mod db;
pub mod demo;
pub mod email_preferences;
pub mod email_verification;
pub mod error;
pub mod first_paint;
mod http;
pub mod i18n;
pub mod language;
pub mod outbox;
pub mod password;
pub mod profile_cache;
pub mod privacy_requests;
pub mod profiles;
pub mod proxy;
pub mod public_url;
pub mod promises;
pub mod policy;
pub mod rate_limit;
pub mod retention;
pub mod session;
pub mod spa;
pub mod useragent;
pub mod visibility;

/// Every path under `/api` (as routed, `{name}` for a parameter).
pub use http::paths as api_routes;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// How this server instance behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The built SPA (`dist/`, written by `cargo xtask build`).
    pub dist: PathBuf,
    /// Mark cookies `Secure` (when served over https).
    pub secure_cookies: bool,
    /// The site's public address (`https://curtain.example`), for links in
    /// messages. Configured, never taken from a request's `Host`, so a
    /// forged header cannot send a member a link to another site.
    pub site_url: String,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are
    /// believed (see [`proxy`]); empty: the headers are ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database: read through `db.read()`, write through `db.begin_write()`.
    pub db: db::Db,
    pub config: Arc<Config>,
    /// Parsed and rendered privacy policy versions (immutable once published).
    pub policies: Arc<policy::store::VersionCache>,
    /// Profile owners, so a profile view needs no query (see the module).
    pub profiles: Arc<profile_cache::ProfileCache>,
    /// Password hashing, a bounded number at a time.
    pub passwords: Arc<password::Passwords>,
    /// Set once the server is shutting down: readiness then answers 503, so
    /// a load balancer stops sending new requests while in-flight ones finish.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    pub fn new(db: db::Db, config: Config) -> Self {
        let profiles = match db.engine() {
            db::Engine::Sqlite => profile_cache::ProfileCache::default(),
            // Replicas share the database, not this process's memory.
            db::Engine::Postgres => profile_cache::ProfileCache::disabled(),
        };
        AppState {
            db,
            config: Arc::new(config),
            policies: Arc::default(),
            profiles: Arc::new(profiles),
            passwords: Arc::default(),
            draining: Arc::default(),
        }
    }
}

/// The whole application: `/api`, then the SPA for every other path.
pub fn app(state: AppState) -> Router {
    let csp = spa::content_security_policy(&state.config.dist);
    let mut security_headers = vec![
        ("x-content-type-options", "nosniff".to_string()),
        ("x-frame-options", "DENY".to_string()),
        ("referrer-policy", "same-origin".to_string()),
        ("cross-origin-opener-policy", "same-origin".to_string()),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()".to_string()),
        ("content-security-policy", csp),
    ];
    if state.config.secure_cookies {
        // Served over https: tell browsers never to try plain http.
        security_headers.push(("strict-transport-security", "max-age=31536000; includeSubDomains".to_string()));
    }
    let assets = Arc::new(spa::Assets::load(&state.config.dist));
    let routed = Router::new()
        .nest("/api", http::router(state.clone()).with_state(state.clone()))
        // The nested router answers `/api` and everything below `/api/`, but
        // not `/api/` itself: that is the API's too, never the SPA's page.
        .route("/api/", axum::routing::any(|| async { error::Error::NotFound }))
        .merge(http::policy::feed_router().with_state(state.clone()))
        .merge(
            Router::new()
                // The consent banner's form, for visitors without JavaScript (or before it starts).
                .route("/consent", axum::routing::post(http::consent::form))
                .route("/robots.txt", axum::routing::get(first_paint_robots))
                .route("/sitemap.xml", axum::routing::get(first_paint_sitemap))
                .with_state(state.clone()),
        )
        .merge(spa::router(state.clone(), assets.clone()))
        .layer(CompressionLayer::new().br(true).gzip(true).compress_when(DefaultPredicate::new().and(NotShortJson)));
    // A page's language prefix comes off before the path is routed (see
    // `language`), so it wraps the routed app as a service of its own.
    let by_language =
        tower::Layer::layer(&axum::middleware::from_fn_with_state((assets, state.clone()), language::route), routed);
    let mut router = Router::new().fallback_service(by_language);
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("header values are ASCII"),
        ));
    }
    router
        .layer(SetResponseHeaderLayer::if_not_present(header::VARY, HeaderValue::from_static("accept-encoding")))
        // Outermost: who the client is, before anything uses it.
        .layer(axum::middleware::from_fn_with_state(state, proxy::resolve))
}

async fn first_paint_robots(axum::extract::State(state): axum::extract::State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        first_paint::robots_txt(&state.config.site_url),
    )
}

async fn first_paint_sitemap(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> error::Result<impl axum::response::IntoResponse> {
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        first_paint::sitemap_xml(&state).await?,
    ))
}

/// JSON answers shorter than this go out uncompressed: starting a brotli
/// encoder for a few kilobytes cost far more server time than the bytes it
/// saves (a profile with a page of followers is just over 1 KiB, and served
/// at a tenth of the rate compressed), and they fit in a few packets either way.
const JSON_COMPRESS_MIN_BYTES: u16 = 4096;

/// Compression predicate: anything but a short JSON answer.
#[derive(Clone, Copy)]
struct NotShortJson;

impl Predicate for NotShortJson {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &axum::http::Response<B>) -> bool {
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        !json || SizeAbove::new(JSON_COMPRESS_MIN_BYTES).should_compress(response)
    }
}

/// How long requests in flight get to finish once shutdown begins.
pub const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves. Then it stops
/// accepting connections, lets the requests in flight finish (for at most
/// [`DRAIN`]), and closes the database, moving its write-ahead log into the
/// database file. Every answer a client received was committed before it was
/// sent, so none is lost. Meanwhile it runs the retention purge
/// ([`retention::run_on_schedule`]), stopped before the database closes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    let draining = state.draining.clone();
    // Records past their retention period go at start and every hour after.
    let (stop_purge, purge_stop) = tokio::sync::watch::channel(false);
    let stop_purge = Arc::new(stop_purge);
    let purge = tokio::spawn(retention::run_on_schedule(db.clone(), purge_stop));
    let (began, began_rx) = tokio::sync::oneshot::channel::<()>();
    let stop_purge_at_shutdown = stop_purge.clone();
    let server = axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown.await;
            draining.store(true, std::sync::atomic::Ordering::SeqCst);
            stop_purge_at_shutdown.send_replace(true);
            tracing::info!("shutting down: no new connections; finishing the requests in flight");
            let _ = began.send(());
        });
    let deadline = async {
        if began_rx.await.is_ok() {
            tokio::time::sleep(DRAIN).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let finished_in_time = tokio::select! {
        served = server.into_future() => { served?; true }
        () = deadline => false,
    };
    if !finished_in_time {
        tracing::warn!("requests still in flight after {} s were cut off (their changes were not committed)", DRAIN.as_secs());
    }
    // A purge in progress ends after its current batch; it must let go of
    // the writer before the database closes.
    stop_purge.send_replace(true);
    if tokio::time::timeout(std::time::Duration::from_secs(5), purge).await.is_err() {
        tracing::warn!("the retention purge did not stop in time");
    }
    // Bounded too: a request cut off may still hold a connection.
    match tokio::time::timeout(std::time::Duration::from_secs(5), db.close()).await {
        Ok(Ok(())) => tracing::info!("database closed"),
        Ok(Err(e)) => tracing::warn!(error = ?e, "closing the database"),
        Err(_) => tracing::warn!("the database did not close in time; SQLite will replay its log at the next start"),
    }
    Ok(())
}
