//! argon2id password hashing, run off the async executor because it is slow
//! on purpose.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{Error, Result};

/// Hashes with argon2id and the crate's recommended parameters (19 MiB, t=2, p=1).
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
}

/// Checks a password against a stored hash. With `None` (no such account) it
/// still does the work of a verification, so response time does not reveal
/// whether an account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(|e| Error::Internal(anyhow::anyhow!("bad stored hash: {e}")))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && stored != DUMMY_HASH)
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
}

/// A valid argon2id hash of a random string nobody knows, with default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2vLkJd4h0Qv4z8yYtCk6m3M8Hn0bq3V2Yk1Q9kL5n0E";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("correct horse batterY".into(), Some(h)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
