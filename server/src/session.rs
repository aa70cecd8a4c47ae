//! Sign-in sessions: the cookie token, its hash in the database, the CSRF token
//! derived from it, and the middleware that turns a request's cookie into the
//! [`Viewer`] every handler sees.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use curtain_api::{SessionUser, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::clock;
use crate::error::{Error, Result};
use crate::AppState;

/// A "remember me" sign-in lasts this long, in the cookie and on the server.
pub const PERSISTENT_SECONDS: i64 = 30 * 24 * 3600;
/// A browser-session sign-in ends after this long without a request, even if
/// the browser keeps its session cookies alive (session restore).
pub const IDLE_SECONDS: i64 = 12 * 3600;
/// `last_seen_at` is written at most this often, to keep reads cheap.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A fresh 256-bit random token, URL-safe base64.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The CSRF token bound to a session. Derived from the secret session token,
/// so the server needs no extra state, and a page on another site (which
/// cannot read the HttpOnly session cookie) cannot compute it.
pub fn csrf_token_for(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"curtain-csrf\0");
    h.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// The one place that decides whether a sign-in outlives the browser session:
/// "remember me" was asked for **and** the request's consent, as the server
/// trusts it ([`crate::consent::RequestConsent`]), grants preferences.
pub fn is_persistent(remember: bool, consent: Option<&curtain_api::consent::ConsentRecord>) -> bool {
    curtain_api::consent::allows_persistent_sign_in(remember, consent)
}

/// The `curtain_session` cookie: HttpOnly, SameSite=Lax, Path=/, Secure when
/// served over https; Max-Age only for a persistent sign-in.
pub fn session_cookie(token: String, persistent: bool, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure);
    if persistent {
        c = c.max_age(time::Duration::seconds(PERSISTENT_SECONDS));
    }
    c.build()
}

/// The `curtain_csrf` cookie: readable by the page, SameSite=Strict, same
/// lifetime as the session it belongs to.
pub fn csrf_cookie(value: String, persistent: bool, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build((CSRF_COOKIE, value))
        .http_only(false)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure);
    if persistent {
        c = c.max_age(time::Duration::seconds(PERSISTENT_SECONDS));
    }
    c.build()
}

/// Removes both session cookies from the browser.
pub fn clear_cookies(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(SESSION_COOKIE).path("/")).remove(Cookie::build(CSRF_COOKIE).path("/"))
}

/// Where a request came from, as recorded for sessions and the sign-in log.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // The client as `proxy::resolve` found it, else the peer.
        let ip = parts
            .extensions
            .get::<crate::proxy::Client>()
            .map(|c| c.ip.to_string())
            .or_else(|| {
                parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_canonical().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(400)
            .collect();
        Ok(ClientInfo { ip, user_agent })
    }
}

/// The signed-in member making a request. Extracting it from a request
/// without a valid session answers 401.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub session_id: i64,
    pub user_id: i64,
    pub username: String,
    /// The account's own address ('' when it has none yet), confirmed or not.
    pub email: String,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub minor: bool,
    pub persistent: bool,
    pub created_at: i64,
    /// The language the member chose (`users.language`), if any.
    pub language: Option<curtain_ui::Lang>,
    token: String,
}

impl Viewer {
    pub fn to_wire(&self) -> SessionUser {
        let (email, email_verified, pending_email) =
            crate::accounts::address_view(&self.email, self.email_verified, self.pending_email.as_deref());
        SessionUser {
            username: self.username.clone(),
            email,
            email_verified,
            pending_email,
            minor: self.minor,
            remembered: self.persistent,
            joined_at: clock::rfc3339(self.created_at),
            // The caller fills it in where it is wanted (`GET /api/session`).
            follow_requests: 0,
            language: self.language.map(|lang| lang.tag().to_string()),
        }
    }

    pub fn csrf_token(&self) -> String {
        csrf_token_for(&self.token)
    }

    /// This session's cookies re-issued without an expiry, so they end with
    /// the browser session (see [`forget_on_close`]).
    pub fn browser_session_cookies(&self, jar: CookieJar, secure: bool) -> CookieJar {
        jar.add(csrf_cookie(self.csrf_token(), false, secure)).add(session_cookie(self.token.clone(), false, secure))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Viewer>().cloned().ok_or(Error::Unauthorized)
    }
}

/// The viewer if signed in, for endpoints anyone may call.
#[derive(Debug, Clone)]
pub struct MaybeViewer(pub Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(parts.extensions.get::<Viewer>().cloned()))
    }
}

