//! The messages Curtain would send by e-mail. No mail leaves the server:
//! each message is written to the `outbox` table (the log records only that
//! one was written, never its address or text), so a link in
//! it (an unsubscribe link, say) can be followed end to end.

use crate::db::Flag;
use sqlx::{AnyConnection, AnyPool};

use crate::clock;
use crate::db::Db;
use crate::email_preferences;
use crate::error::Result;
use crate::public_url::PublicUrl;

/// A message to one member.
pub struct Message<'a> {
    /// The member it goes to; `None` for someone without an account (a
    /// parent who sent a report, whoever sent a privacy request).
    pub user_id: Option<i64>,
    /// What sort of message, e.g. `newsletter`, `email_changed`.
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// "Sends" a message: stores it and logs it. Returns its outbox id.
/// In the caller's write transaction.
pub async fn send(tx: &mut AnyConnection, message: Message<'_>) -> Result<i64> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO outbox (user_id, kind, to_address, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(message.user_id)
    .bind(message.kind)
    .bind(message.to)
    .bind(message.subject)
    .bind(message.body)
    .bind(clock::now())
    .fetch_one(tx)
    .await?;
    // Addresses and bodies stay out of the log: bodies carry secrets
    // (unsubscribe and confirmation links), and the log is kept by other
    // rules than the outbox. `curtain-server outbox list` shows the messages.
    tracing::info!(outbox_id = id, kind = message.kind, "message written to the outbox");
    Ok(id)
}

/// The unsubscribe link for a token, under `site` (e.g. `https://curtain.example`).
pub fn unsubscribe_link(site: &str, token: &str) -> String {
    format!("{}/unsubscribe/{token}", site.trim_end_matches('/'))
}

/// The newsletter as one member receives it: the text, then why they get it
/// and the one-click way to stop.
pub fn newsletter_body(text: &str, site: &str, token: &str) -> String {
    format!(
        "{}\n\n--\nYou receive this because you turned on the Curtain newsletter in your e-mail settings.\n\
         Unsubscribe with one click (no sign-in needed): {}\n",
        text.trim_end(),
        unsubscribe_link(site, token)
    )
}

/// Sends the newsletter to every member who turned it on and confirmed
/// their address (double opt-in), each with their own unsubscribe link.
/// Returns how many were sent.
pub async fn send_newsletter(db: &Db, subject: &str, text: &str, site: &str) -> Result<u64> {
    // One transaction: every subscriber gets it, or (on failure) nobody does,
    // so sending again never sends twice.
    let mut tx = db.begin_write().await?;
    let recipients: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, p.unsubscribe_token FROM email_preferences p JOIN users u ON u.id = p.user_id
         WHERE p.newsletter AND u.email_verified_at IS NOT NULL ORDER BY u.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (user_id, email, token) in &recipients {
        let body = newsletter_body(text, site, token);
        send(&mut tx, Message { user_id: Some(*user_id), kind: "newsletter", to: email, subject, body: &body }).await?;
    }
    tx.commit().await?;
    Ok(recipients.len() as u64)
}

/// Tells the old address that the account's address was changed, so a
/// member whose account was taken over hears of it.
pub async fn email_changed_notice(tx: &mut AnyConnection, user_id: i64, old: &str, new: &str) -> Result<()> {
    let body = format!(
        "The e-mail address of your Curtain account was changed to {}.\n\
         If you did not do this, reply to this message and we will help you get your account back.\n",
        email_preferences::mask_email(new)
    );
    send(tx, Message { user_id: Some(user_id), kind: "email_changed", to: old, subject: "Your Curtain e-mail address was changed", body: &body })
        .await?;
    Ok(())
}

/// Tells the member their password was changed, so a change they did not
/// make does not go unnoticed.
pub async fn password_changed_notice(tx: &mut AnyConnection, user_id: i64, to: &str, other_sessions_ended: u64) -> Result<()> {
    let body = format!(
        "The password of your Curtain account was just changed, and {other_sessions_ended} other sign-in session(s) were ended.\n\
         If you did not do this, reset your password at once and reply to this message.\n"
    );
    send(tx, Message { user_id: Some(user_id), kind: "password_changed", to, subject: "Your Curtain password was changed", body: &body }).await?;
    Ok(())
}

/// For the demonstration: `ana` has turned the newsletter on and has one in
/// the outbox, so its unsubscribe link can be tried at once. Idempotent.
pub async fn load_demo(db: &Db, site: &PublicUrl) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let Some(user_id): Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE username_key = 'ana'").fetch_optional(&mut *tx).await?
    else {
        return Ok(());
    };
    let Flag(already): Flag = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM outbox WHERE user_id = $1 AND kind = 'newsletter')")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    if already {
        return Ok(());
    }
    let (mut prefs, token) = email_preferences::get_or_create(&mut tx, user_id).await?;
    prefs.newsletter = true;
    email_preferences::set(&mut tx, user_id, prefs).await?;
    let email: String =
        sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?;
    let body = newsletter_body(
        "This week on Curtain: what the community watched, and three films worth a second look.",
        site.as_str(),
        &token,
    );
    send(&mut tx, Message { user_id: Some(user_id), kind: "newsletter", to: &email, subject: "Curtain weekly", body: &body }).await?;
    tx.commit().await?;
    Ok(())
}

/// One stored message, as `curtain-server outbox list` prints it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredMessage {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// Every message in the outbox, oldest first.
pub async fn list(db: &AnyPool) -> Result<Vec<StoredMessage>> {
    Ok(sqlx::query_as("SELECT id, kind, to_address, subject, body, created_at FROM outbox ORDER BY id")
        .fetch_all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newsletter_ends_with_its_unsubscribe_link() {
        let body = newsletter_body("New this week.\n", "http://127.0.0.1:8080/", "tok");
        assert!(body.starts_with("New this week.\n\n"));
        assert!(body.contains("http://127.0.0.1:8080/unsubscribe/tok\n"), "{body}");
    }
}
