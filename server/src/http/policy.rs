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
use curtain_api::policy::PolicyVersionSummary;
use curtain_ui::Lang;
use crate::policy::{self, diff, feed, PolicySource};
use crate::session::Viewer;
use crate::{clock, promises, AppState};

/// The policy as one language reads it: every version (English, the
/// authoritative text), and the translations into that language.
struct Texts {
    rendered: Vec<std::sync::Arc<RenderedVersion>>,
    versions: Vec<PolicySource>,
    translations: store::Translations,
    lang: Lang,
}

impl Texts {
    /// Every version and its translation into `lang`, parsed and rendered
    /// once per server (see [`store::VersionCache`]).
    async fn load(state: &AppState, lang: Lang) -> Result<Texts> {
        let rendered = state.policies.versions(state.db.read()).await?;
        let versions = rendered.iter().map(|v| v.source.clone()).collect();
        let translations = state.policies.translations(state.db.read(), lang).await?;
        Ok(Texts { rendered, versions, translations, lang })
    }

    /// The text of `version` to show: its translation when there is one,
    /// else the English.
    fn text(&self, version: u32) -> Option<&RenderedVersion> {
        self.translations
            .get(&version)
            .or_else(|| self.rendered.iter().find(|v| v.source.version == version))
            .map(|v| &**v)
    }

    /// The wire summary of `version`, its one line in the translation when
    /// there is one.
    fn summary(&self, version: &PolicySource, now: i64) -> PolicyVersionSummary {
        let mut summary = policy::summary(&self.versions, version, now);
        if let Some(t) = self.translations.get(&version.version) {
            summary.summary = t.source.summary.clone();
            summary.language = self.lang.tag().to_string();
        }
        summary
    }

    fn current(&self, now: i64) -> Result<&PolicySource> {
        current_of(&self.versions, now)
    }

    fn document(&self, version: &PolicySource, now: i64) -> Result<PolicyDocument> {
        let current = self.current(now)?;
        let versions = &self.versions;
        let text = self.text(version.version);
        Ok(PolicyDocument {
            meta: self.summary(version, now),
            sections: text
                .map(|t| {
                    t.source
                        .sections
                        .iter()
                        .zip(&t.sections_html)
                        .map(|(s, html)| PolicySection { id: s.id.clone(), title: s.title.clone(), html: html.clone() })
                        .collect()
                })
                .unwrap_or_default(),
            current_version: current.version,
            previous_version: versions.iter().map(|v| v.version).filter(|n| *n < version.version).max(),
            upcoming: policy::next_upcoming(versions, now).map(|u| self.summary(u, now)),
            announced: policy::announced(versions, now).into_iter().map(|v| self.summary(v, now)).collect(),
        })
    }
}

async fn versions(state: &AppState) -> Result<Vec<PolicySource>> {
    Ok(Texts::load(state, Lang::En).await?.versions)
}

fn current_of(versions: &[PolicySource], now: i64) -> Result<&PolicySource> {
    policy::current(versions, now)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("no privacy policy version is in effect")))
}

/// `?lang=`: the language to read the policy in (English when absent).
#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The language a `?lang=` names; 400 `invalid_language` for one Curtain
/// does not speak.
pub fn asked_language(raw: Option<&str>) -> Result<Lang> {
    match raw.map(str::trim) {
        None | Some("") => Ok(Lang::En),
        Some(tag) => Lang::from_tag(tag).ok_or_else(|| {
            let mut fields = curtain_api::FieldErrors::new();
            fields.insert("lang".to_string(), vec!["Curtain speaks en, de and pt-BR: pick one of them.".to_string()]);
            Error::RequestWithFields {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_language",
                message: "That is not a language Curtain speaks.".to_string(),
                fields,
            }
        }),
    }
}

