//! Privacy requests: what anyone, signed in or not, asks of the people who
//! run Curtain (a copy of their information, a correction, a deletion, an
//! objection). Each is stored with the day its answer is due, 30 days after
//! it arrives; `curtain-server requests list [--overdue]` shows what is open
//! and `requests answer` records the answer. Limited per address
//! ([`crate::rate_limit::PRIVACY_REQUESTS`]).

use curtain_api::account::{PrivacyRequest, PRIVACY_REQUEST_DAYS};
use curtain_api::CivilDate;
use sqlx::{AnyConnection, AnyPool};

use crate::error::Result;
use crate::i18n::text;
use crate::outbox::{self, Message};

/// The reference people quote: `PR-<id>`.
pub fn reference(id: i64) -> String {
    format!("PR-{id}")
}

/// The day the answer to a request made at `now` is due.
pub fn due_date(now: i64) -> CivilDate {
    CivilDate::from_unix_days(now.div_euclid(86_400) + PRIVACY_REQUEST_DAYS)
}

/// Stores an already validated request and sends its receipt; returns its id
/// and due date. In the caller's write transaction.
pub async fn file(tx: &mut AnyConnection, req: &PrivacyRequest, user_id: Option<i64>, now: i64) -> Result<(i64, CivilDate)> {
    let due = due_date(now);
    // Due by the end of the due day.
    let due_at = crate::policy::document::effective_at(due) + 86_399;
    let email = req.email.trim();
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO privacy_requests (user_id, kind, email, message, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(req.kind.as_str())
    .bind(email)
    .bind(req.message.trim())
    .bind(now)
    .bind(due_at)
    .fetch_one(&mut *tx)
    .await?;
    // The member's language when signed in, else the page's it was sent from.
    let lang = match user_id {
        Some(user_id) => outbox::language_of(tx, user_id).await?,
        None => crate::i18n::request_lang(),
    };
    let body = format!(
        "{}\n{}\n\n{}\n",
        text(
            lang,
            "We received your privacy request {} ({}) and will answer by {}.",
            &[&reference(id), &req.kind.as_str(), &curtain_ui::dates::civil(due, lang)]
        ),
        text(lang, "If you did not send it, you can ignore this message.", &[]),
        text(lang, "The Curtain team", &[]),
    );
    let subject = text(lang, "We received your privacy request", &[]);
    outbox::send(tx, Message { user_id, kind: "privacy_request", to: email, subject: &subject, body: &body }).await?;
    Ok((id, due))
}

/// One stored request, as the people who answer see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredRequest {
    pub id: i64,
    pub kind: String,
    pub email: String,
    pub message: String,
    pub signed_in_as: Option<String>,
    pub created_at: i64,
    pub due_at: i64,
    pub answered_at: Option<i64>,
    pub answer_note: Option<String>,
}

impl StoredRequest {
    pub fn overdue(&self, now: i64) -> bool {
        self.answered_at.is_none() && self.due_at < now
    }
}

/// Open requests, soonest due first (with `overdue_only`, only those past
/// their due day); with `include_answered`, answered ones after them.
pub async fn list(db: &AnyPool, overdue_only: bool, include_answered: bool, now: i64) -> Result<Vec<StoredRequest>> {
    // Open requests (due before `$1` when only the overdue ones), or all.
    let due_before = if overdue_only { now } else { i64::MAX };
    let answered = if include_answered && !overdue_only { "OR r.answered_at IS NOT NULL" } else { "" };
    let sql = format!(
        "SELECT r.id, r.kind, r.email, r.message, u.username AS signed_in_as, r.created_at, r.due_at, r.answered_at,
                r.answer_note
         FROM privacy_requests r LEFT JOIN users u ON u.id = r.user_id
         WHERE (r.answered_at IS NULL AND r.due_at < $1) {answered}
         ORDER BY r.answered_at IS NOT NULL, r.due_at, r.id"
    );
    Ok(sqlx::query_as(&sql).bind(due_before).fetch_all(db).await?)
}

/// Why an answer could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("there is no open privacy request {0}")]
    NoSuchRequest(String),
    #[error("--note must say, in a sentence, what was done")]
    NoNote,
    #[error(transparent)]
    Store(#[from] crate::error::Error),
}

/// Records that request `id` was answered, with what was done.
pub async fn answer(db: &crate::db::Db, id: i64, note: &str, now: i64) -> std::result::Result<(), AnswerError> {
    let note = note.trim();
    if note.split_whitespace().count() < 2 {
        return Err(AnswerError::NoNote);
    }
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE privacy_requests SET answered_at = $1, answer_note = $2 WHERE id = $3 AND answered_at IS NULL",
    )
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(crate::error::Error::from)?
    .rows_affected();
    if changed == 0 {
        return Err(AnswerError::NoSuchRequest(reference(id)));
    }
    tx.commit().await.map_err(crate::error::Error::from)?;
    Ok(())
}

/// A reference as typed (`PR-12`, `pr-12` or `12`) to the request's id.
pub fn parse_reference(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix("PR-").or_else(|| t.strip_prefix("pr-")).unwrap_or(t);
    digits.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_due_dates() {
        assert_eq!(reference(12), "PR-12");
        assert_eq!(parse_reference("PR-12"), Some(12));
        assert_eq!(parse_reference(" 7 "), Some(7));
        assert_eq!(parse_reference("PR-x"), None);
        // 2026-11-30 00:00 UTC and a second before midnight: due 30 days later.
        assert_eq!(due_date(1_795_996_800).to_string(), "2026-12-30");
        assert_eq!(due_date(1_795_996_800 + 86_399).to_string(), "2026-12-30");
    }
}
