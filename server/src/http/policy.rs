//! The privacy policy: the current version, every version, diffs between
//! any two, the Atom feed, and members' acknowledgements of material changes.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use curtain_api::policy::{
    PolicyAcceptanceRequest, PolicyDiff, PolicyDocument, PolicySection, PolicyStatus, PolicyStatusReply,
    PolicyVersionList, PromiseList,
};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::error::{Error, Result};
use crate::policy::store::{self, AcceptedBy};
use crate::policy::store::RenderedVersion;
use crate::policy::{self, diff, feed, PolicySource};
use crate::session::Viewer;
use crate::{clock, promises, AppState};

/// Every version, parsed and rendered once per server (see
/// [`store::VersionCache`]), with the sources as the policy functions take them.
async fn rendered(state: &AppState) -> Result<(Vec<std::sync::Arc<RenderedVersion>>, Vec<PolicySource>)> {
    let rendered = state.policies.versions(state.db.read()).await?;
    let sources = rendered.iter().map(|v| v.source.clone()).collect();
    Ok((rendered, sources))
}

async fn versions(state: &AppState) -> Result<Vec<PolicySource>> {
    Ok(rendered(state).await?.1)
}

/// The sanitised HTML of each section of `version`.
fn sections_html(rendered: &[std::sync::Arc<RenderedVersion>], version: u32) -> Vec<String> {
    rendered.iter().find(|v| v.source.version == version).map(|v| v.sections_html.clone()).unwrap_or_default()
}

fn current_of(versions: &[PolicySource], now: i64) -> Result<&PolicySource> {
    policy::current(versions, now)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("no privacy policy version is in effect")))
}

fn document(versions: &[PolicySource], version: &PolicySource, html: Vec<String>, now: i64) -> Result<PolicyDocument> {
    let current = current_of(versions, now)?;
    let upcoming = policy::next_upcoming(versions, now).map(|u| policy::summary(versions, u, now));
    let announced = policy::announced(versions, now).into_iter().map(|v| policy::summary(versions, v, now)).collect();
    Ok(PolicyDocument {
        meta: policy::summary(versions, version, now),
        sections: version
            .sections
            .iter()
            .zip(html)
            .map(|(s, html)| PolicySection { id: s.id.clone(), title: s.title.clone(), html })
            .collect(),
        current_version: current.version,
        previous_version: versions.iter().map(|v| v.version).filter(|n| *n < version.version).max(),
        upcoming,
        announced,
    })
}

/// `GET /api/policies/privacy`: the version in effect now.
pub async fn current(State(state): State<AppState>) -> Result<Json<PolicyDocument>> {
    Ok(Json(current_document(&state).await?))
}

/// The version in effect now, as the API and the first paint show it.
pub async fn current_document(state: &AppState) -> Result<PolicyDocument> {
    let now = clock::now();
    let (rendered, versions) = rendered(state).await?;
    let current = current_of(&versions, now)?;
    let html = sections_html(&rendered, current.version);
    document(&versions, current, html, now)
}

/// `GET /api/policies/privacy/versions`: every version, newest first.
pub async fn list(State(state): State<AppState>) -> Result<Json<PolicyVersionList>> {
    Ok(Json(version_list(&state).await?))
}

/// Every version, newest first.
pub async fn version_list(state: &AppState) -> Result<PolicyVersionList> {
    let now = clock::now();
    let versions = versions(state).await?;
    let current_version = current_of(&versions, now)?.version;
    let mut list: Vec<_> = versions.iter().map(|v| policy::summary(&versions, v, now)).collect();
    list.sort_by_key(|v| std::cmp::Reverse(v.version));
    Ok(PolicyVersionList { current_version, versions: list })
}

/// Version `n` as written in an address (`/privacy/v/3`), or `None` when
/// there is no such version.
pub async fn version_document(state: &AppState, n: &str) -> Result<Option<PolicyDocument>> {
    let Some(n) = n.parse::<u32>().ok().filter(|n| *n > 0) else {
        return Ok(None);
    };
    let now = clock::now();
    let (rendered, versions) = rendered(state).await?;
    let Some(version) = versions.iter().find(|v| v.version == n) else {
        return Ok(None);
    };
    let html = sections_html(&rendered, version.version);
    Ok(Some(document(&versions, version, html, now)?))
}

