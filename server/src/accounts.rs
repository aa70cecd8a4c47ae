//! Member accounts in the database.

use crate::db::Flag;
use curtain_api::FieldErrors;
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use crate::error::{Error, Result};

/// What creating an account needs, already validated.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub birth_date: &'a str,
    pub minor: bool,
    pub accepted_policy_version: u32,
    pub created_at: i64,
    /// The language the member signed up in, if the form said.
    pub language: Option<curtain_ui::Lang>,
}

/// The case-insensitive key a username or e-mail is unique by.
pub fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Who holds an address (any letter case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub user_id: i64,
    pub username: String,
    /// The holder confirmed it; an unconfirmed claim gives way to a confirmed one.
    pub verified: bool,
}

/// The account whose address `address` is, if any.
pub async fn holder_of(db: impl AnyExecutor<'_>, address: &str) -> Result<Option<Holder>> {
    let row: Option<(i64, String, Flag)> = sqlx::query_as(
        "SELECT id, username, email_verified_at IS NOT NULL FROM users WHERE email_key = $1",
    )
    .bind(key(address))
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(user_id, username, Flag(verified))| Holder { user_id, username, verified }))
}

/// The `email_key` of an account with no address of its own: unique, and
/// never the key of an address (it has no `@`).
pub fn no_address_key() -> String {
    format!("none:{}", crate::session::new_token())
}

/// Inserts an account and its profile row, in the caller's write
/// transaction; a username already in use (in any letter case) becomes a 409
/// naming the field. The check and the insert are in one write transaction,
/// so two sign-ups racing for a name cannot both win. An address in use does
/// not refuse the sign-up (that would tell anyone whether an address has an
/// account): the new account then has no address of its own yet, and the
/// typed one waits as pending (see [`address_view`]).
pub async fn create(tx: &mut AnyConnection, new: NewAccount<'_>) -> Result<i64> {
    let taken = taken_fields(&mut *tx, new.username).await?;
    if !taken.is_empty() {
        return Err(Error::Taken(taken));
    }
    let address = new.email.trim();
    let (email, email_key, pending) = match holder_of(&mut *tx, address).await? {
        None => (address, key(address), None),
        Some(_) => ("", no_address_key(), Some(address)),
    };
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, username_key, email, email_key, pending_email, password_hash, birth_date, minor,
                            accepted_policy_version, created_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.username)
    .bind(key(new.username))
    .bind(email)
    .bind(email_key)
    .bind(pending)
    .bind(new.password_hash)
    .bind(new.birth_date)
    .bind(new.minor)
    .bind(i64::from(new.accepted_policy_version))
    .bind(new.created_at)
    .bind(new.language.map(|lang| lang.tag()))
    .fetch_one(&mut *tx)
    .await?;
    // No account ever exists without the privacy defaults for its age.
    crate::profiles::create_default(tx, id, new.minor).await?;
    Ok(id)
}

/// How an account's address shows to its member: `(email, verified,
/// pending)`. An account with no address of its own shows the one waiting
/// for confirmation as its address, exactly as a fresh sign-up's unconfirmed
/// address shows, so the two cannot be told apart.
pub fn address_view(email: &str, verified: bool, pending: Option<&str>) -> (String, bool, Option<String>) {
    if email.is_empty() {
        return (pending.unwrap_or_default().to_string(), false, None);
    }
    let pending = pending.filter(|p| key(p) != key(email)).map(str::to_string);
    (email.to_string(), verified, pending)
}

async fn taken_fields(db: impl AnyExecutor<'_>, username: &str) -> Result<FieldErrors> {
    let Flag(user_taken): Flag = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM users WHERE username_key = $1)")
        .bind(key(username))
        .fetch_one(db)
        .await?;
    let mut fields = FieldErrors::new();
    if user_taken {
        fields.insert("username".into(), vec!["That username is taken. Try another.".into()]);
    }
    Ok(fields)
}

/// `(id, password_hash)` of the account whose username or e-mail is `login`.
pub async fn find_for_signin(db: &AnyPool, login: &str) -> Result<Option<(i64, String)>> {
    let k = key(login);
    let column = if k.contains('@') { "email_key" } else { "username_key" };
    let sql = format!("SELECT id, password_hash FROM users WHERE {column} = $1");
    Ok(sqlx::query_as(&sql).bind(k).fetch_optional(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_without_an_address_shows_like_a_fresh_unconfirmed_one() {
        let fresh = address_view("ana@example.org", false, None);
        let in_use = address_view("", false, Some("ana@example.org"));
        assert_eq!(fresh, in_use);
        assert_eq!(fresh, ("ana@example.org".to_string(), false, None));
    }

    #[test]
    fn a_change_waits_beside_the_current_address() {
        assert_eq!(
            address_view("ana@example.org", true, Some("ana@new.example")),
            ("ana@example.org".to_string(), true, Some("ana@new.example".to_string()))
        );
        // Asking again for the address one has is no change.
        assert_eq!(address_view("ana@example.org", true, Some("ANA@example.org")).2, None);
    }
}
