//! Marketing e-mail preferences and each member's unsubscribe token.
//!
//! A member without a row has every list off; the row (and with it the
//! token) is created the first time it is needed.

use crate::db::Flag;
use curtain_api::account::EmailPreferences;
use sqlx::{AnyConnection, AnyExecutor};

use crate::clock;
use crate::error::Result;
use crate::session::new_token;

/// The member's preferences; every list is off for a member who never chose.
pub async fn get(db: impl AnyExecutor<'_>, user_id: i64) -> Result<EmailPreferences> {
    let row: Option<(Flag, Flag, Flag)> = sqlx::query_as(
        "SELECT newsletter, product_updates, partner_offers FROM email_preferences WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map_or_else(EmailPreferences::default, |(newsletter, product_updates, partner_offers)| EmailPreferences {
        newsletter: newsletter.0,
        product_updates: product_updates.0,
        partner_offers: partner_offers.0,
    }))
}

/// The member's preferences and unsubscribe token, in the caller's write
/// transaction, creating them (every list off) the first time.
pub async fn get_or_create(tx: &mut AnyConnection, user_id: i64) -> Result<(EmailPreferences, String)> {
    sqlx::query(
        "INSERT INTO email_preferences (user_id, unsubscribe_token, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(new_token())
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    let (newsletter, product_updates, partner_offers, token): (Flag, Flag, Flag, String) = sqlx::query_as(
        "SELECT newsletter, product_updates, partner_offers, unsubscribe_token FROM email_preferences WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok((EmailPreferences { newsletter: newsletter.0, product_updates: product_updates.0, partner_offers: partner_offers.0 }, token))
}

/// Stores the member's choice, in the caller's write transaction.
pub async fn set(tx: &mut AnyConnection, user_id: i64, prefs: EmailPreferences) -> Result<()> {
    get_or_create(&mut *tx, user_id).await?;
    sqlx::query(
        "UPDATE email_preferences SET newsletter = $1, product_updates = $2, partner_offers = $3, updated_at = $4
         WHERE user_id = $5",
    )
    .bind(prefs.newsletter)
    .bind(prefs.product_updates)
    .bind(prefs.partner_offers)
    .bind(clock::now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `(user_id, e-mail address, preferences)` of the member an unsubscribe
/// token belongs to. Anything that is not one of our tokens finds nobody.
pub async fn by_token(db: impl AnyExecutor<'_>, token: &str) -> Result<Option<(i64, String, EmailPreferences)>> {
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(None);
    }
    let row: Option<(i64, String, Flag, Flag, Flag)> = sqlx::query_as(
        "SELECT p.user_id, u.email, p.newsletter, p.product_updates, p.partner_offers
         FROM email_preferences p JOIN users u ON u.id = p.user_id
         WHERE p.unsubscribe_token = $1",
    )
    .bind(token)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, email, newsletter, product_updates, partner_offers)| {
        (id, email, EmailPreferences { newsletter: newsletter.0, product_updates: product_updates.0, partner_offers: partner_offers.0 })
    }))
}

/// An address with most of it hidden, so the unsubscribe page can say which
/// address a link is for without handing the address to whoever holds it:
/// `ana.lima@example.org` -> `a•••••••@e••••••.org`.
pub fn mask_email(address: &str) -> String {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return mask_part(address);
    };
    let (host, tld) = match domain.rsplit_once('.') {
        Some((host, tld)) => (host, Some(tld)),
        None => (domain, None),
    };
    let mut masked = format!("{}@{}", mask_part(local), mask_part(host));
    if let Some(tld) = tld {
        masked.push('.');
        masked.push_str(tld);
    }
    masked
}

/// Keeps the first character and hides the rest, at least two dots' worth so
/// a one-letter name does not stand out.
fn mask_part(part: &str) -> String {
    let mut chars = part.chars();
    let Some(first) = chars.next() else { return String::new() };
    let hidden = chars.count().max(2);
    std::iter::once(first).chain(std::iter::repeat_n('•', hidden)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_first_letters_and_the_top_level_domain() {
        assert_eq!(mask_email("ana.lima@example.org"), "a•••••••@e••••••.org");
        assert_eq!(mask_email("a@b.io"), "a••@b••.io");
        assert_eq!(mask_email("x@localhost"), "x••@l••••••••");
        assert!(!mask_email("bruno@example.org").contains("bruno"));
    }

    #[tokio::test]
    async fn preferences_start_off_and_keep_one_token() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let mut db = db.begin_write().await.unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, username_key, email, email_key, password_hash, birth_date, minor,
                                accepted_policy_version, created_at)
             VALUES ('ana', 'ana', 'ana@example.org', 'ana@example.org', 'x', '1990-01-01', FALSE, 1, 0) RETURNING id",
        )
        .fetch_one(&mut *db)
        .await
        .unwrap();
        assert_eq!(get(&mut *db, id).await.unwrap(), EmailPreferences::default(), "no row: every list off");
        let (prefs, token) = get_or_create(&mut db, id).await.unwrap();
        assert_eq!(prefs, EmailPreferences::default());
        let on = EmailPreferences { newsletter: true, ..Default::default() };
        set(&mut db, id, on).await.unwrap();
        assert_eq!(get(&mut *db, id).await.unwrap(), on);
        let (prefs, again) = get_or_create(&mut db, id).await.unwrap();
        assert_eq!((prefs, again.as_str()), (on, token.as_str()));
        let (found, email, prefs) = by_token(&mut *db, &token).await.unwrap().unwrap();
        assert_eq!((found, email.as_str(), prefs), (id, "ana@example.org", on));
        assert!(by_token(&mut *db, "short").await.unwrap().is_none());
        assert!(by_token(&mut *db, &new_token()).await.unwrap().is_none());
    }
}
