//! Rate limits, kept in the database so several replicas share them:
//!
//! - failed sign-ins (and wrong current passwords), per account whatever the
//!   login's spelling and per address, over a sliding window of failures;
//! - the writes anyone may send without signing in (consent answers, page
//!   views, unsubscribes, parents' reports), per address, counted in fixed
//!   windows by [`count_request`].
//!
//! Addresses are counted by [`address_key`]: an IPv6 host usually has a whole
//! /64 to itself, so the /64 is what counts as one address.

use std::net::IpAddr;

use sqlx::{AnyConnection, AnyExecutor};

use crate::error::{Error, Result};

/// Failures older than this no longer count.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failed sign-ins allowed for one account within the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed from one address within the window, across accounts.
pub const PER_IP: i64 = 20;

/// What the 429 for failed sign-ins says before "Try again in …".
const SIGNIN_MESSAGE: &str = "Too many failed sign-ins.";

/// A limit on requests of one kind from one address: at most `max` in each
/// fixed window of `window_seconds`. Fixed windows let a burst straddling two
/// windows reach twice `max`; the limits below are generous enough that only
/// a flood meets them, so one counter row per address and window is worth it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The counter's name in the database (`request_counts.kind`).
    pub kind: &'static str,
    pub max: i64,
    pub window_seconds: i64,
    /// What the 429 says before "Try again in …".
    pub message: &'static str,
}

/// `POST /api/consent`. A person answers once per browser, and again when the
/// categories change or they change their mind; 100 an hour covers a
/// household or an office behind one address, while bounding how many
/// receipts one address can make us store.
pub const CONSENT_ANSWERS: Limit = Limit {
    kind: "consent_answer",
    max: 100,
    window_seconds: 3600,
    message: "Too many cookie answers came from your connection.",
};

/// `POST /api/analytics/pageview` (counted only when the view is). One a
/// second for ten minutes is more than anyone reads, and keeps one address
/// from inflating the counts.
pub const PAGE_VIEWS: Limit = Limit {
    kind: "page_view",
    max: 600,
    window_seconds: 600,
    message: "Too many page views came from your connection.",
};

/// `POST /api/unsubscribe`, known tokens or not. A person clicks a link once
/// or twice; 30 an hour leaves room for a household and makes guessing
/// tokens (hopeless already at 256 bits) slower still.
pub const UNSUBSCRIBES: Limit = Limit {
    kind: "unsubscribe",
    max: 30,
    window_seconds: 3600,
    message: "Too many unsubscribe requests came from your connection.",
};

/// `POST /api/reports/child-account`. Every report is read by a person; a
/// parent files one, and a few an hour already point to a flood.
pub const CHILD_REPORTS: Limit = Limit {
    kind: "child_report",
    max: 5,
    window_seconds: 3600,
    message: "We have received several reports from your connection. You can also write to the privacy contact on the policy page.",
};

/// `POST /api/privacy-requests`, signed in or not. Each one is answered by a
/// person and sends a receipt by e-mail, so a few an hour per connection.
pub const PRIVACY_REQUESTS: Limit = Limit {
    kind: "privacy_request",
    max: 5,
    window_seconds: 3600,
    message: "We have received several privacy requests from your connection. We answer each one; you can also write to privacy@curtain.example.",
};

/// Sending the verification e-mail again. Each one is a real e-mail: a few
/// an hour covers a slow or filtered inbox without letting anyone use us to
/// flood one.
pub const VERIFICATION_EMAILS: Limit = Limit {
    kind: "verification_email",
    max: 10,
    window_seconds: 3600,
    message: "Too many e-mails were asked for from your connection.",
};

/// Following confirmation links (`POST /api/email/verify`). A member follows
/// one or two; many from one address are someone guessing tokens.
pub const CONFIRMATION_LINKS: Limit = Limit {
    kind: "confirmation_link",
    max: 30,
    window_seconds: 3600,
    message: "Too many confirmation links were tried from your connection.",
};

/// Counts one request of `limit`'s kind from `address` in the caller's write
/// transaction (the one that makes the request's own write, so the count
/// costs one more statement, not one more transaction): 429 with
/// `Retry-After` once the window already holds `max`. A refused request is
/// not counted when the caller drops the transaction, as it does on error.
/// `address` is a client IP (see [`address_key`]); any other string is a key
/// as it is.
pub async fn count_request(tx: &mut AnyConnection, limit: &Limit, address: &str, now: i64) -> Result<()> {
    let window_ends_at = now - now.rem_euclid(limit.window_seconds) + limit.window_seconds;
    let count: i64 = sqlx::query_scalar(
        "INSERT INTO request_counts (kind, address, window_ends_at, count) VALUES ($1, $2, $3, 1)
         ON CONFLICT (kind, address, window_ends_at) DO UPDATE SET count = request_counts.count + 1
         RETURNING count",
    )
    .bind(limit.kind)
    .bind(address_key(address))
    .bind(window_ends_at)
    .fetch_one(&mut *tx)
    .await?;
    if count == 1 {
        // A new window for this address: counters of windows that have ended
        // go now (once per address and window, not on every request), so an
        // address is kept no longer than its window.
        sqlx::query("DELETE FROM request_counts WHERE window_ends_at <= $1").bind(now).execute(&mut *tx).await?;
    }
    if count > limit.max {
        return Err(Error::RateLimited { retry_after: (window_ends_at - now).max(1) as u64, message: limit.message });
    }
    Ok(())
}

/// The address a client is counted by: an IPv4 address as it is (also when
/// written as IPv4-mapped IPv6), an IPv6 address by its /64, anything else as
/// it is.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", std::net::Ipv6Addr::from(prefix))
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

