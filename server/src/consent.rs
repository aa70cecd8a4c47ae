//! Cookie consent on the server: the current revision, receipts, and the
//! request's consent as the server trusts it.
//!
//! The `curtain_consent` cookie is written by the SPA and carries no secret,
//! so on its own it proves nothing. The server counts it only when it parses,
//! is valid by the shared rules ([`curtain_api::consent`]), **and** the latest
//! receipt stored for its consent id says exactly the same thing. A hand-edited
//! cookie that grants more than was recorded counts as no consent.

use crate::db::Flag;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use curtain_api::consent::{self, Choices, ConsentMethod, ConsentReceipt, ConsentRecord};
use curtain_api::CONSENT_COOKIE;
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use crate::clock;
use crate::db::Db;
use curtain_ui::Lang;
use crate::error::{Error, Result};
use crate::AppState;

/// A consent revision: its number, when it took effect, what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub revision: u32,
    pub effective_on: String,
    pub summary: String,
}

/// The latest revision. The migration seeds revision 1, so there always is one.
pub async fn current_revision(db: impl AnyExecutor<'_>) -> Result<Revision> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT revision, effective_on, summary FROM consent_revisions ORDER BY revision DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    let (revision, effective_on, summary) =
        row.ok_or_else(|| anyhow::anyhow!("consent_revisions is empty; the migration seeds revision 1"))?;
    Ok(Revision { revision: revision as u32, effective_on, summary })
}

/// Adds a revision after the current one and returns it. Every stored answer
/// then counts as none until the visitor answers again.
pub async fn revise(db: &Db, summary: &str) -> Result<Revision> {
    let summary = summary.trim();
    if summary.is_empty() {
        return Err(Error::invalid_field("summary", "Say in plain words what changed."));
    }
    let mut tx = db.begin_write().await?;
    let next = current_revision(&mut *tx).await?.revision + 1;
    let effective_on = clock::today().to_string();
    sqlx::query("INSERT INTO consent_revisions (revision, effective_on, summary) VALUES ($1, $2, $3)")
        .bind(next as i64)
        .bind(&effective_on)
        .bind(summary)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Revision { revision: next, effective_on, summary: summary.to_string() })
}

/// Whether the request carries the Global Privacy Control signal (`Sec-GPC: 1`).
pub fn gpc_header(headers: &HeaderMap) -> bool {
    headers.get("sec-gpc").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "1")
}

/// The request's consent, as the server trusts it: `None` unless the cookie
/// is valid and matches its latest receipt.
#[derive(Debug, Clone)]
pub struct RequestConsent(pub Option<ConsentRecord>);

impl FromRequestParts<AppState> for RequestConsent {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(CONSENT_COOKIE) else {
            return Ok(RequestConsent(None));
        };
        let revision = current_revision(state.db.read()).await?.revision;
        Ok(RequestConsent(RequestConsent::judge(state, Some(cookie.value()), revision, gpc_header(&parts.headers)).await?))
    }
}

impl RequestConsent {
    /// The answer a consent cookie holds, if it counts: valid by the rules
    /// for the current `revision`, and the same as its latest receipt.
    pub async fn judge(state: &AppState, cookie: Option<&str>, revision: u32, gpc: bool) -> Result<Option<ConsentRecord>> {
        let Some(cookie) = cookie else {
            return Ok(None);
        };
        let Ok(record) = consent::valid_consent(Some(cookie), clock::now(), revision, gpc) else {
            return Ok(None);
        };
        let recorded = matches_latest_receipt(state.db.read(), &record).await?;
        Ok(recorded.then_some(record))
    }
}

/// Whether the latest receipt for the record's consent id has the same
/// revision and choices and is itself younger than the consent lifetime (the
/// cookie's own timestamp could have been edited to look fresh).
async fn matches_latest_receipt(db: &AnyPool, record: &ConsentRecord) -> Result<bool> {
    let row: Option<(i64, Flag, Flag, i64)> = sqlx::query_as(
        "SELECT revision, preferences, analytics, recorded_at FROM consent_receipts
         WHERE consent_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&record.id)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some_and(|(revision, Flag(preferences), Flag(analytics), recorded_at)| {
        revision == record.revision as i64
            && Choices { preferences, analytics } == record.choices
            && clock::now() - recorded_at < consent::CONSENT_LIFETIME_SECONDS
    }))
}

/// A receipt to store.
pub struct NewReceipt<'a> {
    pub consent_id: &'a str,
    pub revision: u32,
    pub choices: Choices,
    pub gpc: bool,
    pub method: ConsentMethod,
    pub user_id: Option<i64>,
    /// The language the answer was given in: the words the visitor read.
    pub language: Lang,
}

