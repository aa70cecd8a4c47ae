//! The privacy policy: versions, diffs, and the member's acknowledgement.

use curtain_api::policy::{
    PolicyAcceptanceRequest, PolicyDiff, PolicyDocument, PolicyStatusReply, PolicyVersionList, PromiseList,
};
use gloo_net::http::Request;

use super::{decode, send, unsafe_request, ApiError, Fetched};

async fn get<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    super::fetch(url).await?.read()
}

const CURRENT: &str = "/api/policies/privacy";

/// `GET /api/policies/privacy`: the version in effect now.
pub async fn current() -> Result<PolicyDocument, ApiError> {
    get(CURRENT).await
}

/// [`current`], not read yet: a [`PolicyDocument`] once read.
pub async fn fetch_current() -> Result<Fetched, ApiError> {
    super::fetch(CURRENT).await
}

/// `GET /api/policies/privacy/versions/{n}`. `n` goes as typed in the URL;
/// the server says what is wrong with it.
pub async fn version(n: String) -> Result<PolicyDocument, ApiError> {
    get(&format!("/api/policies/privacy/versions/{}", encode(&n))).await
}

/// `GET /api/policies/privacy/versions`: every version, newest first.
pub async fn versions() -> Result<PolicyVersionList, ApiError> {
    get("/api/policies/privacy/versions").await
}

/// `GET /api/policies/privacy/diff?from=&to=`, with the numbers as given.
pub async fn diff(from: String, to: String) -> Result<PolicyDiff, ApiError> {
    get(&format!("/api/policies/privacy/diff?from={}&to={}", encode(&from), encode(&to))).await
}

/// `GET /api/policies/privacy/promises[?version=N]`: how each promise of a
/// version is kept; the version in effect when `version` is `None`. The
/// number goes as typed in the URL; the server says what is wrong with it.
pub async fn promises(version: Option<String>) -> Result<PromiseList, ApiError> {
    match version {
        Some(n) => get(&format!("/api/policies/privacy/promises?version={}", encode(&n))).await,
        None => get("/api/policies/privacy/promises").await,
    }
}

/// `GET /api/me/policy-status`; `None` when nobody is signed in.
pub async fn status() -> Result<Option<PolicyStatusReply>, ApiError> {
    let (status, body) =
        send(Request::get("/api/me/policy-status").header("Accept", "application/json").build()).await?;
    if status == 401 {
        return Ok(None);
    }
    decode(status, &body).map(Some)
}

/// `POST /api/me/policy-acceptances`: "I have read it" for the version in
/// effect, or "Got it" for an announced one (no banner when it takes effect).
pub async fn acknowledge(version: u32) -> Result<PolicyStatusReply, ApiError> {
    let request = PolicyAcceptanceRequest { version };
    let (status, body) = send(unsafe_request(Request::post("/api/me/policy-acceptances")).json(&request)).await?;
    decode(status, &body)
}

/// Percent-encodes everything but unreserved characters, so whatever was in
/// the address bar reaches the server as it was.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::encode("3"), "3");
        assert_eq!(super::encode("1&to=2"), "1%26to%3D2");
        assert_eq!(super::encode("é"), "%C3%A9");
    }
}
