//! `GET /api/retention`: how long each kind of record is kept, from the
//! table the purge itself follows. Anyone may ask.

use axum::Json;
use curtain_api::retention::Retention;

/// `GET /api/retention`.
pub async fn periods() -> Json<Retention> {
    Json(crate::retention::retention())
}