/// What failed sign-ins are counted under: the account's username key when
/// `login` (a username or an e-mail address, in any case) names an account,
/// so that every spelling counts against the one account; otherwise the
/// login, trimmed and lowercased. A signed-in member's wrong current
/// passwords count under the same key (`accounts::key` of the username).
pub async fn signin_key(db: impl AnyExecutor<'_>, login: &str) -> Result<String> {
    let login = crate::accounts::key(login);
    // Usernames cannot hold `@`, so at most one row matches.
    let account: Option<String> = sqlx::query_scalar("SELECT username_key FROM users WHERE username_key = $1 OR email_key = $1")
        .bind(&login)
        .fetch_optional(db)
        .await?;
    Ok(account.unwrap_or(login))
}

/// Refuses with 429 when either limit is reached.
/// `account_key` comes from [`signin_key`].
pub async fn check(conn: &mut AnyConnection, account_key: &str, ip: &str, now: i64) -> Result<()> {
    let by_account = limit_reached_until(&mut *conn, "account_key", account_key, PER_ACCOUNT, now).await?;
    let by_ip = limit_reached_until(&mut *conn, "ip", &address_key(ip), PER_IP, now).await?;
    match by_account.max(by_ip) {
        Some(until) => Err(Error::RateLimited { retry_after: (until - now).max(1) as u64, message: SIGNIN_MESSAGE }),
        None => Ok(()),
    }
}

/// When the limit is reached: the time at which the oldest failure that keeps
/// it reached leaves the window.
async fn limit_reached_until(
    conn: &mut AnyConnection,
    column: &str,
    key: &str,
    limit: i64,
    now: i64,
) -> Result<Option<i64>> {
    // `column` is one of two fixed names, never user input.
    let sql = format!(
        "SELECT at FROM signin_failures WHERE {column} = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3"
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
pub async fn count_attempt(tx: &mut AnyConnection, account_key: &str, ip: &str, now: i64) -> Result<()> {
    check(&mut *tx, account_key, ip, now).await?;
    sqlx::query("DELETE FROM signin_failures WHERE at <= $1").bind(now - WINDOW_SECONDS).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO signin_failures (account_key, ip, at) VALUES ($1, $2, $3)")
        .bind(account_key)
        .bind(address_key(ip))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's
/// failures under other accounts).
pub async fn clear_account(tx: &mut AnyConnection, account_key: &str) -> Result<()> {
    sqlx::query("DELETE FROM signin_failures WHERE account_key = $1").bind(account_key).execute(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> sqlx::pool::PoolConnection<sqlx::Any> {
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
            Err(Error::RateLimited { retry_after, .. }) => assert_eq!(retry_after as i64, t0 + WINDOW_SECONDS - now),
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

    const TEST_LIMIT: Limit = Limit { kind: "test", max: 3, window_seconds: 100, message: "Too many tests." };

    #[tokio::test]
    async fn requests_past_the_limit_wait_for_the_next_window() {
        let mut db = db().await;
        for t in [1_000, 1_010, 1_020] {
            count_request(&mut db, &TEST_LIMIT, "1.1.1.1", t).await.unwrap();
        }
        match count_request(&mut db, &TEST_LIMIT, "1.1.1.1", 1_050).await {
            Err(Error::RateLimited { retry_after, message }) => assert_eq!((retry_after, message), (50, "Too many tests.")),
            other => panic!("expected rate limit, got {other:?}"),
        }
        // Another address, and another kind from the same address, are not held up.
        count_request(&mut db, &TEST_LIMIT, "2.2.2.2", 1_050).await.unwrap();
        count_request(&mut db, &Limit { kind: "other", ..TEST_LIMIT }, "1.1.1.1", 1_050).await.unwrap();
        // A new window starts afresh, and the ended windows' counters are gone.
        count_request(&mut db, &TEST_LIMIT, "1.1.1.1", 1_100).await.unwrap();
        let left: Vec<(String, i64)> = sqlx::query_as("SELECT address, window_ends_at FROM request_counts")
            .fetch_all(&mut *db)
            .await
            .unwrap();
        assert_eq!(left, [("1.1.1.1".to_string(), 1_200)]);
    }

    #[tokio::test]
    async fn an_ipv6_network_counts_as_one_address() {
        let mut db = db().await;
        for (i, ip) in ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:3:4:5:6"].iter().enumerate() {
            count_request(&mut db, &TEST_LIMIT, ip, 1_000 + i as i64).await.unwrap();
        }
        assert!(count_request(&mut db, &TEST_LIMIT, "2001:db8:1:2::77", 1_010).await.is_err());
        count_request(&mut db, &TEST_LIMIT, "2001:db8:1:3::1", 1_010).await.unwrap();
    }

    #[test]
    fn address_keys() {
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_ne!(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
        assert_eq!(address_key("unknown"), "unknown");
    }

    #[tokio::test]
    async fn every_spelling_of_an_account_has_one_key() {
        let mut db = db().await;
        let account = crate::accounts::NewAccount {
            username: "Ana_Lima",
            email: "Ana@Example.org",
            password_hash: "x",
            birth_date: "1990-01-01",
            minor: false,
            accepted_policy_version: 1,
            created_at: 0,
            language: None,
        };
        crate::accounts::create(&mut db, account).await.unwrap();
        for login in ["ana_lima", " ANA_LIMA ", "ana@example.org", "ANA@EXAMPLE.ORG "] {
            assert_eq!(signin_key(&mut *db, login).await.unwrap(), "ana_lima", "{login}");
        }
        assert_eq!(signin_key(&mut *db, " Nobody@Example.org").await.unwrap(), "nobody@example.org");
        assert_eq!(signin_key(&mut *db, "Nobody").await.unwrap(), "nobody");
    }
}
