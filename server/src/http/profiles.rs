//! Profiles and who sees them: the profile as the caller may see it (and the
//! owner's "view as" preview), member search, follower lists, watch history,
//! follows and follow requests, and the owner's profile and privacy settings.
//!
//! Every answer that carries someone's profile data is cut from
//! [`visible_profile`]: the server decides, and hidden fields never leave it.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use curtain_api::profile::{
    self as rules, FollowRequests, FollowStatus, HistoryList, MemberList, NewHistoryEntry, PreviewAs,
    PrivacySettings, PrivacyUpdate, ProfileUpdate, ProfileView, Relation, SearchResults,
};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::error::{Error, Result};
use crate::profile_cache::CachedOwner;
use crate::profiles::{self, FollowList, Updated};
use crate::session::{MaybeViewer, Viewer};
use crate::visibility::visible_profile;
use crate::{clock, AppState};

/// Search answers at most this many members.
const SEARCH_LIMIT: usize = 20;
/// Queries longer than any username or display name cannot match.
const QUERY_MAX: usize = 60;

pub(super) fn routes(routes: super::Routes) -> super::Routes {
    routes
        .route("/users", get(search))
        .route("/users/{username}", get(profile))
        .route("/users/{username}/history", get(history))
        .route("/users/{username}/followers", get(followers))
        .route("/users/{username}/following", get(following))
        .route("/users/{username}/follow", post(follow).delete(unfollow))
        .route("/me/follow-requests", get(follow_requests))
        .route("/me/follow-requests/{id}/approve", post(approve))
        .route("/me/follow-requests/{id}/deny", post(deny))
        .route("/me/followers/{username}", delete(remove_follower))
        .route("/me/profile", get(my_profile).patch(update_profile))
        .route("/me/privacy", get(my_privacy).patch(update_privacy))
        .route("/me/history", post(add_history))
        .route("/me/history/{id}", delete(delete_history))
}

/// `?as=public|member|follower`: the owner's preview.
#[derive(Debug, Deserialize)]
pub struct ViewQuery {
    #[serde(rename = "as")]
    preview: Option<String>,
}

fn no_such_member() -> Error {
    Error::request(StatusCode::NOT_FOUND, "not_found", "No member has that username.")
}

/// Everything a profile can show about `username`, lists included, from the
/// profile cache or else read (and cached) now. Cut it with
/// [`visible_profile`] before anything leaves the server.
async fn owner_of(state: &AppState, username: &str) -> Result<Arc<CachedOwner>> {
    let key = crate::accounts::key(username);
    if let Some(cached) = state.profiles.get(&key) {
        return Ok(cached);
    }
    // Taken before the queries: see `profile_cache` for why the order matters.
    let generation = state.profiles.generation();
    let user_id = profiles::user_id(state.db.read(), username).await?.ok_or_else(no_such_member)?;
    let owner = profiles::load_owner(state.db.read(), user_id, true, None).await?.ok_or_else(no_such_member)?;
    Ok(state.profiles.insert(key, generation, CachedOwner { user_id, owner }))
}

/// The profile `username` as the caller may see it, without its follow
/// lists: what the first paint needs (title, robots rules, or 404).
pub(crate) async fn profile_for_page(state: &AppState, viewer: Option<&Viewer>, username: &str) -> Result<ProfileView> {
    Ok(cut_for(state, viewer, username, None).await?.view)
}

/// A profile cut for one caller, before its follow lists are read for them.
struct Cut {
    view: ProfileView,
    owner: Arc<CachedOwner>,
    preview: Option<PreviewAs>,
}

/// The profile `username` as the caller (or, for its owner, the previewed
/// audience) may see it, with the follow lists as someone signed out sees
/// them (from the cache): enough to know which lists the caller may see.
async fn cut_for(state: &AppState, viewer: Option<&Viewer>, username: &str, preview: Option<&str>) -> Result<Cut> {
    let owner = owner_of(state, username).await?;
    let actual = profiles::relation(state.db.read(), viewer.map(|v| v.user_id), owner.user_id).await?;
    let preview = match preview {
        None => None,
        Some(_) if actual != Relation::Owner => {
            return Err(Error::request(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Only the owner of a profile can preview it as someone else.",
            ))
        }
        Some(name) => Some(PreviewAs::parse(name).ok_or_else(|| {
            Error::request(StatusCode::BAD_REQUEST, "bad_request", "Preview as public, member or follower.")
        })?),
    };
    let relation = preview.map_or(actual, PreviewAs::relation);
    let mut view = visible_profile(&owner.owner, relation, clock::today());
    view.preview = preview;
    Ok(Cut { view, owner, preview })
}

