//! Test harness: each test boots its own real Curtain server on a random
//! loopback port with its own temporary SQLite database, and talks to it over
//! HTTP ([`ApiClient`]) or through headless Chromium ([`browser`]).

pub mod bench_data;
pub mod browser;
pub mod race;
pub mod load;
pub mod postgres;
pub mod process;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use curtain_api::consent::{Choices, ConsentRecord};
use curtain_server::db::Engine;
use curtain_server::{AppState, Config};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::AnyPool;

/// A running server. Dropping it (or [`TestApp::stop`]) kills the server and
/// every open connection at once, like a crashed or stopped process.
pub struct TestApp {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// A separate connection to the server's database, for checking what it
    /// stored (either engine: write queries with `$1`-style parameters).
    pub db: AnyPool,
    /// The server's database opened again, as a `curtain-server` subcommand
    /// (a separate process) opens it, for calling the server's own functions.
    pub command_db: curtain_server::db::Db,
    /// The database's URL, for running `curtain-server` subcommands on it.
    pub database_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

/// Options for [`TestApp::spawn_with`].
#[derive(Default, Clone)]
pub struct Options {
    /// Serve this SPA folder instead of a minimal placeholder.
    pub dist: Option<PathBuf>,
    pub secure_cookies: bool,
    /// How long the server trusts a cached profile without having seen a
    /// write; `None` keeps the server's own limit.
    pub profile_cache_max_age: Option<std::time::Duration>,
    /// `--trusted-proxy` blocks.
    pub trusted_proxies: Vec<&'static str>,
    /// Use this database (a `postgres://` URL from
    /// [`postgres::fresh_database`], or one another app uses) instead of a
    /// new SQLite file. Then [`TestApp::db`] is an empty stand-in: read
    /// through `command_db` instead.
    pub database_url: Option<String>,
}

impl TestApp {
    /// A server with a placeholder SPA (an `index.html` and one hashed asset):
    /// enough for API tests.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    /// A server serving the real built SPA, for browser tests.
    pub async fn spawn_with_spa() -> TestApp {
        Self::spawn_with(Options { dist: Some(built_spa()), ..Options::default() }).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let dist = match options.dist {
            Some(d) => d,
            None => placeholder_spa(dir.path()),
        };
        let url = match options.database_url.clone() {
            Some(url) => url,
            None => test_database_url(dir.path()).await,
        };
        let trusted_proxies = options
            .trusted_proxies
            .iter()
            .map(|p| curtain_server::proxy::parse_trusted(p).expect("a trusted proxy block"))
            .collect();
        let mut config = Config { dist, secure_cookies: options.secure_cookies, site_url: String::new(), trusted_proxies };
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server_url = url.clone();
        let profile_cache_max_age = options.profile_cache_max_age;
        // The server gets its own runtime on its own thread, so stopping it can
        // drop every connection task, as a real process exit would.
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let db = curtain_server::db::connect(&server_url).await.expect("database");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                config.site_url = format!("http://{}", listener.local_addr().unwrap());
                let mut state = AppState::new(db, config);
                if let Some(max_age) = profile_cache_max_age {
                    use curtain_server::profile_cache::{ProfileCache, MAX_BYTES, MAX_ENTRIES};
                    state.profiles = Arc::new(ProfileCache::new(MAX_ENTRIES, MAX_BYTES, max_age));
                }
                tokio::select! {
                    r = curtain_server::serve(listener, state, std::future::pending()) => r.expect("serve"),
                    _ = stop_rx => {}
                }
            });
            rt.shutdown_background();
        });
        let addr = addr_rx.await.expect("server started");
        let db = connect_any(&url).await;
        let command_db = curtain_server::db::open(&url).await.expect("a second handle on the database");
        TestApp {
            addr,
            base: format!("http://{addr}"),
            db,
            command_db,
            database_url: url,
            stop: Some(stop_tx),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// Stops the server abruptly; later requests fail to connect.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The server's public address (`http://127.0.0.1:PORT`), which the
    /// links in its messages start with.
    pub fn public_url(&self) -> curtain_server::public_url::PublicUrl {
        curtain_server::public_url::PublicUrl::for_addr(self.addr)
    }

    /// A fresh HTTP client with its own cookie jar, like a new browser.
    pub fn client(&self) -> ApiClient {
        ApiClient::new(&self.base)
    }

    /// Number of rows in every table the application owns.
    /// A new member signed up (adult, valid details) and signed in.
    pub async fn member(&self, username: &str, password: &str) -> ApiClient {
        let c = self.client();
        let r = c.sign_up(username, password).await;
        assert_eq!(r.status, reqwest::StatusCode::CREATED, "signing up {username}: {:?}", r.body);
        c
    }

    pub async fn row_counts(&self) -> Vec<(String, i64)> {
        let mut counts = Vec::new();
        for t in tables(&self.db).await {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\"")).fetch_one(&self.db).await.unwrap();
            counts.push((t, n));
        }
        counts
    }
}