/// The language an answer names (`language` in the JSON or the banner's
/// form): one of ours, English when it names none. Anything else is refused
/// rather than stored as English, so a receipt never claims words the
/// visitor was not shown.
pub fn answer_language(named: Option<&str>) -> Result<Lang, String> {
    match named {
        None => Ok(Lang::En),
        Some(tag) => Lang::from_tag(tag).ok_or_else(|| {
            let ours: Vec<&str> = Lang::ALL.iter().map(|l| l.tag()).collect();
            format!("The language must be one of {}.", ours.join(", "))
        }),
    }
}

/// Stores a receipt and returns it as the wire shows it.
pub async fn record_receipt(tx: &mut AnyConnection, receipt: NewReceipt<'_>) -> Result<ConsentReceipt> {
    let now = clock::now();
    sqlx::query(
        "INSERT INTO consent_receipts (consent_id, revision, preferences, analytics, gpc, method, user_id, recorded_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(receipt.consent_id)
    .bind(receipt.revision as i64)
    .bind(receipt.choices.preferences)
    .bind(receipt.choices.analytics)
    .bind(receipt.gpc)
    .bind(receipt.method.as_str())
    .bind(receipt.user_id)
    .bind(now)
    .bind(receipt.language.tag())
    .execute(tx)
    .await?;
    Ok(ConsentReceipt {
        consent_id: receipt.consent_id.to_string(),
        revision: receipt.revision,
        categories: receipt.choices.categories(),
        gpc: receipt.gpc,
        method: receipt.method,
        language: receipt.language.tag().to_string(),
        recorded_at: clock::rfc3339(now),
    })
}

/// A receipt as `receipts_of` reads it: consent id, revision, preferences,
/// analytics, gpc, method, recorded at, language.
type ReceiptRow = (String, i64, Flag, Flag, Flag, String, i64, String);

/// A member's receipts, newest first.
pub async fn receipts_of(db: &AnyPool, user_id: i64) -> Result<Vec<ConsentReceipt>> {
    let rows: Vec<ReceiptRow> = sqlx::query_as(
        "SELECT consent_id, revision, preferences, analytics, gpc, method, recorded_at, language
         FROM consent_receipts WHERE user_id = $1 ORDER BY id DESC LIMIT 500",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(consent_id, revision, Flag(preferences), Flag(analytics), Flag(gpc), method, recorded_at, language)| ConsentReceipt {
            consent_id,
            revision: revision as u32,
            categories: Choices { preferences, analytics }.categories(),
            gpc,
            // The column's CHECK allows only the three names.
            method: ConsentMethod::parse(&method).unwrap_or(ConsentMethod::Custom),
            language,
            recorded_at: clock::rfc3339(recorded_at),
        })
        .collect())
}

/// Ties the receipts of this browser's consent id that nobody owns yet to the
/// member who just signed in, so their settings show the answer they gave
/// before signing in. Called only with a consent the server trusts.
pub async fn claim_receipts(tx: &mut AnyConnection, user_id: i64, consent: Option<&ConsentRecord>) -> Result<()> {
    if let Some(record) = consent {
        sqlx::query("UPDATE consent_receipts SET user_id = $1 WHERE consent_id = $2 AND user_id IS NULL")
            .bind(user_id)
            .bind(&record.id)
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// Adds one view of `path` to today's count.
pub async fn count_page_view(tx: &mut AnyConnection, path: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO page_views (path, day, count) VALUES ($1, $2, 1)
         ON CONFLICT (path, day) DO UPDATE SET count = page_views.count + 1",
    )
    .bind(path)
    .bind(clock::today().to_string())
    .execute(tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_names_one_of_our_languages_or_none() {
        assert_eq!(answer_language(None), Ok(Lang::En));
        assert_eq!(answer_language(Some("de")), Ok(Lang::De));
        assert_eq!(answer_language(Some("pt-BR")), Ok(Lang::PtBr));
        assert!(answer_language(Some("fr")).is_err());
        assert!(answer_language(Some("")).is_err());
    }

    #[test]
    fn only_sec_gpc_one_is_the_signal() {
        let mut h = HeaderMap::new();
        assert!(!gpc_header(&h));
        h.insert("sec-gpc", "0".parse().unwrap());
        assert!(!gpc_header(&h));
        h.insert("Sec-GPC", "1".parse().unwrap());
        assert!(gpc_header(&h));
    }
}
