//! Confirming that an address is the member's: a link sent to it (through
//! the outbox), followed without signing in.
//!
//! Nothing here answers differently for an address that another account
//! holds: the sign-up or change goes through, and the holder gets a notice
//! instead of a link when their claim is confirmed. A confirmed claim wins
//! over an unconfirmed one, so typing someone else's address can never keep
//! its owner out.

use crate::db::Flag;
use axum::http::StatusCode;
use curtain_api::account::EmailVerified;
use sqlx::AnyConnection;

use crate::accounts::{self, Holder};
use crate::error::{Error, Result};
use crate::outbox::{self, Message};
use crate::session::{new_token, token_hash};
use crate::email_preferences;
use crate::i18n::text;

/// A confirmation link works this long.
pub const LINK_SECONDS: i64 = 7 * 24 * 3600;
/// Confirmation messages one account may cause per [`SENDS_WINDOW_SECONDS`]
/// (the one at sign-up included).
pub const SENDS_PER_WINDOW: i64 = 3;
pub const SENDS_WINDOW_SECONDS: i64 = 3600;

/// The confirmation link for a token, under `site`, in `lang` (`/de/verify-email/…`).
pub fn link(site: &str, token: &str, lang: curtain_ui::Lang) -> String {
    outbox::page_link(site, &format!("/verify-email/{token}"), lang)
}

/// Refuses with 429 once the account asked for [`SENDS_PER_WINDOW`]
/// confirmation messages within the window.
pub async fn check_send_limit(tx: &mut AnyConnection, user_id: i64, now: i64) -> Result<()> {
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM email_sends WHERE user_id = $1 AND at > $2 ORDER BY at LIMIT $3",
    )
    .bind(user_id)
    .bind(now - SENDS_WINDOW_SECONDS)
    .bind(SENDS_PER_WINDOW)
    .fetch_all(&mut *tx)
    .await?;
    if recent.len() as i64 >= SENDS_PER_WINDOW {
        let retry_after = (recent[0] + SENDS_WINDOW_SECONDS - now).max(1) as u64;
        return Err(Error::RateLimited {
            retry_after,
            message: "We sent several confirmation messages in the last hour. Check your inbox and spam folder.",
        });
    }
    Ok(())
}

/// Asks for `address` to be confirmed as `user_id`'s, in the caller's write
/// transaction: a link to the address, unless another account holds it
/// confirmed, in which case that account gets a notice instead (and nothing
/// changes until it gives the address up). Counts as one send.
pub async fn request(tx: &mut AnyConnection, site: &str, user_id: i64, address: &str, now: i64) -> Result<()> {
    let holder = accounts::holder_of(&mut *tx, address).await?.filter(|h| h.user_id != user_id);
    match holder {
        Some(holder) if holder.verified => notice_in_use(tx, site, &holder, address).await?,
        _ => send_link(tx, site, user_id, address, now).await?,
    }
    sqlx::query("INSERT INTO email_sends (user_id, at) VALUES ($1, $2)").bind(user_id).bind(now).execute(&mut *tx).await?;
    Ok(())
}

async fn send_link(tx: &mut AnyConnection, site: &str, user_id: i64, address: &str, now: i64) -> Result<()> {
    let token = new_token();
    // Only the newest link for an address counts.
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND address = $2")
        .bind(user_id)
        .bind(address)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO email_tokens (user_id, token_hash, address, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user_id)
        .bind(token_hash(&token))
        .bind(address)
        .bind(now)
        .bind(now + LINK_SECONDS)
        .execute(&mut *tx)
        .await?;
    let lang = outbox::language_of(tx, user_id).await?;
    let body = format!(
        "{}\n\n{}\n\n{}\n{}\n",
        text(lang, "Please confirm that {address} is your address for Curtain by following this link:", &[&address]),
        link(site, &token, lang),
        text(lang, "The link works for 7 days. Until then your account works as usual, but we send no newsletters or offers.", &[]),
        text(
            lang,
            "If you did not sign up for Curtain or ask to use this address, ignore this message: nothing happens without the link.",
            &[]
        ),
    );
    let subject = text(lang, "Confirm your e-mail address", &[]);
    outbox::send(tx, Message { user_id: Some(user_id), kind: "verify_email", to: address, subject: &subject, body: &body })
        .await?;
    Ok(())
}

