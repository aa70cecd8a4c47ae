//! The privacy policy: versions, diffs, and the member's acknowledgement.

use curtain_api::policy::{
    PolicyAcceptanceRequest, PolicyDiff, PolicyDocument, PolicyStatusReply, PolicyVersionList, PromiseList,
};
use gloo_net::http::Request;

use super::{decode, send, unsafe_request, ApiError, Fetched};

async fn get<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    super::fetch(url).await?.read()
}

/// `url` asking for the policy in the page's language (`lang=`, after the
/// query's other fields, if any). The server answers with the English text,
/// and says so, for a version not translated into it.
fn in_page_language(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}lang={}", crate::lang::page_lang().tag())
}

/// `GET /api/policies/privacy?lang=`: the version in effect now.
pub async fn current() -> Result<PolicyDocument, ApiError> {
    get(&in_page_language("/api/policies/privacy")).await
}

/// [`current`], not read yet: a [`PolicyDocument`] once read.
pub async fn fetch_current() -> Result<Fetched, ApiError> {
    super::fetch(&in_page_language("/api/policies/privacy")).await
}

/// `GET /api/policies/privacy/versions/{n}?lang=`. `n` goes as typed in the
/// URL; the server says what is wrong with it.
pub async fn version(n: String) -> Result<PolicyDocument, ApiError> {
    get(&in_page_language(&format!("/api/policies/privacy/versions/{}", encode(&n)))).await
}

/// `GET /api/policies/privacy/versions?lang=`: every version, newest first.
pub async fn versions() -> Result<PolicyVersionList, ApiError> {
    get(&in_page_language("/api/policies/privacy/versions")).await
}

/// `GET /api/policies/privacy/diff?from=&to=&lang=`, with the numbers as given.
pub async fn diff(from: String, to: String) -> Result<PolicyDiff, ApiError> {
    get(&in_page_language(&format!("/api/policies/privacy/diff?from={}&to={}", encode(&from), encode(&to)))).await
}

/// `GET /api/policies/privacy/promises[?version=N]&lang=`: how each promise of
/// a version is kept; the version in effect when `version` is `None`. The
/// number goes as typed in the URL; the server says what is wrong with it.
pub async fn promises(version: Option<String>) -> Result<PromiseList, ApiError> {
    match version {
        Some(n) => get(&in_page_language(&format!("/api/policies/privacy/promises?version={}", encode(&n)))).await,
        None => get(&in_page_language("/api/policies/privacy/promises")).await,
    }
}

/// `GET /api/me/policy-status?lang=`; `None` when nobody is signed in.
pub async fn status() -> Result<Option<PolicyStatusReply>, ApiError> {
    let url = in_page_language("/api/me/policy-status");
    let (status, body) = send(Request::get(&url).header("Accept", "application/json").build()).await?;
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
