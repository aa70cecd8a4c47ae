//! Health for process supervisors and load balancers.
//!
//! `GET /api/health` (also `/api/health/ready`) is readiness: whether this
//! server should be sent requests now. It answers 200 when the database
//! answers a query within a second, and 503 when it does not or while the
//! server is shutting down. `GET /api/health/live` is liveness: the process
//! answers at all, without touching the database, so a slow database never
//! gets a healthy process restarted.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use curtain_api::Health;

use crate::AppState;

/// How long readiness waits for the database.
const DATABASE_WAIT: Duration = Duration::from_secs(1);

fn word(ok: bool, otherwise: &str) -> String {
    if ok { "ok" } else { otherwise }.to_string()
}

/// `GET /api/health`, `GET /api/health/ready`.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let draining = state.draining.load(Ordering::SeqCst);
    let db_ok = state.db.answers(DATABASE_WAIT).await;
    let ok = db_ok && !draining;
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let overall = if draining { "shutting_down" } else { "unavailable" };
    (
        status,
        Json(Health {
            status: word(ok, overall),
            database: word(db_ok, "unavailable"),
            version: env!("CARGO_PKG_VERSION").into(),
        }),
    )
}

/// `GET /api/health/live`.
pub async fn live() -> (StatusCode, Json<Health>) {
    (
        StatusCode::OK,
        Json(Health { status: "ok".into(), database: "not_checked".into(), version: env!("CARGO_PKG_VERSION").into() }),
    )
}
