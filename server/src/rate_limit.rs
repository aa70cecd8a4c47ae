//! Sign-in rate limiting, per account and per IP address, over a sliding
//! window of failed attempts kept in the database.

use sqlx::SqlitePool;

use crate::error::{Error, Result};

/// Failures older than this no longer count.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failed sign-ins allowed for one account within the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed from one address within the window, across accounts.
pub const PER_IP: i64 = 20;

/// Refuses with 429 when either limit is reached.
pub async fn check(db: &SqlitePool, account_key: &str, ip: &str, now: i64) -> Result<()> {
    let by_account = limit_reached_until(db, "account_key", account_key, PER_ACCOUNT, now).await?;
    let by_ip = limit_reached_until(db, "ip", ip, PER_IP, now).await?;
    match by_account.max(by_ip) {
        Some(until) => Err(Error::RateLimited { retry_after: (until - now).max(1) as u64 }),
        None => Ok(()),
    }
}

/// When the limit is reached: the time at which the oldest failure that keeps
/// it reached leaves the window.
async fn limit_reached_until(db: &SqlitePool, column: &str, key: &str, limit: i64, now: i64) -> Result<Option<i64>> {
    // `column` is one of two fixed names, never user input.
    let sql = format!(
        "SELECT at FROM signin_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
    );
    let at: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(now - WINDOW_SECONDS)
        .bind(limit - 1)
        .fetch_optional(db)
        .await?;
    Ok(at.map(|at| at + WINDOW_SECONDS))
}

/// Records a failed attempt and forgets ones that left the window.
pub async fn record_failure(db: &SqlitePool, account_key: &str, ip: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM signin_failures WHERE at <= ?").bind(now - WINDOW_SECONDS).execute(db).await?;
    sqlx::query("INSERT INTO signin_failures (account_key, ip, at) VALUES (?, ?, ?)")
        .bind(account_key)
        .bind(ip)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's).
pub async fn clear_account(db: &SqlitePool, account_key: &str) -> Result<()> {
    sqlx::query("DELETE FROM signin_failures WHERE account_key = ?").bind(account_key).execute(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> SqlitePool {
        crate::db::connect("sqlite::memory:").await.unwrap()
    }

    #[tokio::test]
    async fn account_limit_applies_after_five_failures_and_expires_with_the_window() {
        let db = db().await;
        let t0 = 1_000_000;
        for i in 0..PER_ACCOUNT {
            check(&db, "ana", "1.1.1.1", t0 + i).await.unwrap();
            record_failure(&db, "ana", "1.1.1.1", t0 + i).await.unwrap();
        }
        let now = t0 + 10;
        match check(&db, "ana", "1.1.1.1", now).await {
            Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after as i64, t0 + WINDOW_SECONDS - now),
            other => panic!("expected rate limit, got {other:?}"),
        }
        // Another account from another address is unaffected.
        check(&db, "bruno", "2.2.2.2", now).await.unwrap();
        // Once the first failure leaves the window, one more try is allowed.
        check(&db, "ana", "1.1.1.1", t0 + WINDOW_SECONDS + 1).await.unwrap();
        clear_account(&db, "ana").await.unwrap();
        check(&db, "ana", "1.1.1.1", now).await.unwrap();
    }

    #[tokio::test]
    async fn address_limit_spans_accounts() {
        let db = db().await;
        for i in 0..PER_IP {
            record_failure(&db, &format!("user{i}"), "3.3.3.3", 5_000 + i).await.unwrap();
        }
        assert!(matches!(check(&db, "someone_new", "3.3.3.3", 5_100).await, Err(Error::RateLimited { .. })));
        check(&db, "someone_new", "4.4.4.4", 5_100).await.unwrap();
    }
}