/// The whole profile as the caller may see it: [`cut_for`], with each
/// follow list the caller may see read for them (the cached pages are what
/// someone signed out sees).
async fn view_of(state: &AppState, viewer: Option<&Viewer>, username: &str, preview: Option<&str>) -> Result<ProfileView> {
    let Cut { mut view, owner, preview } = cut_for(state, viewer, username, preview).await?;
    if let Some(for_whom) = list_viewer(viewer, preview) {
        let db = state.db.read();
        if view.followers.is_some() {
            let page = profiles::follow_page(db, owner.user_id, FollowList::Followers, Some(for_whom), None, profiles::PAGE).await?;
            (view.followers, view.followers_next) = (Some(page.members), page.next);
        }
        if view.following.is_some() {
            let page = profiles::follow_page(db, owner.user_id, FollowList::Following, Some(for_whom), None, profiles::PAGE).await?;
            (view.following, view.following_next) = (Some(page.members), page.next);
        }
    }
    Ok(view)
}

/// Whom the follow lists of a view are filtered for: `None` for someone
/// signed out (or the owner's "everyone" preview), [`profiles::NOBODY`] for
/// the owner's "member" and "follower" previews (someone who follows none of
/// the listed members), else the viewer.
fn list_viewer(viewer: Option<&Viewer>, preview: Option<PreviewAs>) -> Option<i64> {
    match preview {
        Some(PreviewAs::Public) => None,
        Some(_) => Some(profiles::NOBODY),
        None => viewer.map(|v| v.user_id),
    }
}

/// 403 `hidden`, saying what is shared with a narrower audience.
fn hidden(sentence: &'static str) -> Error {
    Error::request(StatusCode::FORBIDDEN, "hidden", sentence)
}