impl TestApp {
    /// Rows in every table beyond what the migrations seed (reference data
    /// such as consent revisions), so "nothing was stored" can be checked.
    pub async fn rows_added(&self) -> Vec<(String, i64)> {
        let fresh_url =
            if self.engine() == Engine::Postgres { postgres::fresh_database().await } else { "sqlite::memory:".to_string() };
        let fresh = curtain_server::db::connect(&fresh_url).await.expect("a fresh database");
        let mut added = Vec::new();
        for (table, n) in self.row_counts().await {
            let seeded: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\""))
                .fetch_one(fresh.read())
                .await
                .unwrap_or(0);
            added.push((table, n - seeded));
        }
        added
    }
}

impl TestApp {
    /// Which engine the server runs on.
    pub fn engine(&self) -> Engine {
        curtain_server::db::engine_of(&self.database_url)
    }
}

impl TestApp {
    /// The token of the newest confirmation link the outbox holds for
    /// `address` (any letter case), as the member would find it in their mail.
    pub async fn confirmation_token(&self, address: &str) -> Option<String> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE kind = 'verify_email' AND lower(to_address) = lower($1) ORDER BY id DESC LIMIT 1",
        )
        .bind(address.trim())
        .fetch_optional(self.command_db.read())
        .await
        .unwrap();
        let body = body?;
        let start = body.find("/verify-email/")? + "/verify-email/".len();
        Some(body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
    }

    /// Follows the newest confirmation link sent to `address`, signed out, as
    /// a member clicking it in their mail would; returns the answer.
    pub async fn confirm_email(&self, address: &str) -> Reply {
        let token = self.confirmation_token(address).await.unwrap_or_else(|| panic!("no confirmation link for {address}"));
        self.client().post("/api/email/verify", &serde_json::json!({"token": token})).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A new, empty database for one test: with `CURTAIN_TEST_DATABASE=postgres`
/// one of its own in the throwaway PostgreSQL cluster, else an SQLite file
/// in `dir`.
pub async fn test_database_url(dir: &Path) -> String {
    // `CURTAIN_TEST_DATABASE=postgres` runs the same tests on PostgreSQL.
    if std::env::var("CURTAIN_TEST_DATABASE").is_ok_and(|e| e == "postgres") {
        postgres::fresh_database().await
    } else {
        format!("sqlite://{}", dir.join("curtain.db").display())
    }
}

/// A pool of one connection to the database at `url`, either engine, for a
/// test to read (and sometimes arrange) what the server stored.
pub async fn connect_any(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    let sqlite = !postgres::is_postgres(url);
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    sqlx::Executor::execute(&mut *conn, "PRAGMA foreign_keys = ON").await?;
                    sqlx::Executor::execute(&mut *conn, "PRAGMA busy_timeout = 5000").await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

/// A connection to the SQLite database file at `path` (which must exist), for
/// checking what a server process stored.
pub async fn open_database(path: &Path) -> AnyPool {
    connect_any(&process::database_url(path)).await
}

/// Every application table, by name (not the migrations' own, nor SQLite's
/// full-text index tables).
pub async fn tables(db: &AnyPool) -> Vec<String> {
    let sql = match curtain_server::db::engine_of_pool(db) {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'
             ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_sqlx%'
             ORDER BY table_name"
        }
    };
    sqlx::query_scalar(sql).fetch_all(db).await.unwrap()
}

/// `(column, type)` of `table`, in order, as the engine declares them.
pub async fn columns(db: &AnyPool, table: &str) -> Vec<(String, String)> {
    let sql = match curtain_server::db::engine_of_pool(db) {
        Engine::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Engine::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    sqlx::query_as(sql).bind(table).fetch_all(db).await.unwrap()
}

/// `(column, referenced table)` for each foreign key of `table`.
pub async fn references(db: &AnyPool, table: &str) -> Vec<(String, String)> {
    let sql = match curtain_server::db::engine_of_pool(db) {
        Engine::Sqlite => "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)",
        Engine::Postgres => {
            "SELECT kcu.column_name::text, ccu.table_name::text
             FROM information_schema.table_constraints tc
             JOIN information_schema.key_column_usage kcu
               ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
             JOIN information_schema.constraint_column_usage ccu
               ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1"
        }
    };
    sqlx::query_as(sql).bind(table).fetch_all(db).await.unwrap()
}

/// `(table, column)` for every column that holds a member's id, found from
/// the schema alone: a reference to `users`, or a name that says it holds one.
pub async fn member_columns(db: &AnyPool) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for table in tables(db).await.into_iter().filter(|t| t != "users") {
        let refs = references(db, &table).await;
        let columns: Vec<String> = columns(db, &table).await.into_iter().map(|(c, _)| c).collect();
        for column in columns {
            let lower = column.to_lowercase();
            let by_name = lower.contains("user_id")
                || (lower.ends_with("_id")
                    && ["follower", "followee", "owner", "member", "viewer", "blocker", "blocked"].iter().any(|w| lower.starts_with(w)));
            if by_name || refs.iter().any(|(from, to)| *from == column && to == "users") {
                found.push((table.clone(), column));
            }
        }
    }
    found
}

/// The release build of the SPA: `$CURTAIN_DIST`, else `dist/` in the
/// workspace. Browser tests fail (never skip) when it is missing.
pub fn built_spa() -> PathBuf {
    let dist = std::env::var_os("CURTAIN_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(
        dist.join("index.html").is_file(),
        "the SPA is not built at {}: run the tests with `cargo xtask test`, which builds it",
        dist.display()
    );
    dist
}

/// Writes a minimal SPA into `dir/dist` (an `index.html` and one hashed
/// asset, enough for API tests) and returns that folder.
pub fn placeholder_spa(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><html lang=\"en\"><title>Curtain</title><div id=app></div></html>").unwrap();
    std::fs::write(dist.join("curtain-0123456789abcdef.js"), "console.log('curtain');\n".repeat(20)).unwrap();
    // A precompressed twin, as the build writes them (the bytes only need to differ).
    std::fs::write(dist.join("curtain-0123456789abcdef.js.br"), b"precompressed brotli bytes").unwrap();
    // The app's modules live in a folder named by their content hash.
    std::fs::create_dir_all(dist.join("app-0123456789abcdef")).unwrap();
    std::fs::write(dist.join("app-0123456789abcdef/split_privacy.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dist
}

/// A JSON client with its own cookie jar that sends the CSRF header the way the SPA does.
pub struct ApiClient {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
}

/// A response with its body read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `error.code` of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Every `Set-Cookie` header for `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

impl ApiClient {
    /// A fresh client of the server at `base` (`http://HOST:PORT`) with its own
    /// cookie jar, like a new browser.
    pub fn new(base: &str) -> ApiClient {
        Self::with(base, reqwest::Client::builder())
    }

    /// Like [`ApiClient::new`], connecting from `local` (any `127.x.y.z` works
    /// on Linux), so the server sees a different address per client.
    pub fn from_address(base: &str, local: IpAddr) -> ApiClient {
        Self::with(base, reqwest::Client::builder().local_address(local))
    }

    /// A client built from `builder`, given its own cookie jar.
    pub fn with(base: &str, builder: reqwest::ClientBuilder) -> ApiClient {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = builder.cookie_provider(jar.clone()).user_agent("curtain-tests").build().expect("an HTTP client");
        ApiClient { http, jar, base: base.trim_end_matches('/').to_string() }
    }

    /// The same browser (cookie jar and all) talking to the server at
    /// `base`: another replica of the same site.
    pub fn at(&self, base: &str) -> ApiClient {
        ApiClient { http: self.http.clone(), jar: self.jar.clone(), base: base.trim_end_matches('/').to_string() }
    }

    /// `http://HOST:PORT`
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The value of a cookie the server set in this client's jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split("; ").find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    }

    /// Puts a cookie into the jar, as a browser with that cookie would send it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let url = self.base.parse().unwrap();
        self.jar.add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    }

    pub async fn get(&self, path: &str) -> Reply {
        read(self.http.get(format!("{}{}", self.base, path)).send().await.expect("GET")).await
    }

    /// POST JSON with the CSRF header when the jar holds a CSRF cookie.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body), None).await
    }

    /// Any method, as the SPA sends it: JSON when there is a body, the CSRF
    /// header when the jar holds a CSRF cookie, and `If-Match` when given.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>, if_match: Option<&str>) -> Reply {
        let described = format!("{method} {path}");
        self.try_send(method, path, body, if_match).await.unwrap_or_else(|e| panic!("{described}: {e}"))
    }

    /// [`ApiClient::send`] that hands back a failure to connect or to read
    /// the answer instead of panicking, for tests where the server may go away.
    pub async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, reqwest::Error> {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(body) = body {
            req = req.json(body);
        }
        if let Some(token) = self.cookie(curtain_api::CSRF_COOKIE) {
            req = req.header(curtain_api::CSRF_HEADER, token);
        }
        if let Some(tag) = if_match {
            req = req.header(reqwest::header::IF_MATCH, tag);
        }
        Ok(read(req.send().await?).await)
    }

    /// POST JSON without any CSRF header.
    pub async fn post_without_csrf(&self, path: &str, body: &Value) -> Reply {
        read(self.http.post(format!("{}{}", self.base, path)).json(body).send().await.expect("POST")).await
    }

    /// POST a raw body with the given content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Reply {
        let req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.to_string());
        read(req.send().await.expect("POST")).await
    }

    /// Signs up with a valid adult profile and returns the reply.
    pub async fn sign_up(&self, username: &str, password: &str) -> Reply {
        self.post("/api/auth/signup", &signup_body(username, password, "1990-05-01")).await
    }

    /// Answers the consent banner as the SPA does: a receipt through
    /// `POST /api/consent`, then the `curtain_consent` cookie. Returns the cookie value.
    pub async fn give_consent(&self, preferences: bool, analytics: bool) -> String {
        let revision = self.get("/api/consent/config").await.body["revision"].as_u64().expect("a revision") as u32;
        let (record, receipt) = consent_answer(revision, preferences, analytics);
        let r = self.post("/api/consent", &receipt).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let value = record.encode();
        self.set_cookie(curtain_api::CONSENT_COOKIE, &value);
        value
    }

    /// Saves profile changes as the settings page does (the ETag from
    /// `GET /api/me/profile` in `If-Match`), and insists that it worked.
    pub async fn edit_profile(&self, body: Value) {
        let r = self.get("/api/me/profile").await;
        let tag = r.headers.get("etag").expect("an ETag").to_str().unwrap().to_string();
        let r = self.send(reqwest::Method::PATCH, "/api/me/profile", Some(&body), Some(&tag)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }

    pub async fn sign_in(&self, login: &str, password: &str, remember: bool) -> Reply {
        self.post("/api/auth/signin", &serde_json::json!({"login": login, "password": password, "remember": remember}))
            .await
    }
}