/// `GET /api/policies/privacy[?lang=]`: the version in effect now.
pub async fn current(State(state): State<AppState>, ApiQuery(q): ApiQuery<LangQuery>) -> Result<Json<PolicyDocument>> {
    let lang = asked_language(q.lang.as_deref())?;
    Ok(Json(current_document(&state, lang).await?))
}

/// The version in effect now, in `lang` where translated, as the API and the
/// first paint show it.
pub async fn current_document(state: &AppState, lang: Lang) -> Result<PolicyDocument> {
    let now = clock::now();
    let texts = Texts::load(state, lang).await?;
    texts.document(texts.current(now)?, now)
}

/// `GET /api/policies/privacy/versions[?lang=]`: every version, newest first.
pub async fn list(State(state): State<AppState>, ApiQuery(q): ApiQuery<LangQuery>) -> Result<Json<PolicyVersionList>> {
    let lang = asked_language(q.lang.as_deref())?;
    Ok(Json(version_list(&state, lang).await?))
}

/// Every version, newest first, with summaries in `lang` where translated.
pub async fn version_list(state: &AppState, lang: Lang) -> Result<PolicyVersionList> {
    let now = clock::now();
    let texts = Texts::load(state, lang).await?;
    let current_version = texts.current(now)?.version;
    let mut list: Vec<_> = texts.versions.iter().map(|v| texts.summary(v, now)).collect();
    list.sort_by_key(|v| std::cmp::Reverse(v.version));
    Ok(PolicyVersionList { current_version, versions: list })
}