/// Middleware for `/api`: resolves the session cookie to a [`Viewer`] (a
/// missing, expired, malformed or unknown token simply means "signed out"),
/// and refuses unsafe methods from a signed-in caller whose `X-CSRF-Token`
/// header does not match the session.
pub async fn resolve_viewer(State(state): State<AppState>, jar: CookieJar, mut req: Request, next: Next) -> Response {
    let viewer = match jar.get(SESSION_COOKIE) {
        Some(cookie) => match lookup(&state, cookie.value()).await {
            Ok(v) => v,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    if let Some(viewer) = viewer {
        if !req.method().is_safe() && !csrf_header_matches(req.headers(), &viewer.csrf_token()) {
            return Error::Csrf.into_response();
        }
        req.extensions_mut().insert(viewer);
    }
    next.run(req).await
}

/// The signed-in member a request's cookies name, if any: what
/// [`resolve_viewer`] finds, for the pages and forms outside `/api`.
pub async fn viewer_of(state: &AppState, jar: &CookieJar) -> Result<Option<Viewer>> {
    match jar.get(SESSION_COOKIE) {
        Some(cookie) => lookup(state, cookie.value()).await,
        None => Ok(None),
    }
}

/// Whether `got` is the viewer's CSRF token (constant time: it is a secret).
pub fn csrf_matches(viewer: &Viewer, got: &str) -> bool {
    constant_time_eq(got, &viewer.csrf_token())
}

fn csrf_header_matches(headers: &HeaderMap, expected: &str) -> bool {
    let Some(got) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    constant_time_eq(got, expected)
}

/// Constant-time comparison: the token is a secret.
fn constant_time_eq(got: &str, expected: &str) -> bool {
    got.len() == expected.len() && got.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

async fn lookup(state: &AppState, token: &str) -> Result<Option<Viewer>> {
    // Tokens are 43 URL-safe characters; anything else cannot be ours.
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(None);
    }
    let now = clock::now();
    #[derive(sqlx::FromRow)]
    struct Row {
        session_id: i64,
        user_id: i64,
        #[sqlx(try_from = "crate::db::Flag")]
        persistent: bool,
        last_seen_at: i64,
        username: String,
        email: String,
        #[sqlx(try_from = "crate::db::Flag")]
        email_verified: bool,
        pending_email: Option<String>,
        #[sqlx(try_from = "crate::db::Flag")]
        minor: bool,
        created_at: i64,
        language: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.id AS session_id, s.user_id, s.persistent, s.last_seen_at, u.username, u.email,
                u.email_verified_at IS NOT NULL AS email_verified, u.pending_email, u.minor, u.created_at, u.language
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(state.db.read())
    .await?;
    let Some(Row {
        session_id,
        user_id,
        persistent,
        last_seen_at,
        username,
        email,
        email_verified,
        pending_email,
        minor,
        created_at,
        language,
    }) = row
    else {
        return Ok(None);
    };
    if now - last_seen_at >= TOUCH_EVERY_SECONDS {
        touch(state, session_id, now).await;
    }
    Ok(Some(Viewer {
        session_id,
        user_id,
        username,
        email,
        email_verified,
        pending_email,
        minor,
        persistent,
        created_at,
        language: language.as_deref().and_then(curtain_ui::Lang::from_tag),
        token: token.to_string(),
    }))
}

/// Records that a session was just used. Best effort: when the writer is
/// taken for longer than a moment, the request goes on without it (the next
/// request a minute on tries again), rather than waiting or failing.
async fn touch(state: &AppState, session_id: i64, now: i64) {
    let write = async {
        let mut tx = state.db.begin_write().await?;
        // A browser-session sign-in slides its idle deadline; a persistent one
        // keeps the fixed end its cookie was given.
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1,
               expires_at = CASE WHEN persistent THEN expires_at ELSE $2 END
             WHERE id = $3",
        )
        .bind(now)
        .bind(now + IDLE_SECONDS)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, Error>(())
    };
    match tokio::time::timeout(TOUCH_WAIT, write).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = ?e, "session last-seen time not recorded"),
        Err(_) => tracing::debug!("session last-seen time not recorded: the writer is busy"),
    }
}

/// How long recording "last seen" may hold up a request.
const TOUCH_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// A session just stored; its token goes only into the cookies.
pub struct NewSession {
    token: String,
    persistent: bool,
}

impl NewSession {
    /// The session and CSRF cookies to set.
    pub fn cookies(self, jar: CookieJar, secure: bool) -> CookieJar {
        jar.add(csrf_cookie(csrf_token_for(&self.token), self.persistent, secure))
            .add(session_cookie(self.token, self.persistent, secure))
    }
}