/// `GET /api/users/{username}[?as=]`.
async fn profile(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ApiPath(username): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<ProfileView>> {
    Ok(Json(view_of(&state, viewer.as_ref(), &username, q.preview.as_deref()).await?))
}

/// `GET /api/users/{username}/history[?as=]`.
async fn history(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ApiPath(username): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<HistoryList>> {
    let view = cut_for(&state, viewer.as_ref(), &username, q.preview.as_deref()).await?.view;
    let entries = view.history.ok_or_else(|| hidden("This member shares their watch history with a narrower audience."))?;
    Ok(Json(HistoryList { entries }))
}

/// `?as=&after=&limit=` on a follow list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(rename = "as")]
    preview: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

/// Most members one page of a list may hold.
const LIST_LIMIT_MAX: i64 = 100;

/// `GET /api/users/{username}/followers[?as=&after=&limit=]`.
async fn followers(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ApiPath(username): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<MemberList>> {
    list_page(&state, viewer.as_ref(), &username, q, FollowList::Followers).await
}

/// `GET /api/users/{username}/following[?as=&after=&limit=]`.
async fn following(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ApiPath(username): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<MemberList>> {
    list_page(&state, viewer.as_ref(), &username, q, FollowList::Following).await
}

/// One page of a follow list, if the caller may see the list at all.
async fn list_page(
    state: &AppState,
    viewer: Option<&Viewer>,
    username: &str,
    q: ListQuery,
    list: FollowList,
) -> Result<Json<MemberList>> {
    let limit = q.limit.unwrap_or(profiles::PAGE);
    if !(1..=LIST_LIMIT_MAX).contains(&limit) {
        return Err(Error::invalid_field("limit", format!("Ask for 1 to {LIST_LIMIT_MAX} members at a time.")));
    }
    let after = match q.after.as_deref() {
        None => None,
        Some(a) => Some(a.parse::<i64>().map_err(|_| {
            Error::invalid_field("after", "That is not a page of this list; start again from the first page.")
        })?),
    };
    // Only whether the caller may see the list: its page is read below, once.
    let Cut { view, owner, preview } = cut_for(state, viewer, username, q.preview.as_deref()).await?;
    let (shown, what) = match list {
        FollowList::Followers => {
            (view.followers.is_some(), "This member shares their followers list with a narrower audience.")
        }
        FollowList::Following => {
            (view.following.is_some(), "This member shares their following list with a narrower audience.")
        }
    };
    if !shown {
        return Err(hidden(what));
    }
    let for_whom = list_viewer(viewer, preview);
    // The first page as someone signed out sees it is in the cache already.
    if for_whom.is_none() && after.is_none() && limit == profiles::PAGE {
        let page = match list {
            FollowList::Followers => &owner.owner.followers,
            FollowList::Following => &owner.owner.following,
        };
        return Ok(Json(MemberList { members: page.members.clone(), next: page.next.clone() }));
    }
    let page = profiles::follow_page(state.db.read(), owner.user_id, list, for_whom, after, limit).await?;
    Ok(Json(MemberList { members: page.members, next: page.next }))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    after: Option<String>,
}

/// `GET /api/users?q=[&after=]`: discoverable members only. A display name
/// counts as a match only where the caller may see it, so search cannot be
/// used to probe a hidden name.
async fn search(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>> {
    let SearchQuery { q, after } = q;
    let query = q.unwrap_or_default().trim().to_string();
    if query.chars().count() > QUERY_MAX {
        return Err(Error::invalid_field("q", format!("Search for at most {QUERY_MAX} characters.")));
    }
    if query.is_empty() {
        return Ok(Json(SearchResults { query, members: Vec::new(), next: None }));
    }
    let viewer_id = viewer.as_ref().map(|v| v.user_id);
    let (members, next) =
        profiles::search(state.db.read(), &query, viewer_id, after.as_deref(), SEARCH_LIMIT as i64).await?;
    Ok(Json(SearchResults { query, members, next }))
}

/// `POST /api/users/{username}/follow`: follows, or asks to follow a private account.
async fn follow(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<FollowStatus>> {
    let owner_id = profiles::user_id(state.db.read(), &username).await?.ok_or_else(no_such_member)?;
    if owner_id == viewer.user_id {
        return Err(Error::request(StatusCode::UNPROCESSABLE_ENTITY, "self_follow", "You cannot follow yourself."));
    }
    let mut tx = state.db.begin_write().await?;
    let relation = profiles::follow(&mut tx, viewer.user_id, owner_id).await?;
    tx.commit().await?;
    Ok(Json(FollowStatus { relation }))
}

/// `DELETE /api/users/{username}/follow`: unfollows, or withdraws a request.
async fn unfollow(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<FollowStatus>> {
    let owner_id = profiles::user_id(state.db.read(), &username).await?.ok_or_else(no_such_member)?;
    let mut tx = state.db.begin_write().await?;
    profiles::unfollow(&mut tx, viewer.user_id, owner_id).await?;
    let relation = profiles::relation(&mut *tx, Some(viewer.user_id), owner_id).await?;
    tx.commit().await?;
    Ok(Json(FollowStatus { relation }))
}

/// `GET /api/me/follow-requests`.
async fn follow_requests(State(state): State<AppState>, viewer: Viewer) -> Result<Json<FollowRequests>> {
    Ok(Json(FollowRequests { requests: profiles::follow_requests(state.db.read(), viewer.user_id).await? }))
}

fn no_such_request() -> Error {
    Error::request(StatusCode::NOT_FOUND, "not_found", "That follow request is no longer waiting for an answer.")
}

async fn answer(state: &AppState, viewer: &Viewer, id: &str, approve: bool) -> Result<StatusCode> {
    let id: i64 = id.parse().map_err(|_| no_such_request())?;
    let mut tx = state.db.begin_write().await?;
    let answered = profiles::answer_request(&mut tx, viewer.user_id, id, approve).await?;
    tx.commit().await?;
    if answered {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_such_request())
    }
}

/// `POST /api/me/follow-requests/{id}/approve`.
async fn approve(State(state): State<AppState>, viewer: Viewer, ApiPath(id): ApiPath<String>) -> Result<StatusCode> {
    answer(&state, &viewer, &id, true).await
}

/// `POST /api/me/follow-requests/{id}/deny`.
async fn deny(State(state): State<AppState>, viewer: Viewer, ApiPath(id): ApiPath<String>) -> Result<StatusCode> {
    answer(&state, &viewer, &id, false).await
}

/// `DELETE /api/me/followers/{username}`: removes a follower.
async fn remove_follower(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode> {
    let not_a_follower = || Error::request(StatusCode::NOT_FOUND, "not_found", "That member does not follow you.");
    let follower = profiles::user_id(state.db.read(), &username).await?.ok_or_else(not_a_follower)?;
    let mut tx = state.db.begin_write().await?;
    let removed = profiles::remove_follower(&mut tx, viewer.user_id, follower).await?;
    tx.commit().await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_a_follower())
    }
}

/// The ETag of profile version `version`.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The version an `If-Match` value names, if it is one of our ETags.
fn version_from_if_match(value: &str) -> Option<i64> {
    let value = value.trim();
    let value = value.strip_prefix("W/").unwrap_or(value);
    value.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

fn with_etag(version: i64, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// `GET /api/me/profile`: every field and its audience, with the ETag a PATCH must echo.
async fn my_profile(State(state): State<AppState>, viewer: Viewer) -> Result<Response> {
    let (profile, version) = profiles::editable(state.db.read(), viewer.user_id).await?;
    Ok(with_etag(version, Json(profile)))
}

/// `PATCH /api/me/profile` with `If-Match`: saves only over the version the
/// editor started from; otherwise 412 and nothing is written.
async fn update_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(update): ApiJson<ProfileUpdate>,
) -> Result<Response> {
    let Some(if_match) = headers.get(header::IF_MATCH) else {
        return Err(Error::request(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "Send If-Match with the ETag from GET /api/me/profile, so a save never overwrites changes made elsewhere.",
        ));
    };
    let stale = || {
        Error::request(
            StatusCode::PRECONDITION_FAILED,
            "stale",
            "Your profile was changed elsewhere since you opened it. Reload it, or keep your version and save again.",
        )
    };
    let expected = if_match.to_str().ok().and_then(version_from_if_match).ok_or_else(stale)?;
    let errors = rules::profile_update(&update);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = state.db.begin_write().await?;
    let updated = profiles::update(&mut tx, viewer.user_id, expected, rules::normalise_update(update)).await?;
    tx.commit().await?;
    match updated {
        Updated::Saved(profile, version) => Ok(with_etag(version, Json(*profile))),
        Updated::Stale => Err(stale()),
    }
}

/// `GET /api/me/privacy`.
async fn my_privacy(State(state): State<AppState>, viewer: Viewer) -> Result<Json<PrivacySettings>> {
    Ok(Json(profiles::privacy(state.db.read(), viewer.user_id).await?))
}

/// `PATCH /api/me/privacy`.
async fn update_privacy(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(update): ApiJson<PrivacyUpdate>,
) -> Result<Json<PrivacySettings>> {
    let mut tx = state.db.begin_write().await?;
    let settings = profiles::update_privacy(&mut tx, viewer.user_id, update).await?;
    tx.commit().await?;
    Ok(Json(settings))
}

/// `POST /api/me/history`: logs a watched title.
async fn add_history(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(entry): ApiJson<NewHistoryEntry>,
) -> Result<(StatusCode, Json<curtain_api::profile::HistoryEntry>)> {
    let errors = rules::history_entry(&entry, clock::today());
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = state.db.begin_write().await?;
    let added = profiles::add_history(&mut tx, viewer.user_id, &entry).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// `DELETE /api/me/history/{id}`.
async fn delete_history(State(state): State<AppState>, viewer: Viewer, ApiPath(id): ApiPath<String>) -> Result<StatusCode> {
    let gone = || Error::request(StatusCode::NOT_FOUND, "not_found", "That title is not in your watch history.");
    let id: i64 = id.parse().map_err(|_| gone())?;
    let mut tx = state.db.begin_write().await?;
    let deleted = profiles::delete_history(&mut tx, viewer.user_id, id).await?;
    tx.commit().await?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(gone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_our_etags_only() {
        assert_eq!(version_from_if_match(&etag(7)), Some(7));
        assert_eq!(version_from_if_match(" W/\"v12\" "), Some(12));
        assert_eq!(version_from_if_match("\"7\""), None);
        assert_eq!(version_from_if_match("*"), None);
        assert_eq!(version_from_if_match("\"vx\""), None);
    }
}
