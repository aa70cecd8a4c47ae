//! Parents' and guardians' reports that an account belongs to a child, kept
//! for review. Filing one never tells the reporter anything about the account.
//! How many one address may file is `rate_limit::CHILD_REPORTS`.

use curtain_api::account::ChildReportRequest;
use sqlx::{AnyConnection, AnyPool};

use crate::error::Result;

/// Stores an already validated report.
pub async fn file(tx: &mut AnyConnection, req: &ChildReportRequest, ip: &str, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO child_reports (username, reporter_email, message, ip, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(req.username.trim())
    .bind(req.reporter_email.trim())
    .bind(req.message.trim())
    .bind(ip)
    .bind(now)
    .fetch_one(tx)
    .await?)
}

/// One stored report, with whether the username names an account today.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredReport {
    pub id: i64,
    pub username: String,
    pub reporter_email: String,
    pub message: String,
    pub ip: String,
    pub created_at: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub account_exists: bool,
    /// `account_deleted` or `dismissed` once decided.
    pub outcome: Option<String>,
}

/// Every report, oldest first, for the people who review them.
pub async fn list(db: &AnyPool) -> Result<Vec<StoredReport>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.username, r.reporter_email, r.message, r.ip, r.created_at,
                EXISTS(SELECT 1 FROM users u WHERE u.username_key = lower(trim(r.username))) AS account_exists,
                (SELECT d.outcome FROM report_decisions d WHERE d.report_id = r.id) AS outcome
         FROM child_reports r ORDER BY r.id",
    )
    .fetch_all(db)
    .await?)
}

/// What the people who review reports decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The account belongs to a child: it is deleted, as if its owner had.
    DeleteAccount,
    /// No action on the account.
    Dismiss,
}

impl Decision {
    fn outcome(self) -> &'static str {
        match self {
            Decision::DeleteAccount => "account_deleted",
            Decision::Dismiss => "dismissed",
        }
    }
}

/// Why a report could not be resolved. Each message says what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("there is no report #{0} (reports are deleted a year after they arrive)")]
    NoSuchReport(i64),
    #[error("report #{id} was already decided on {on}: {outcome}")]
    AlreadyDecided { id: i64, on: String, outcome: String },
    #[error("report #{id} names {username:?}, and no account has that username now; resolve it with --dismiss")]
    NoSuchAccount { id: i64, username: String },
    #[error("--note must say, in a sentence, why (it is kept as the record of the decision)")]
    NoNote,
    #[error(transparent)]
    Store(#[from] crate::error::Error),
}

impl From<sqlx::Error> for ResolveError {
    fn from(e: sqlx::Error) -> Self {
        ResolveError::Store(e.into())
    }
}

/// Decides on report `id`: deletes the account it names through the same
/// path as a member's own deletion, or dismisses the report; then writes to
/// the reporter (outbox) and records the decision, without names or
/// addresses, all in one write transaction. A report is decided once.
pub async fn resolve(db: &crate::db::Db, id: i64, decision: Decision, note: &str, now: i64) -> std::result::Result<bool, ResolveError> {
    let note = note.trim();
    if note.split_whitespace().count() < 2 {
        return Err(ResolveError::NoNote);
    }
    let mut tx = db.begin_write().await?;
    let report: Option<(String, String)> = sqlx::query_as("SELECT username, reporter_email FROM child_reports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((username, reporter_email)) = report else {
        return Err(ResolveError::NoSuchReport(id));
    };
    let earlier: Option<(String, i64)> = sqlx::query_as("SELECT outcome, decided_at FROM report_decisions WHERE report_id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((outcome, at)) = earlier {
        return Err(ResolveError::AlreadyDecided { id, on: crate::clock::rfc3339(at), outcome });
    }
    let deleted = match decision {
        Decision::Dismiss => false,
        Decision::DeleteAccount => {
            let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1")
                .bind(crate::accounts::key(&username))
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user_id) = user_id else {
                return Err(ResolveError::NoSuchAccount { id, username });
            };
            crate::account_data::delete_member_in(&mut tx, user_id).await?
        }
    };
    sqlx::query("INSERT INTO report_decisions (report_id, outcome, note, decided_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(decision.outcome())
        .bind(note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let body = decision_letter(id, &username, decision);
    crate::outbox::send(
        &mut tx,
        crate::outbox::Message {
            user_id: None,
            kind: "report_decision",
            to: &reporter_email,
            subject: "Your report about a Curtain account",
            body: &body,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(deleted)
}

/// What the reporter is told.
fn decision_letter(id: i64, username: &str, decision: Decision) -> String {
    let outcome = match decision {
        Decision::DeleteAccount => format!(
            "We looked into it, and we have deleted the account {username:?} and everything tied to it, \
             exactly as if its owner had deleted it."
        ),
        Decision::Dismiss => format!(
            "We looked into it, and we have decided not to delete the account {username:?}. If you know more \
             that could change our decision, reply to this message and quote report #{id}."
        ),
    };
    format!("Thank you for your report #{id} about a Curtain account.\n\n{outcome}\n\nThe Curtain team\n")
}
