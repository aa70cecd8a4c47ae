//! The one module that talks HTTP. Every request the SPA makes goes through
//! here, typed with the shared `curtain-api` crate; pages and components only
//! see `Result<_, ApiError>`.

use std::collections::BTreeMap;

use curtain_api::{
    ErrorBody, ErrorDetail, FieldErrors, SessionUser, SigninRequest, SignupRequest, CSRF_COOKIE,
    CSRF_HEADER,
};
use gloo_net::http::{Request, RequestBuilder};
use leptos_i18n::td_string;
use leptos::prelude::{LocalStorage, StoredValue, UpdateValue};
use serde::de::DeserializeOwned;

pub mod consent;
pub mod wire;

pub mod account;
pub mod policy;
pub mod profiles;

/// Why a request did not produce what the caller asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got a real answer: the network is down, the server
    /// is not running, or a gateway in front of it says so (502/503/504
    /// without our error body).
    Unreachable,
    /// The server answered with its error shape.
    Http { status: u16, body: ErrorDetail },
    /// The server answered with something we cannot read. Kept for the console;
    /// people see a generic sentence.
    Unexpected(String),
}


static NO_FIELD_ERRORS: FieldErrors = BTreeMap::new();

impl ApiError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::Unreachable)
    }

    /// Messages per request field, keyed by the wire name (`username`, `birth_date`, …).
    pub fn field_errors(&self) -> &FieldErrors {
        match self {
            ApiError::Http { body, .. } => &body.fields,
            _ => &NO_FIELD_ERRORS,
        }
    }

    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            // Shown when the server cannot be reached.
            ApiError::Unreachable => td_string!(crate::lang::page_lang().locale(), shell.unreachable).to_string(),
            // The server's own sentence, as it wrote it.
            ApiError::Http { body, .. } if !body.message.trim().is_empty() => body.message.clone(),
            ApiError::Http { .. } | ApiError::Unexpected(_) => {
                td_string!(crate::lang::page_lang().locale(), shell.unexpected).to_string()
            }
        }
    }
}

/// `GET /api/session`: the signed-in member, or `None` when signed out.
pub async fn session() -> Result<Option<SessionUser>, ApiError> {
    let (status, body) = send(Request::get("/api/session").header("Accept", "application/json").build()).await?;
    if status == 401 {
        return Ok(None);
    }
    read(status, &body).map(Some)
}

/// `POST /api/auth/signup`: creates the account and signs it in.
pub async fn signup(request: &SignupRequest) -> Result<SessionUser, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/auth/signup")).json(request)).await?;
    decode(status, &body)
}

/// `POST /api/auth/signin`.
pub async fn signin(request: &SigninRequest) -> Result<SessionUser, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/auth/signin")).json(request)).await?;
    decode(status, &body)
}

/// `POST /api/auth/signout`. A 401 means the session had already ended, which
/// is what the caller wanted.
pub async fn signout() -> Result<(), ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/auth/signout")).build()).await?;
    match status {
        200..=299 | 401 => Ok(()),
        _ => Err(error_from_response(status, &body)),
    }
}

/// An answer that has arrived but is not read yet. A lazily loaded page asks
/// for its data with this as soon as its route is chosen, so the request
/// travels while the page's code downloads; the page's module then reads it
/// with [`Fetched::read`], which keeps the decoding code out of the main
/// module.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    status: u16,
    body: String,
}

impl Fetched {
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        decode(self.status, &self.body)
    }
}

/// An answer asked for as soon as a page's route is chosen, awaited by the
/// page once its code has arrived (`prefetched.await`). Unlike a
/// `LocalResource` it has no reactive machinery, which the main module,
/// where it starts, would otherwise carry for every first visit.
pub struct Prefetched<T: 'static>(StoredValue<PrefetchSlot<T>, LocalStorage>);

pub struct PrefetchSlot<T> {
    value: Option<T>,
    waiting: Vec<std::task::Waker>,
}

impl<T: 'static> Clone for Prefetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Prefetched<T> {}

impl<T: Clone + 'static> Prefetched<T> {
    /// Starts `answer` now. If the page has gone by the time it arrives,
    /// it is dropped.
    pub fn start(answer: impl std::future::Future<Output = T> + 'static) -> Self {
        let slot = StoredValue::new_local(PrefetchSlot { value: None, waiting: Vec::new() });
        leptos::task::spawn_local(async move {
            let value = answer.await;
            slot.try_update_value(|slot| {
                slot.value = Some(value);
                slot.waiting.drain(..).for_each(std::task::Waker::wake);
            });
        });
        Prefetched(slot)
    }
}

impl<T: Clone + 'static> std::future::IntoFuture for Prefetched<T> {
    type Output = T;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(std::future::poll_fn(move |cx| {
            let ready = self.0.try_update_value(|slot| match &slot.value {
                Some(value) => Some(value.clone()),
                None => {
                    slot.waiting.push(cx.waker().clone());
                    None
                }
            });
            match ready {
                Some(Some(value)) => std::task::Poll::Ready(value),
                // Still on its way; or the page it was for has gone, and
                // nothing will ask again.
                _ => std::task::Poll::Pending,
            }
        }))
    }
}