/// Starts a session for `user_id` in the caller's write transaction: stores
/// the token's hash and logs the sign-in. Every sign-in gets a fresh token.
pub async fn start(tx: &mut AnyConnection, user_id: i64, persistent: bool, client: &ClientInfo) -> Result<NewSession> {
    let token = new_token();
    let now = clock::now();
    let expires_at = now + if persistent { PERSISTENT_SECONDS } else { IDLE_SECONDS };
    sqlx::query(
        "INSERT INTO sessions (user_id, token_hash, persistent, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user_id)
    .bind(token_hash(&token))
    .bind(persistent)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .bind(&client.ip)
    .bind(&client.user_agent)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO signin_log (user_id, at, ip, user_agent) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(now)
        .bind(&client.ip)
        .bind(&client.user_agent)
        .execute(&mut *tx)
        .await?;
    Ok(NewSession { token, persistent })
}

/// Turns a persistent sign-in into a browser-session one on the server, in
/// the caller's write transaction, when the member withdraws preferences
/// consent: the answer takes effect at once, not at the next sign-in. The
/// cookies follow with [`Viewer::browser_session_cookies`].
pub async fn forget_on_close(tx: &mut AnyConnection, session_id: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET persistent = FALSE, expires_at = CASE WHEN expires_at < $1 THEN expires_at ELSE $1 END WHERE id = $2")
        .bind(clock::now() + IDLE_SECONDS)
        .bind(session_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Ends one session, in the caller's write transaction.
pub async fn end(tx: &mut AnyConnection, session_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(session_id).execute(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_43_char_urlsafe_strings() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn csrf_token_is_bound_to_the_session_and_is_not_the_session() {
        let t = new_token();
        assert_eq!(csrf_token_for(&t), csrf_token_for(&t));
        assert_ne!(csrf_token_for(&t), csrf_token_for(&new_token()));
        assert_ne!(csrf_token_for(&t), t);
        assert_ne!(token_hash(&t), token_hash(&new_token()));
    }

    #[test]
    fn session_cookie_flags() {
        let c = session_cookie("tok".into(), false, false);
        assert_eq!(c.name(), "curtain_session");
        assert_eq!(c.http_only(), Some(true));
        assert_eq!(c.same_site(), Some(SameSite::Lax));
        assert_eq!(c.path(), Some("/"));
        assert_eq!(c.secure(), Some(false));
        assert_eq!(c.max_age(), None, "a browser-session cookie by default");

        let c = session_cookie("tok".into(), true, true);
        assert_eq!(c.secure(), Some(true));
        assert_eq!(c.max_age(), Some(time::Duration::days(30)));
        let header = c.to_string();
        for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure", "Max-Age=2592000"] {
            assert!(header.contains(part), "{header} lacks {part}");
        }
    }

    #[test]
    fn csrf_cookie_is_readable_and_strict() {
        let c = csrf_cookie("x".into(), false, false);
        assert_eq!(c.name(), "curtain_csrf");
        assert_ne!(c.http_only(), Some(true));
        assert_eq!(c.same_site(), Some(SameSite::Strict));
        assert_eq!(c.max_age(), None);
        assert_eq!(csrf_cookie("x".into(), true, false).max_age(), Some(time::Duration::days(30)));
    }

    #[test]
    fn csrf_header_comparison() {
        let mut h = HeaderMap::new();
        assert!(!csrf_header_matches(&h, "abc"));
        h.insert(CSRF_HEADER, "abd".parse().unwrap());
        assert!(!csrf_header_matches(&h, "abc"));
        h.insert(CSRF_HEADER, "abc".parse().unwrap());
        assert!(csrf_header_matches(&h, "abc"));
        h.insert(CSRF_HEADER, "abcd".parse().unwrap());
        assert!(!csrf_header_matches(&h, "abc"));
    }

    #[test]
    fn remember_me_with_preferences_consent_is_what_makes_a_session_persistent() {
        use curtain_api::consent::{Choices, ConsentRecord};
        let consent = |preferences| ConsentRecord {
            id: "0b6f5c1e-8a0d-4c1e-9f3a-2d7b1c4e5f60".into(),
            revision: 1,
            choices: Choices { preferences, analytics: false },
            given_at: 1_780_000_000,
            gpc: false,
        };
        assert!(is_persistent(true, Some(&consent(true))));
        assert!(!is_persistent(false, Some(&consent(true))), "remember me must be asked for");
        assert!(!is_persistent(true, Some(&consent(false))), "preferences must be granted");
        assert!(!is_persistent(true, None), "no trusted consent, no persistence");
    }
}