/// A version number from the URL or query; what is wrong with it otherwise.
fn version_number(field: &'static str, raw: Option<&str>) -> Result<u32> {
    // Said to people (the compare page shows it), so in words, not names;
    // each sentence whole, so it translates as one.
    let (pick, not_a_number) = match field {
        "from" => (
            "Pick the version to compare from.",
            "\u{201c}{raw}\u{201d} is not a version number. Versions are numbered 1, 2, 3 and so on: pick the version to compare from.",
        ),
        "to" => (
            "Pick the version to compare with.",
            "\u{201c}{raw}\u{201d} is not a version number. Versions are numbered 1, 2, 3 and so on: pick the version to compare with.",
        ),
        _ => (
            "Pick a version.",
            "\u{201c}{raw}\u{201d} is not a version number. Versions are numbered 1, 2, 3 and so on: pick a version.",
        ),
    };
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Err(Error::request(StatusCode::BAD_REQUEST, "bad_version", pick));
    }
    raw.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        let raw: String = raw.chars().take(40).collect();
        Error::request(StatusCode::BAD_REQUEST, "bad_version", crate::i18n::text(curtain_ui::Lang::En, not_a_number, &[&raw]))
    })
}

fn find(versions: &[PolicySource], n: u32) -> Result<&PolicySource> {
    versions.iter().find(|v| v.version == n).ok_or_else(|| {
        let newest = versions.iter().map(|v| v.version).max().unwrap_or(0);
        Error::request(
            StatusCode::NOT_FOUND,
            "unknown_version",
            format!("There is no version {n} of the privacy policy. Versions go from 1 to {newest}."),
        )
    })
}