async fn notice_in_use(tx: &mut AnyConnection, site: &str, holder: &Holder, address: &str) -> Result<()> {
    // The holder's language if they chose one, else the page's of whoever tried.
    let lang = outbox::language_of(tx, holder.user_id).await?;
    let signin = outbox::page_link(site, "/signin", lang);
    let body = format!(
        "{}\n\n{}\n{}\n",
        text(
            lang,
            "Someone just tried to use this address for a Curtain account. It already belongs to your account \"{}\", and nothing has changed.",
            &[&holder.username]
        ),
        text(lang, "If it was you: you already have an account. Sign in at {} with your username or this address.", &[&signin]),
        text(lang, "If it was not you, you can ignore this message.", &[]),
    );
    let subject = text(lang, "Your address was used to sign up", &[]);
    outbox::send(
        tx,
        Message { user_id: Some(holder.user_id), kind: "email_in_use", to: address, subject: &subject, body: &body },
    )
    .await?;
    Ok(())
}

/// Follows a confirmation link, in the caller's write transaction: the
/// address becomes the member's, confirmed. An account holding it without
/// having confirmed it gives it up; one that confirmed it keeps it, and the
/// link is refused. The member's previous confirmed address is told.
pub async fn follow_link(tx: &mut AnyConnection, token: &str, now: i64) -> Result<EmailVerified> {
    let unknown = || {
        Error::request(
            StatusCode::NOT_FOUND,
            "unknown_link",
            "This confirmation link is not valid any more. It may be older than 7 days, already used, or copied only in part. Ask for a new one in your account settings.",
        )
    };
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(unknown());
    }
    let found: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT id, user_id, address FROM email_tokens WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash(token))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((token_id, user_id, address)) = found else {
        return Err(unknown());
    };
    sqlx::query("DELETE FROM email_tokens WHERE id = $1").bind(token_id).execute(&mut *tx).await?;
    if let Some(holder) = accounts::holder_of(&mut *tx, &address).await?.filter(|h| h.user_id != user_id) {
        if holder.verified {
            return Err(Error::request(
                StatusCode::CONFLICT,
                "address_in_use",
                "This address belongs to another Curtain account, so it cannot be confirmed for this one.",
            ));
        }
        // An unconfirmed claim gives way to a confirmed one.
        sqlx::query("UPDATE users SET email = '', email_key = $1, email_verified_at = NULL WHERE id = $2")
            .bind(accounts::no_address_key())
            .bind(holder.user_id)
            .execute(&mut *tx)
            .await?;
    }
    let (username, old, Flag(old_verified)): (String, String, Flag) =
        sqlx::query_as("SELECT username, email, email_verified_at IS NOT NULL FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "UPDATE users SET email = $1, email_key = $2, email_verified_at = $3,
                pending_email = CASE WHEN lower(pending_email) = $2 THEN NULL ELSE pending_email END
         WHERE id = $4",
    )
    .bind(address.trim())
    .bind(accounts::key(&address))
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if old_verified && accounts::key(&old) != accounts::key(&address) {
        outbox::email_changed_notice(tx, user_id, &old, &address).await?;
    }
    Ok(EmailVerified { username, masked_email: email_preferences::mask_email(&address) })
}

/// The address an account is waiting to confirm: the pending one, else its
/// own unconfirmed one; `None` when there is nothing to confirm.
pub async fn awaiting(db: &mut AnyConnection, user_id: i64) -> Result<Option<String>> {
    let (email, Flag(verified), pending): (String, Flag, Option<String>) =
        sqlx::query_as("SELECT email, email_verified_at IS NOT NULL, pending_email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    let pending = pending.filter(|p| !p.trim().is_empty() && accounts::key(p) != accounts::key(&email));
    Ok(match pending {
        Some(p) => Some(p),
        None if !verified && !email.is_empty() => Some(email),
        None => None,
    })
}