/// `GET path`, not read yet (see [`Fetched`]).
pub async fn fetch(path: &str) -> Result<Fetched, ApiError> {
    let (status, body) = send(Request::get(path).header("Accept", "application/json").build()).await?;
    Ok(Fetched { status, body })
}

/// Adds what every state-changing request needs: JSON accept and the CSRF
/// token, echoed from its page-readable cookie whenever that cookie exists.
fn unsafe_request(builder: RequestBuilder) -> RequestBuilder {
    let builder = builder.header("Accept", "application/json");
    match csrf_token() {
        Some(token) => builder.header(CSRF_HEADER, &token),
        None => builder,
    }
}

fn csrf_token() -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
    // Fails when cookies are blocked; then there is simply no token to send.
    let cookies = document.cookie().ok()?;
    cookie_value(&cookies, CSRF_COOKIE).map(str::to_string)
}

/// The value of cookie `name` in a `document.cookie` string.
fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Sends the request and reads the whole body, so status handling below is
/// plain code. Every request says the page's language (`Accept-Language`),
/// so the server's messages come back in it.
async fn send(request: Result<Request, gloo_net::Error>) -> Result<(u16, String), ApiError> {
    let request = request.map_err(|e| ApiError::Unexpected(format!("could not build the request: {e}")))?;
    request.headers().set("Accept-Language", crate::lang::page_lang().tag());
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    let status = response.status();
    // A body that cannot be read means the connection broke half-way.
    let body = response.text().await.map_err(|_| ApiError::Unreachable)?;
    Ok((status, body))
}

/// A success body read by hand (see [`wire`]): for the answers the main
/// module reads, which keeps `serde_json` out of it.
fn read<T: wire::FromJson>(status: u16, body: &str) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        T::parse(body).map_err(|e| ApiError::Unexpected(format!("unreadable {status} response: {e}")))
    } else {
        Err(error_from_response(status, body))
    }
}

/// A JSON request body the main module writes (see [`wire`]).
fn with_json(builder: RequestBuilder, body: &impl wire::ToJson) -> Result<Request, gloo_net::Error> {
    builder.header("Content-Type", "application/json").body(body.to_json())
}

fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        serde_json::from_str(body)
            .map_err(|e| ApiError::Unexpected(format!("unreadable {status} response: {e}")))
    } else {
        Err(error_from_response(status, body))
    }
}

fn error_from_response(status: u16, body: &str) -> ApiError {
    match <ErrorBody as wire::FromJson>::parse(body) {
        Ok(parsed) => ApiError::Http { status, body: parsed.error },
        // A gateway's own error page: our server is not answering.
        Err(_) if matches!(status, 502..=504) => ApiError::Unreachable,
        Err(_) => ApiError::Unexpected(format!("HTTP {status} without an error body")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_csrf_cookie_among_others() {
        let jar = "curtain_consent=abc; curtain_csrf=t0k3n; theme=dark";
        assert_eq!(cookie_value(jar, "curtain_csrf"), Some("t0k3n"));
        assert_eq!(cookie_value("curtain_csrf=x", "curtain_csrf"), Some("x"));
        assert_eq!(cookie_value("not_curtain_csrf=x", "curtain_csrf"), None);
        assert_eq!(cookie_value("curtain_csrf=", "curtain_csrf"), None);
        assert_eq!(cookie_value("", "curtain_csrf"), None);
    }

    #[test]
    fn error_bodies_become_http_errors() {
        let body = r#"{"error":{"code":"taken","message":"Pick another.","fields":{"username":["Taken."]}}}"#;
        let err = error_from_response(409, body);
        assert!(matches!(&err, ApiError::Http { status: 409, body } if body.code == "taken"));
        assert_eq!(err.message(), "Pick another.");
        assert_eq!(err.field_errors()["username"], vec!["Taken.".to_string()]);
    }

    #[test]
    fn gateway_pages_mean_the_server_is_unreachable() {
        for status in [502, 503, 504] {
            assert_eq!(error_from_response(status, "<html>Bad Gateway</html>"), ApiError::Unreachable);
        }
        // Our server's own 503 (e.g. database down) carries our error shape.
        let ours = r#"{"error":{"code":"unavailable","message":"Back soon."}}"#;
        assert_eq!(error_from_response(503, ours).message(), "Back soon.");
        assert!(matches!(error_from_response(500, "oops"), ApiError::Unexpected(_)));
    }

    #[test]
    fn success_bodies_decode_or_are_unexpected() {
        let user = r#"{"username":"ana","email":"ana@example.org","minor":false,"remembered":false,"joined_at":"2026-01-01T00:00:00Z"}"#;
        let decoded: SessionUser = decode(200, user).unwrap();
        assert_eq!(decoded.username, "ana");
        assert!(matches!(decode::<SessionUser>(200, "{}"), Err(ApiError::Unexpected(_))));
        assert!(matches!(decode::<SessionUser>(401, "{}"), Err(ApiError::Unexpected(_))));
    }
}
