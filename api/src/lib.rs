//! Wire types shared by the Curtain SPA and the API server, plus the pure rules
//! (validation, the age gate) that both sides must agree on.
//!
//! This crate depends on `serde` only, so it compiles to wasm without weight.

pub mod consent;
pub mod account;
pub mod date;
pub mod profile;
pub mod policy;
pub mod retention;
pub mod routes;
pub mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use date::CivilDate;

/// Name of the HttpOnly cookie that carries the session token.
pub const SESSION_COOKIE: &str = "curtain_session";
/// Name of the page-readable cookie whose value the SPA echoes in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "curtain_csrf";
/// Name of the cookie in which the SPA stores the visitor's consent answer.
pub const CONSENT_COOKIE: &str = "curtain_consent";
/// Header that must carry the CSRF token on unsafe requests from a signed-in caller.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// Field name -> messages, in the order they should be shown.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Every error the API returns has this shape: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A machine-readable `code`, a sentence for people, and per-field messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldErrors,
}

/// `POST /api/auth/signup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignupRequest {
    pub username: String,
    pub email: String,
    pub password: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// The policy version the person was shown and agreed to.
    pub accepted_policy_version: u32,
    /// The language of the page the form was on (`de`, `pt-BR`, `en`),
    /// stored as the member's language. Optional: without it, none is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// `POST /api/auth/signin`. `login` is a username or an e-mail address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigninRequest {
    pub login: String,
    pub password: String,
    /// Ask for a persistent sign-in ("remember me").
    #[serde(default)]
    pub remember: bool,
}

/// The signed-in member, as `GET /api/session`, sign-up and sign-in return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub username: String,
    /// The member's address: the confirmed one, or (before any is confirmed)
    /// the one a confirmation link was sent to.
    pub email: String,
    /// Whether `email` is confirmed (its link was followed).
    #[serde(default)]
    pub email_verified: bool,
    /// A new address waiting for its confirmation link to be followed; until
    /// then `email` stays the member's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_email: Option<String>,
    /// Aged 13 to 17 at sign-up: stricter defaults apply.
    pub minor: bool,
    /// Whether this sign-in persists after the browser closes.
    pub remembered: bool,
    /// RFC 3339 timestamp of account creation.
    pub joined_at: String,
    /// How many follow requests wait for this member's answer.
    #[serde(default)]
    pub follow_requests: u32,
    /// The language the member chose for Curtain (`en`, `de`, `pt-BR`):
    /// their e-mails are written in it, and an address without a language
    /// goes to it. `null`: not chosen.
    #[serde(default)]
    pub language: Option<String>,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when the server and its database answer.
    pub status: String,
    pub database: String,
    pub version: String,
}
