//! Demonstration members, loaded with `--demo` so a newcomer has someone to
//! sign in as. Loading is idempotent: existing members are left alone.


use crate::db::Flag;
use crate::accounts::{self, NewAccount};
use crate::error::Error;
use crate::clock;
use crate::db::Db;
use crate::password::Passwords;
use crate::public_url::PublicUrl;

/// The password every demonstration member has.
pub const DEMO_PASSWORD: &str = "curtain-demo";

/// `(username, e-mail, birth date, what makes them interesting)`.
pub const MEMBERS: &[(&str, &str, &str, &str)] = &[
    ("ana", "ana@example.org", "1991-04-12", "an open profile: location, about and watch history for everyone"),
    ("bruno", "bruno@example.org", "1985-09-30", "a private account; ana's request to follow him awaits his answer"),
    ("chloe", "chloe@example.org", "2010-02-14", "a minor: private and undiscoverable by default"),
];

/// Loads the members, their data and the demonstration's messages, whose
/// links start with `site` (the address the demo is reached at).
pub async fn load(db: &Db, site: &PublicUrl) -> anyhow::Result<()> {
    let today = clock::today();
    let passwords = Passwords::default();
    for (username, email, birth, _) in MEMBERS {
        let Flag(exists): Flag = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM users WHERE username_key = $1)")
            .bind(accounts::key(username))
            .fetch_one(db.read())
            .await?;
        if exists {
            continue;
        }
        let birth_date = curtain_api::CivilDate::parse(birth).expect("demo birth dates are valid");
        let minor = curtain_api::validate::age_gate(birth_date, today) == curtain_api::validate::AgeGate::Minor;
        let hash = passwords.hash(DEMO_PASSWORD.into()).await.map_err(anyhow_from)?;
        let mut tx = db.begin_write().await.map_err(anyhow_from)?;
        let user_id = accounts::create(
            &mut tx,
            NewAccount {
                username,
                email,
                password_hash: &hash,
                birth_date: birth,
                minor,
                accepted_policy_version: 1,
                created_at: clock::now(),
                language: None,
            },
        )
        .await
        .map_err(anyhow_from)?;
        // Every demo member agreed to version 1 at sign-up, so signing in as
        // one shows the banner about the later material change.
        crate::policy::store::record_acceptance(&mut tx, user_id, 1, crate::policy::store::AcceptedBy::Signup, clock::now())
            .await?;
        // Demonstration addresses count as confirmed, so ana's newsletter goes out.
        sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2").bind(clock::now()).bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    // An announced version a month ahead, for the "upcoming" notice.
    crate::policy::store::load_demo_upcoming(db, site, clock::now()).await?;
    // ana has the newsletter on and one in the outbox, to try its unsubscribe link.
    crate::outbox::load_demo(db, site).await.map_err(anyhow_from)?;
    // Profiles whose visibility differs, follows and watch history.
    crate::profiles::load_demo(db).await.map_err(anyhow_from)?;
    Ok(())
}

fn anyhow_from(e: Error) -> anyhow::Error {
    match e {
        Error::Internal(e) => e,
        other => anyhow::anyhow!("{other}"),
    }
}

/// The lines `serve --demo` prints so people know how to sign in.
pub fn sign_in_help() -> String {
    let mut s = String::from("Demo members (password \"curtain-demo\"):\n");
    for (username, _, _, what) in MEMBERS {
        s.push_str(&format!("  {username:<8} {what}\n"));
    }
    s
}
