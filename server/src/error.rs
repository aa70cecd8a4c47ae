//! The server's one error type. Every variant maps to a status code and the
//! JSON error shape of the contract; internal failures are logged and reported
//! without detail, so nothing about the database or the code leaks out.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use curtain_api::{ErrorBody, ErrorDetail, FieldErrors};
use curtain_ui::Lang;

use crate::i18n::{request_lang, text, translate, translate_fields};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 422: the request was understood but some fields are wrong.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// 409: a unique value (username, e-mail) is already taken.
    #[error("conflict")]
    Taken(FieldErrors),
    /// 401 at sign-in. One message whether the account exists or not.
    #[error("bad credentials")]
    BadCredentials,
    /// 401: this needs a signed-in member.
    #[error("not signed in")]
    Unauthorized,
    /// 403: younger than 13 at sign-up.
    #[error("underage")]
    Underage,
    /// 403: unsafe request from a signed-in caller without the right CSRF token.
    #[error("csrf token missing or wrong")]
    Csrf,
    /// 404.
    #[error("not found")]
    NotFound,
    /// 429 with `Retry-After` in seconds; `message` says what was limited
    /// ("Too many failed sign-ins."), the answer adds when to try again.
    #[error("rate limited")]
    RateLimited { retry_after: u64, message: &'static str },
    /// 503 with `Retry-After` in seconds: the server is too busy to answer
    /// now (the database writer, or password hashing, stayed taken for longer
    /// than a request may wait). Nothing was changed.
    #[error("busy")]
    Busy { retry_after: u64 },
    /// Any other client error, with its own status and code.
    #[error("{message}")]
    Request { status: StatusCode, code: &'static str, message: String },
    /// A client error with its own status and code whose messages belong to
    /// fields (e.g. 409 `policy_changed` on the policy checkbox at sign-up).
    #[error("{message}")]
    RequestWithFields { status: StatusCode, code: &'static str, message: String, fields: FieldErrors },
    /// 500: something broke on our side.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            return Error::Busy { retry_after: 1 };
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            // A row read with `fetch_one` went away between the request's
            // checks and the read (deleted by a request that committed first).
            return Error::NotFound;
        }
        if let sqlx::Error::Database(db) = &e {
            // A row this write points at was deleted by a request that
            // committed first (a member deleting their account in another
            // tab, say): the caller's view is out of date, not our fault.
            if db.is_foreign_key_violation() {
                return Error::request(
                    StatusCode::CONFLICT,
                    "gone",
                    "Something this change refers to no longer exists; it was removed a moment ago. Reload and try again.",
                );
            }
        }
        Error::Internal(e.into())
    }
}

/// Whether a database error means "try again shortly": no connection came
/// free in time, SQLite's lock stayed taken past the busy timeout (by
/// another process; within this one, writes queue for the one writer), or
/// PostgreSQL's write lock past its lock timeout (another replica's writes),
/// or a conflict it resolves by refusing one side.
pub fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
                // lock_not_available, serialization_failure, deadlock_detected.
                matches!(code, "55P03" | "40001" | "40P01")
            } else {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with any extended code.
                code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6))
            }
        }
        _ => false,
    }
}

impl Error {
    pub fn request(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Error::Request { status, code, message: message.into() }
    }

    /// 422 for a single field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_string(), vec![message.into()]);
        Error::Invalid(fields)
    }

    /// Status, code and message, the message in `lang`.
    fn parts(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        let (status, code, message) = self.english_parts(lang);
        let message = match self {
            // Put together in `lang` already.
            Error::RateLimited { .. } => message,
            _ => translate(lang, &message),
        };
        (status, code, message)
    }

    fn english_parts(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        match self {
            Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Some fields need another look.".into()),
            Error::Taken(_) => (StatusCode::CONFLICT, "taken", "That is already in use by another account.".into()),
            Error::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "That username or e-mail and password don't match an account.".into(),
            ),
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Sign in to continue.".into()),
            Error::Underage => (
                StatusCode::FORBIDDEN,
                "underage",
                "Sorry, we can\u{2019}t create an account for you. Nothing you entered has been kept.".into(),
            ),
            Error::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "This request could not be verified. Reload the page and try again.".into(),
            ),
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found", "There is nothing here.".into()),
            Error::RateLimited { retry_after, message } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("{} {}", translate(lang, message), try_again(lang, *retry_after)),
            ),
            Error::Busy { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Curtain is very busy right now and did not change anything. Please try again in a moment.".into(),
            ),
            Error::Request { status, code, message } => (*status, code, message.clone()),
            Error::RequestWithFields { status, code, message, .. } => (*status, code, message.clone()),
            Error::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Please try again.".into(),
            ),
        }
    }
}

/// "Try again in a minute." / "Try again in 15 minutes.", in `lang`.
fn try_again(lang: Lang, seconds: u64) -> String {
    let minutes = seconds.div_ceil(60).max(1);
    if minutes == 1 {
        text(lang, "Try again in a minute.", &[])
    } else {
        text(lang, "Try again in {minutes} minutes.", &[&minutes])
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Internal(e) => tracing::error!(error = ?e, "request failed"),
            Error::Busy { .. } => tracing::warn!("request answered 503: too busy"),
            _ => {}
        }
        // The request's language (`Accept-Language`); codes never change.
        let lang = request_lang();
        let (status, code, message) = self.parts(lang);
        let fields = match self {
            Error::Invalid(ref f) | Error::Taken(ref f) | Error::RequestWithFields { fields: ref f, .. } => {
                translate_fields(lang, f)
            }
            _ => FieldErrors::new(),
        };
        let body = ErrorBody { error: ErrorDetail { code: code.into(), message, fields } };
        let mut response = (status, Json(body)).into_response();
        if let Error::RateLimited { retry_after, .. } | Error::Busy { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_message_rounds_up_to_whole_minutes() {
        assert_eq!(try_again(Lang::En, 1), "Try again in a minute.");
        assert_eq!(try_again(Lang::En, 60), "Try again in a minute.");
        assert_eq!(try_again(Lang::En, 61), "Try again in 2 minutes.");
        assert_eq!(try_again(Lang::En, 900), "Try again in 15 minutes.");
        assert_eq!(try_again(Lang::De, 900), "Versuchen Sie es in 15 Minuten erneut.");
    }

    #[test]
    fn messages_follow_the_language_and_codes_do_not() {
        let limited = Error::RateLimited { retry_after: 30, message: "Too many failed sign-ins." };
        assert_eq!(limited.parts(Lang::En).2, "Too many failed sign-ins. Try again in a minute.");
        let (_, code, de) = limited.parts(Lang::De);
        assert_eq!(code, "rate_limited");
        assert!(!de.contains("Try again"), "{de}");
        assert_eq!(Error::Unauthorized.parts(Lang::PtBr).1, "unauthorized");
        assert_ne!(Error::Unauthorized.parts(Lang::PtBr).2, "Sign in to continue.");
    }
}
