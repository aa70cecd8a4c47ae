//! The JSON API under `/api`: one module per resource.

mod account;
mod auth;
pub(crate) mod consent;
pub(crate) mod cross_site;
mod health;
mod profiles;
pub(crate) use profiles::profile_for_page;
pub(crate) mod policy;
mod retention;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use serde::de::DeserializeOwned;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::Error;
use crate::AppState;

/// Requests larger than this are refused before parsing.
const BODY_LIMIT: usize = 64 * 1024;

/// The routes under `/api`, each recorded as it is added, so the list of
/// paths ([`paths`]) and the router cannot disagree.
pub(crate) struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    /// Adds `path` (relative to `/api`) to the router and to the list.
    pub(crate) fn route(mut self, path: &'static str, method_router: MethodRouter<AppState>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, method_router);
        self
    }
}

fn routes() -> Routes {
    let routes = Routes { router: Router::new(), paths: Vec::new() }
        .route("/health", get(health::ready))
        .route("/health/ready", get(health::ready))
        .route("/health/live", get(health::live))
        .route("/session", get(auth::session))
        .route("/auth/signup", post(auth::signup))
        .route("/auth/signin", post(auth::signin))
        .route("/auth/signout", post(auth::signout))
        // Cookie consent (consent.rs).
        .route("/consent/config", get(consent::config))
        .route("/consent", post(consent::record))
        .route("/me/consents", get(consent::mine))
        .route("/analytics/pageview", post(consent::page_view))
        // The versioned privacy policy (policy.rs).
        .route("/policies/privacy", get(policy::current))
        .route("/policies/privacy/versions", get(policy::list))
        .route("/policies/privacy/versions/{n}", get(policy::one))
        .route("/policies/privacy/diff", get(policy::compare))
        .route("/policies/privacy/promises", get(policy::promises))
        .route("/me/policy-status", get(policy::my_status))
        .route("/me/policy-acceptances", post(policy::acknowledge))
        // The member's own account (account.rs).
        .route(
            "/me/email-preferences",
            get(account::get_email_preferences).patch(account::patch_email_preferences),
        )
        .route("/unsubscribe", post(account::unsubscribe))
        .route("/unsubscribe/{token}", get(account::unsubscribe_status))
        .route("/me/sessions", get(account::list_sessions))
        .route("/me/sessions/revoke-others", post(account::revoke_other_sessions))
        .route("/me/sessions/{id}", axum::routing::delete(account::revoke_session))
        .route("/me/activity", get(account::activity))
        .route("/me/password", post(account::change_password))
        .route("/me/email", post(account::change_email))
        .route("/me/email/verification", post(account::resend_verification))
        .route("/email/verify", post(account::verify_email))
        .route("/me/export", get(account::export))
        .route("/me/language", axum::routing::put(account::put_language))
        .route("/me", axum::routing::delete(account::delete_account))
        .route("/reports/child-account", post(account::report_child_account))
        .route("/privacy-requests", post(account::privacy_request))
        // How long each kind of record is kept (retention.rs).
        .route("/retention", get(retention::periods));
    // Profiles, follows and who sees what (profiles.rs).
    profiles::routes(routes)
}

/// Every path under `/api` the router answers, as written in the router
/// (`{name}` for a parameter), for tests that walk them all.
pub fn paths() -> Vec<&'static str> {
    routes().paths
}

pub fn router(state: AppState) -> Router<AppState> {
    routes()
        .router
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async {
            Error::request(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "That method is not allowed here.")
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::session::resolve_viewer))
        // Outside the session check, so another site's request is refused before anything is looked up.
        .layer(axum::middleware::from_fn_with_state(state.clone(), cross_site::refuse_cross_site))
        // Any request that may write makes the cached profiles stale once it is done.
        .layer(axum::middleware::from_fn_with_state(
            state.profiles.clone(),
            crate::profile_cache::invalidate_after_writes,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Answers hold personal data: never cache them anywhere.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// A JSON body whose rejections speak the API's error shape: malformed JSON
/// is a 400, a well-formed body with wrong or missing fields a 422 naming the
/// problem, a missing `Content-Type: application/json` a 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> Error {
    match rejection {
        JsonRejection::JsonDataError(e) => Error::request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("The request body does not have the expected fields: {}", e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            Error::request(StatusCode::BAD_REQUEST, "malformed_json", "The request body is not valid JSON.")
        }
        JsonRejection::MissingJsonContentType(_) => Error::request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the request body as JSON with Content-Type: application/json.",
        ),
        other => Error::request(other.status(), "bad_request", other.body_text()),
    }
}

/// Path parameters whose rejections speak the API's error shape. A
/// parameter that cannot be read (bytes that are not UTF-8, a number that is
/// not one) names nothing here: 404, like a well-formed name that matches
/// nothing.
pub struct ApiPath<T>(pub T);

#[allow(clippy::disallowed_types)] // the one place that wraps it
impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            // A route whose parameters do not fit its handler: our mistake.
            Err(rejection) if rejection.status().is_server_error() => {
                Err(Error::Internal(anyhow::anyhow!("path parameters: {}", rejection.body_text())))
            }
            Err(_) => Err(Error::NotFound),
        }
    }
}

/// A query string whose rejections speak the API's error shape: 400
/// `bad_request`, naming the problem. A parameter given twice is refused even
/// where the route does not read it: no route takes a list, so which value
/// counts would be a guess.
pub struct ApiQuery<T>(pub T);

#[allow(clippy::disallowed_types)] // the one place that wraps it
impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::Query;
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).map_err(query_rejection)?.0;
        let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
            let name: String = twice[0].chars().take(40).collect();
            return Err(bad_query(format!("the parameter `{name}` is given more than once")));
        }
        let Query(value) = Query::<T>::try_from_uri(&parts.uri).map_err(query_rejection)?;
        Ok(ApiQuery(value))
    }
}

fn query_rejection(rejection: QueryRejection) -> Error {
    let text = rejection.body_text();
    bad_query(text.trim_start_matches("Failed to deserialize query string: ").to_string())
}

fn bad_query(problem: String) -> Error {
    Error::request(StatusCode::BAD_REQUEST, "bad_request", format!("The query string could not be read: {problem}."))
}