/// A new consent answer (a fresh id, given now, no GPC) and the body of its
/// `POST /api/consent` receipt; once stored, `record.encode()` is the cookie.
pub fn consent_answer(revision: u32, preferences: bool, analytics: bool) -> (ConsentRecord, Value) {
    let record = ConsentRecord {
        id: curtain_api::consent::uuid_v4(rand_bytes()),
        revision,
        choices: Choices { preferences, analytics },
        given_at: curtain_server::clock::now(),
        gpc: false,
    };
    let receipt = serde_json::json!({
        "consent_id": record.id, "revision": revision,
        "categories": record.choices.categories(), "gpc": false, "method": "custom",
    });
    (record, receipt)
}

/// 16 bytes that differ between calls, for test consent ids.
pub fn rand_bytes() -> [u8; 16] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&nanos.to_le_bytes());
    bytes[8..].copy_from_slice(&(n ^ u64::from(std::process::id()) << 32).to_le_bytes());
    bytes
}

/// A sign-up body; the e-mail is derived from the username.
pub fn signup_body(username: &str, password: &str, birth_date: &str) -> Value {
    serde_json::json!({
        "username": username,
        "email": format!("{}@example.org", username.to_lowercase()),
        "password": password,
        "birth_date": birth_date,
        // The version in effect, as the sign-up form fetches it.
        "accepted_policy_version": curtain_server::policy::published::current_version(curtain_server::clock::now()),
    })
}

async fn read(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, headers, body }
}

/// `2026-06-01` -> `1 June 2026`, as the SPA writes dates.
pub fn long_date(d: curtain_api::CivilDate) -> String {
    const MONTHS: [&str; 12] = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ];
    format!("{} {} {}", d.day, MONTHS[usize::from(d.month) - 1], d.year)
}
