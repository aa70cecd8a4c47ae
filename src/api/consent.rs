//! Cookie consent requests: the configuration, receipts, page views.

use curtain_api::consent::{ConsentConfig, ConsentReceipt, ConsentReceiptRequest, PageView};
use gloo_net::http::Request;

use super::{decode, error_from_response, read, send, unsafe_request, with_json, ApiError};

/// `GET /api/consent/config`: the current revision, the categories, what changed.
pub async fn config() -> Result<ConsentConfig, ApiError> {
    let (status, body) =
        send(Request::get("/api/consent/config").header("Accept", "application/json").build()).await?;
    read(status, &body)
}

/// `POST /api/consent`: the receipt of an answer.
pub async fn record(receipt: &ConsentReceiptRequest) -> Result<ConsentReceipt, ApiError> {
    let (status, body) = send(with_json(unsafe_request(Request::post("/api/consent")), receipt)).await?;
    read(status, &body)
}

/// `GET /api/me/consents`: the signed-in member's receipts, newest first.
pub async fn mine() -> Result<Vec<ConsentReceipt>, ApiError> {
    let (status, body) = send(Request::get("/api/me/consents").header("Accept", "application/json").build()).await?;
    decode(status, &body)
}

/// `POST /api/analytics/pageview`. Only ever called with analytics consent.
pub async fn page_view(path: &str) -> Result<(), ApiError> {
    let view = PageView { path: path.to_string() };
    let (status, body) = send(with_json(unsafe_request(Request::post("/api/analytics/pageview")), &view)).await?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(error_from_response(status, &body))
    }
}
