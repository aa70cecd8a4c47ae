//! The JSON API under `/api`: one module per resource.

mod account;
mod auth;
mod consent;
mod health;
mod profiles;
pub(crate) mod policy;
mod retention;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::Error;
use crate::AppState;

/// Requests larger than this are refused before parsing.
const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
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
        .route("/me/export", get(account::export))
        .route("/me", axum::routing::delete(account::delete_account))
        .route("/reports/child-account", post(account::report_child_account))
        // How long each kind of record is kept (retention.rs).
        .route("/retention", get(retention::periods))
        // Profiles, follows and who sees what (profiles.rs).
        .merge(profiles::routes())
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async {
            Error::request(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "That method is not allowed here.")
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::session::resolve_viewer))
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