/// `GET /api/policies/privacy/versions/{n}`: one version (its permalink).
pub async fn one(State(state): State<AppState>, ApiPath(n): ApiPath<String>) -> Result<Json<PolicyDocument>> {
    let n = version_number("version", Some(&n))?;
    let now = clock::now();
    let (rendered, versions) = rendered(&state).await?;
    let version = find(&versions, n)?;
    let html = sections_html(&rendered, version.version);
    Ok(Json(document(&versions, version, html, now)?))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/policies/privacy/diff?from=&to=`: word-level changes, section
/// by section, from the older of the two versions to the newer.
pub async fn compare(State(state): State<AppState>, ApiQuery(q): ApiQuery<DiffQuery>) -> Result<Json<PolicyDiff>> {
    Ok(Json(diff_between(&state, q.from.as_deref(), q.to.as_deref()).await?))
}

/// The word-level changes between two versions as an address names them,
/// from the older to the newer; what is wrong with the pair otherwise.
pub async fn diff_between(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<PolicyDiff> {
    let from = version_number("from", from)?;
    let to = version_number("to", to)?;
    let now = clock::now();
    let versions = versions(state).await?;
    let (a, b) = (find(&versions, from)?, find(&versions, to)?);
    let (older, newer) = if a.version <= b.version { (a, b) } else { (b, a) };
    Ok(PolicyDiff {
        from: policy::summary(&versions, older, now),
        to: policy::summary(&versions, newer, now),
        sections: diff::section_diffs(&older.sections, &newer.sections),
    })
}

#[derive(Deserialize)]
pub struct PromisesQuery {
    version: Option<String>,
}

/// `GET /api/policies/privacy/promises[?version=N]`: each promise of a
/// version (the one in effect by default) and how Curtain keeps it.
pub async fn promises(State(state): State<AppState>, ApiQuery(q): ApiQuery<PromisesQuery>) -> Result<Json<PromiseList>> {
    let now = clock::now();
    let versions = versions(&state).await?;
    let version = match q.version.as_deref() {
        None => current_of(&versions, now)?,
        Some(raw) => find(&versions, version_number("version", Some(raw))?)?,
    };
    Ok(Json(PromiseList { version: policy::summary(&versions, version, now), promises: promises::list(version) }))
}

async fn status_for(state: &AppState, user_id: i64, versions: &[PolicySource], now: i64) -> Result<PolicyStatusReply> {
    let acknowledged = store::acknowledged_version(state.db.read(), user_id).await?;
    Ok(PolicyStatusReply {
        acknowledged_version: acknowledged,
        current_version: current_of(versions, now)?.version,
        pending: policy::pending_change(versions, acknowledged, now),
        announced: policy::announced(versions, now)
            .into_iter()
            .filter(|v| v.material && v.version > acknowledged)
            .map(|v| policy::summary(versions, v, now))
            .collect(),
    })
}

/// `GET /api/me/policy-status`: whether a material change awaits the member.
pub async fn my_status(State(state): State<AppState>, viewer: Viewer) -> Result<Json<PolicyStatusReply>> {
    let now = clock::now();
    let versions = versions(&state).await?;
    Ok(Json(status_for(&state, viewer.user_id, &versions, now).await?))
}

/// `POST /api/me/policy-acceptances` `{version}`: "I have read it". The
/// version in effect can be acknowledged, and so can a material version
/// announced ahead (then no banner asks again when it takes effect).
pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(req): ApiJson<PolicyAcceptanceRequest>,
) -> Result<(StatusCode, Json<PolicyStatusReply>)> {
    let now = clock::now();
    let versions = versions(&state).await?;
    let version = versions.iter().find(|v| v.version == req.version).ok_or_else(|| {
        Error::invalid_field("version", format!("There is no version {} of the privacy policy.", req.version))
    })?;
    let current = current_of(&versions, now)?;
    match policy::status(&versions, version, now) {
        PolicyStatus::Current => {}
        PolicyStatus::Upcoming if version.material => {}
        PolicyStatus::Upcoming => {
            return Err(Error::invalid_field(
                "version",
                format!("Version {} takes effect on {}; it can be acknowledged from then on.", version.version, version.effective),
            ))
        }
        PolicyStatus::Past => {
            return Err(Error::request(
                StatusCode::CONFLICT,
                "policy_changed",
                format!("Version {} is no longer current. Please read version {}, which is in effect now.", version.version, current.version),
            ))
        }
    }
    let mut tx = state.db.begin_write().await?;
    store::record_acceptance(&mut tx, viewer.user_id, version.version, AcceptedBy::Acknowledged, now).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(status_for(&state, viewer.user_id, &versions, now).await?)))
}

/// The version a sign-up must name: the one in effect now. Anything else
/// (the policy changed while the form was open) is refused with a message
/// asking the person to read the new version; their input stays in the form.
pub async fn check_signup_version(state: &AppState, accepted: u32, now: i64) -> Result<u32> {
    let versions = versions(state).await?;
    let current = current_of(&versions, now)?;
    if accepted != current.version {
        let message = format!(
            "The privacy policy has changed: version {} is now in effect. Please read it, then tick the box again.",
            current.version
        );
        let mut fields = curtain_api::FieldErrors::new();
        fields.insert("accepted_policy_version".into(), vec![message.clone()]);
        return Err(Error::RequestWithFields { status: StatusCode::CONFLICT, code: "policy_changed", message, fields });
    }
    Ok(current.version)
}

/// Routes outside `/api`: the Atom feed.
pub fn feed_router() -> Router<AppState> {
    Router::new().route("/policies/privacy.atom", get(atom))
}

/// `GET /policies/privacy.atom`.
async fn atom(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::proxy::Client>>,
    headers: HeaderMap,
) -> Result<Response> {
    let now = clock::now();
    let versions = versions(&state).await?;
    let published = store::published_at(state.db.read()).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    let https = client.map_or(state.config.secure_cookies, |c| c.https);
    let scheme = if https { "https" } else { "http" };
    let xml = feed::atom(&versions, &published, &format!("{scheme}://{host}"), now);
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        xml,
    )
        .into_response())
}
