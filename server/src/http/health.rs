//! `GET /api/health`: liveness and database reachability.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use curtain_api::Health;

use crate::AppState;

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db_ok = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.db).await.is_ok();
    let status = if db_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" }.to_string();
    (
        status,
        Json(Health { status: word(db_ok), database: word(db_ok), version: env!("CARGO_PKG_VERSION").into() }),
    )
}
