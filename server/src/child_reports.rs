//! Parents' and guardians' reports that an account belongs to a child, kept
//! for review. Filing one never tells the reporter anything about the account.
//! How many one address may file is `rate_limit::CHILD_REPORTS`.

use curtain_api::account::ChildReportRequest;
use sqlx::{SqliteConnection, SqlitePool};

use crate::error::Result;

/// Stores an already validated report.
pub async fn file(tx: &mut SqliteConnection, req: &ChildReportRequest, ip: &str, now: i64) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO child_reports (username, reporter_email, message, ip, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(req.username.trim())
    .bind(req.reporter_email.trim())
    .bind(req.message.trim())
    .bind(ip)
    .bind(now)
    .execute(tx)
    .await?
    .last_insert_rowid())
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
    pub account_exists: bool,
}

/// Every report, oldest first, for the people who review them.
pub async fn list(db: &SqlitePool) -> Result<Vec<StoredReport>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.username, r.reporter_email, r.message, r.ip, r.created_at,
                EXISTS(SELECT 1 FROM users u WHERE u.username_key = lower(trim(r.username))) AS account_exists
         FROM child_reports r ORDER BY r.id",
    )
    .fetch_all(db)
    .await?)
}