/// Version `n` as written in an address (`/privacy/v/3`), in `lang` where
/// translated, or `None` when there is no such version.
pub async fn version_document(state: &AppState, n: &str, lang: Lang) -> Result<Option<PolicyDocument>> {
    let Some(n) = n.parse::<u32>().ok().filter(|n| *n > 0) else {
        return Ok(None);
    };
    let now = clock::now();
    let texts = Texts::load(state, lang).await?;
    let Some(version) = texts.versions.iter().find(|v| v.version == n) else {
        return Ok(None);
    };
    Ok(Some(texts.document(version, now)?))
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

/// `GET /api/policies/privacy/versions/{n}[?lang=]`: one version (its permalink).
pub async fn one(
    State(state): State<AppState>,
    ApiPath(n): ApiPath<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<PolicyDocument>> {
    let n = version_number("version", Some(&n))?;
    let lang = asked_language(q.lang.as_deref())?;
    let now = clock::now();
    let texts = Texts::load(&state, lang).await?;
    let version = find(&texts.versions, n)?;
    Ok(Json(texts.document(version, now)?))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
}

/// `GET /api/policies/privacy/diff?from=&to=[&lang=]`: word-level changes,
/// section by section, from the older of the two versions to the newer.
pub async fn compare(State(state): State<AppState>, ApiQuery(q): ApiQuery<DiffQuery>) -> Result<Json<PolicyDiff>> {
    let lang = asked_language(q.lang.as_deref())?;
    Ok(Json(diff_between(&state, q.from.as_deref(), q.to.as_deref(), lang).await?))
}

/// The word-level changes between two versions as an address names them,
/// from the older to the newer; what is wrong with the pair otherwise. In
/// `lang` when both versions have that translation, else in English.
pub async fn diff_between(state: &AppState, from: Option<&str>, to: Option<&str>, lang: Lang) -> Result<PolicyDiff> {
    let from = version_number("from", from)?;
    let to = version_number("to", to)?;
    let now = clock::now();
    let texts = Texts::load(state, lang).await?;
    let (a, b) = (find(&texts.versions, from)?, find(&texts.versions, to)?);
    let (older, newer) = if a.version <= b.version { (a, b) } else { (b, a) };
    let diff = match (texts.translations.get(&older.version), texts.translations.get(&newer.version)) {
        (Some(old), Some(new)) => PolicyDiff {
            from: texts.summary(older, now),
            to: texts.summary(newer, now),
            sections: diff::section_diffs(&old.source.sections, &new.source.sections),
            language: lang.tag().to_string(),
        },
        // Not both translated: the comparison is of the English texts, all
        // of it, so that nothing compares a translation with the original.
        _ => PolicyDiff {
            from: policy::summary(&texts.versions, older, now),
            to: policy::summary(&texts.versions, newer, now),
            sections: diff::section_diffs(&older.sections, &newer.sections),
            language: Lang::En.tag().to_string(),
        },
    };
    Ok(diff)
}

#[derive(Deserialize)]
pub struct PromisesQuery {
    version: Option<String>,
    lang: Option<String>,
}

/// `GET /api/policies/privacy/promises[?version=N][&lang=]`: each promise of
/// a version (the one in effect by default) and how Curtain keeps it; the
/// statements in `lang` when the version has that translation.
pub async fn promises(State(state): State<AppState>, ApiQuery(q): ApiQuery<PromisesQuery>) -> Result<Json<PromiseList>> {
    let lang = asked_language(q.lang.as_deref())?;
    let now = clock::now();
    let texts = Texts::load(&state, lang).await?;
    let version = match q.version.as_deref() {
        None => texts.current(now)?,
        Some(raw) => find(&texts.versions, version_number("version", Some(raw))?)?,
    };
    let text = texts.text(version.version).map_or(version, |t| &t.source);
    Ok(Json(PromiseList { version: texts.summary(version, now), promises: promises::list(text) }))
}

async fn status_for(state: &AppState, user_id: i64, texts: &Texts, now: i64) -> Result<PolicyStatusReply> {
    let acknowledged = store::acknowledged_version(state.db.read(), user_id).await?;
    let versions = &texts.versions;
    let mut pending = policy::pending_change(versions, acknowledged, now);
    if let Some(change) = &mut pending {
        // The summary is the newest material version's: in the member's
        // language where it is translated.
        let material = versions.iter().filter(|v| v.material && v.version > acknowledged && v.version <= change.to_version);
        if let Some(t) = material.max_by_key(|v| v.version).and_then(|v| texts.translations.get(&v.version)) {
            change.summary = t.source.summary.clone();
        }
    }
    Ok(PolicyStatusReply {
        acknowledged_version: acknowledged,
        current_version: current_of(versions, now)?.version,
        pending,
        announced: policy::announced(versions, now)
            .into_iter()
            .filter(|v| v.material && v.version > acknowledged)
            .map(|v| texts.summary(v, now))
            .collect(),
    })
}

/// `GET /api/me/policy-status[?lang=]`: whether a material change awaits the member.
pub async fn my_status(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<PolicyStatusReply>> {
    let lang = asked_language(q.lang.as_deref())?;
    let now = clock::now();
    let texts = Texts::load(&state, lang).await?;
    Ok(Json(status_for(&state, viewer.user_id, &texts, now).await?))
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
    let texts = Texts::load(&state, Lang::En).await?;
    let versions = &texts.versions;
    let version = versions.iter().find(|v| v.version == req.version).ok_or_else(|| {
        Error::invalid_field("version", format!("There is no version {} of the privacy policy.", req.version))
    })?;
    let current = current_of(versions, now)?;
    match policy::status(versions, version, now) {
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
    Ok((StatusCode::CREATED, Json(status_for(&state, viewer.user_id, &texts, now).await?)))
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

/// `GET /policies/privacy.atom[?lang=]`.
async fn atom(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::proxy::Client>>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Response> {
    let lang = asked_language(q.lang.as_deref())?;
    let now = clock::now();
    let texts = Texts::load(&state, lang).await?;
    let published = store::published_at(state.db.read()).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    let https = client.map_or(state.config.secure_cookies, |c| c.https);
    let scheme = if https { "https" } else { "http" };
    let xml = feed::atom(&texts.versions, &texts.translations, lang, &published, &format!("{scheme}://{host}"), now);
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        xml,
    )
        .into_response())
}
