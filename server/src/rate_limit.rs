//! Sign-in rate limiting, per account and per IP address, over a sliding
//! window of failed attempts kept in the database.

use sqlx::SqliteConnection;

use crate::error::{Error, Result};

/// Failures older than this no longer count.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failed sign-ins allowed for one account within the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed from one address within the window, across accounts.
pub const PER_IP: i64 = 20;

/// Refuses with 429 when either limit is reached.
pub async fn check(conn: &mut SqliteConnection, account_key: &str, ip: &str, now: i64) -> Result<()> {
    let by_account = limit_reached_until(&mut *conn, "account_key", account_key, PER_ACCOUNT, now).await?;
    let by_ip = limit_reached_until(&mut *conn, "ip", ip, PER_IP, now).await?;
    match by_account.max(by_ip) {
        Some(until) => Err(Error::RateLimited { retry_after: (until - now).max(1) as u64 }),
        None => Ok(()),
    }
}

/// When the limit is reached: the time at which the oldest failure that keeps
/// it reached leaves the window.
async fn limit_reached_until(
    conn: &mut SqliteConnection,
    column: &str,
    key: &str,
    limit: i64,
    now: i64,
) -> Result<Option<i64>> {
    // `column` is one of two fixed names, never user input.
    let sql = format!(
        "SELECT at FROM signin_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
    );
    let at: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(now - WINDOW_SECONDS)
        .bind(limit - 1)
        .fetch_optional(conn)
        .await?;
    Ok(at.map(|at| at + WINDOW_SECONDS))
}

/// Counts an attempt before its password is checked, in the caller's write
/// transaction: 429 when a limit is reached, otherwise the attempt is
/// recorded as a failure, to be cleared by [`clear_account`] if the password
/// was right. Checking and recording in one write transaction means that
/// guesses sent all at once cannot all pass the check before any is counted.
pub async fn count_attempt(tx: &mut SqliteConnection, account_key: &str, ip: &str, now: i64) -> Result<()> {
    check(&mut *tx, account_key, ip, now).await?;
    sqlx::query("DELETE FROM signin_failures WHERE at <= ?").bind(now - WINDOW_SECONDS).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO signin_failures (account_key, ip, at) VALUES (?, ?, ?)")
        .bind(account_key)
        .bind(ip)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's
/// failures under other accounts).
pub async fn clear_account(tx: &mut SqliteConnection, account_key: &str) -> Result<()> {
    sqlx::query("DELETE FROM signin_failures WHERE account_key = ?").bind(account_key).execute(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> sqlx::pool::PoolConnection<sqlx::Sqlite> {
        crate::db::connect("sqlite::memory:").await.unwrap().read().acquire().await.unwrap()
    }

    #[tokio::test]
    async fn account_limit_applies_after_five_failures_and_expires_with_the_window() {
        let mut db = db().await;
        let t0 = 1_000_000;
        for i in 0..PER_ACCOUNT {
            check(&mut db, "ana", "1.1.1.1", t0 + i).await.unwrap();
            count_attempt(&mut db, "ana", "1.1.1.1", t0 + i).await.unwrap();
        }
        let now = t0 + 10;
        match check(&mut db, "ana", "1.1.1.1", now).await {
            Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after as i64, t0 + WINDOW_SECONDS - now),
            other => panic!("expected rate limit, got {other:?}"),
        }
        // Another account from another address is unaffected.
        check(&mut db, "bruno", "2.2.2.2", now).await.unwrap();
        // Once the first failure leaves the window, one more try is allowed.
        check(&mut db, "ana", "1.1.1.1", t0 + WINDOW_SECONDS + 1).await.unwrap();
        clear_account(&mut db, "ana").await.unwrap();
        check(&mut db, "ana", "1.1.1.1", now).await.unwrap();
    }

    #[tokio::test]
    async fn address_limit_spans_accounts() {
        let mut db = db().await;
        for i in 0..PER_IP {
            count_attempt(&mut db, &format!("user{i}"), "3.3.3.3", 5_000 + i).await.unwrap();
        }
        assert!(matches!(check(&mut db, "someone_new", "3.3.3.3", 5_100).await, Err(Error::RateLimited { .. })));
        check(&mut db, "someone_new", "4.4.4.4", 5_100).await.unwrap();
    }
}
