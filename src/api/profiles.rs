//! Profiles: the profile as the server lets this viewer see it, previews,
//! search, follows and follow requests, the member's own profile (guarded by
//! its ETag), privacy settings and watch history.

use curtain_api::profile::{
    EditableProfile, FollowRequests, FollowStatus, HistoryEntry, HistoryList, MemberList, NewHistoryEntry, PreviewAs,
    PrivacySettings, PrivacyUpdate, ProfileUpdate, ProfileView, SearchResults,
};
use gloo_net::http::Request;

use super::{decode, error_from_response, send, unsafe_request, ApiError};

fn get(url: &str) -> Result<Request, gloo_net::Error> {
    Request::get(url).header("Accept", "application/json").build()
}

fn no_content(status: u16, body: &str) -> Result<(), ApiError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(error_from_response(status, body))
    }
}

/// A path segment or query value, percent-encoded.
fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// `GET /api/users/{username}[?as=]`.
pub async fn profile(username: &str, preview: Option<PreviewAs>) -> Result<ProfileView, ApiError> {
    let (status, body) = send(get(&profile_url(username, preview))).await?;
    decode(status, &body)
}

/// `GET /api/users?q=[&after=]`: one page of results.
pub async fn search(query: &str, after: Option<&str>) -> Result<SearchResults, ApiError> {
    let mut url = format!("/api/users?q={}", encode(query));
    if let Some(after) = after {
        url.push_str(&format!("&after={}", encode(after)));
    }
    let (status, body) = send(get(&url)).await?;
    decode(status, &body)
}

/// `GET /api/users/{username}/{list}?after=[&as=]`: the next page of a follow
/// list (`list` is `followers` or `following`).
pub async fn member_page(
    username: &str,
    list: &str,
    preview: Option<PreviewAs>,
    after: &str,
) -> Result<MemberList, ApiError> {
    let mut url = format!("/api/users/{}/{list}?after={}", encode(username), encode(after));
    if let Some(p) = preview {
        url.push_str("&as=");
        url.push_str(p.as_str());
    }
    let (status, body) = send(get(&url)).await?;
    decode(status, &body)
}

/// `POST /api/users/{username}/follow`: follows, or asks to.
pub async fn follow(username: &str) -> Result<FollowStatus, ApiError> {
    let url = format!("/api/users/{}/follow", encode(username));
    let (status, body) = send(unsafe_request(Request::post(&url)).build()).await?;
    decode(status, &body)
}

/// `DELETE /api/users/{username}/follow`: unfollows, or withdraws a request.
pub async fn unfollow(username: &str) -> Result<FollowStatus, ApiError> {
    let url = format!("/api/users/{}/follow", encode(username));
    let (status, body) = send(unsafe_request(Request::delete(&url)).build()).await?;
    decode(status, &body)
}

/// `GET /api/me/follow-requests`.
pub async fn follow_requests() -> Result<FollowRequests, ApiError> {
    let (status, body) = send(get("/api/me/follow-requests")).await?;
    decode(status, &body)
}

/// `POST /api/me/follow-requests/{id}/approve` or `.../deny`.
pub async fn answer_follow_request(id: i64, approve: bool) -> Result<(), ApiError> {
    let url = format!("/api/me/follow-requests/{id}/{}", if approve { "approve" } else { "deny" });
    let (status, body) = send(unsafe_request(Request::post(&url)).build()).await?;
    no_content(status, &body)
}

/// `DELETE /api/me/followers/{username}`.
pub async fn remove_follower(username: &str) -> Result<(), ApiError> {
    let url = format!("/api/me/followers/{}", encode(username));
    let (status, body) = send(unsafe_request(Request::delete(&url)).build()).await?;
    no_content(status, &body)
}

/// The member's own profile and the ETag a save must carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned {
    pub profile: EditableProfile,
    pub etag: String,
}

/// Like `send`, keeping the `ETag` header.
async fn send_versioned(request: Result<Request, gloo_net::Error>) -> Result<Versioned, ApiError> {
    let request = request.map_err(|e| ApiError::Unexpected(format!("could not build the request: {e}")))?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    let status = response.status();
    let etag = response.headers().get("etag").unwrap_or_default();
    let body = response.text().await.map_err(|_| ApiError::Unreachable)?;
    let profile = decode(status, &body)?;
    Ok(Versioned { profile, etag })
}

/// `GET /api/me/profile`.
pub async fn my_profile() -> Result<Versioned, ApiError> {
    send_versioned(get("/api/me/profile")).await
}

/// `PATCH /api/me/profile` over the version `etag` names; a 412 (code
/// `stale`) means someone saved in between.
pub async fn save_profile(etag: &str, update: &ProfileUpdate) -> Result<Versioned, ApiError> {
    send_versioned(unsafe_request(Request::patch("/api/me/profile")).header("If-Match", etag).json(update)).await
}

/// `GET /api/me/privacy`.
pub async fn privacy() -> Result<PrivacySettings, ApiError> {
    let (status, body) = send(get("/api/me/privacy")).await?;
    decode(status, &body)
}

/// `PATCH /api/me/privacy`.
pub async fn save_privacy(update: PrivacyUpdate) -> Result<PrivacySettings, ApiError> {
    let (status, body) = send(unsafe_request(Request::patch("/api/me/privacy")).json(&update)).await?;
    decode(status, &body)
}

/// `GET /api/users/{username}/history`.
pub async fn history(username: &str) -> Result<Vec<HistoryEntry>, ApiError> {
    let (status, body) = send(get(&format!("/api/users/{}/history", encode(username)))).await?;
    decode::<HistoryList>(status, &body).map(|list| list.entries)
}

/// `POST /api/me/history`.
pub async fn add_history(entry: &NewHistoryEntry) -> Result<HistoryEntry, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/me/history")).json(entry)).await?;
    decode(status, &body)
}

/// `DELETE /api/me/history/{id}`.
pub async fn delete_history(id: i64) -> Result<(), ApiError> {
    let url = format!("/api/me/history/{id}");
    let (status, body) = send(unsafe_request(Request::delete(&url)).build()).await?;
    no_content(status, &body)
}

/// Whether an error is the server's "someone saved in between" answer.
pub fn is_stale(error: &ApiError) -> bool {
    matches!(error, ApiError::Http { status: 412, .. })
}

/// `GET /api/users/{username}[?as=]`'s address.
fn profile_url(username: &str, preview: Option<PreviewAs>) -> String {
    let mut url = format!("/api/users/{}", encode(username));
    if let Some(p) = preview {
        url.push_str("?as=");
        url.push_str(p.as_str());
    }
    url
}

/// [`profile`], not read yet: asked for as soon as the route is chosen, so
/// it travels while the page's code downloads (reading it needs that code).
pub async fn fetch_profile(username: String, preview: Option<PreviewAs>) -> Result<super::Fetched, ApiError> {
    super::fetch(&profile_url(&username, preview)).await
}
