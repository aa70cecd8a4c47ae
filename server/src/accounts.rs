//! Member accounts in the database.

use curtain_api::FieldErrors;
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

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
}

/// The case-insensitive key a username or e-mail is unique by.
pub fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Inserts an account and its profile row, in the caller's write
/// transaction; a username or e-mail already in use (in any letter case)
/// becomes a 409 naming the field. The check and the insert are in one write
/// transaction, so two sign-ups racing for a name cannot both win.
pub async fn create(tx: &mut SqliteConnection, new: NewAccount<'_>) -> Result<i64> {
    let taken = taken_fields(&mut *tx, new.username, new.email).await?;
    if !taken.is_empty() {
        return Err(Error::Taken(taken));
    }
    let id = sqlx::query(
        "INSERT INTO users (username, username_key, email, email_key, password_hash, birth_date, minor,
                            accepted_policy_version, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new.username)
    .bind(key(new.username))
    .bind(new.email.trim())
    .bind(key(new.email))
    .bind(new.password_hash)
    .bind(new.birth_date)
    .bind(new.minor)
    .bind(new.accepted_policy_version)
    .bind(new.created_at)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    // No account ever exists without the privacy defaults for its age.
    crate::profiles::create_default(tx, id, new.minor).await?;
    Ok(id)
}

async fn taken_fields(db: impl SqliteExecutor<'_>, username: &str, email: &str) -> Result<FieldErrors> {
    let (user_taken, email_taken): (bool, bool) = sqlx::query_as(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username_key = ?), EXISTS(SELECT 1 FROM users WHERE email_key = ?)",
    )
    .bind(key(username))
    .bind(key(email))
    .fetch_one(db)
    .await?;
    let mut fields = FieldErrors::new();
    if user_taken {
        fields.insert("username".into(), vec!["That username is taken. Try another.".into()]);
    }
    if email_taken {
        fields.insert(
            "email".into(),
            vec!["An account already uses this address. Sign in instead?".into()],
        );
    }
    Ok(fields)
}

/// `(id, password_hash)` of the account whose username or e-mail is `login`.
pub async fn find_for_signin(db: &SqlitePool, login: &str) -> Result<Option<(i64, String)>> {
    let k = key(login);
    let column = if k.contains('@') { "email_key" } else { "username_key" };
    let sql = format!("SELECT id, password_hash FROM users WHERE {column} = ?");
    Ok(sqlx::query_as(&sql).bind(k).fetch_optional(db).await?)
}
