//! The messages Curtain would send by e-mail. No mail leaves the server:
//! each message is written to the `outbox` table (the log records only that
//! one was written, never its address or text), so a link in
//! it (an unsubscribe link, say) can be followed end to end.
//!
//! A message to a member is written in the member's language: the one they
//! chose in their account, else the language of the page the action came
//! from (the request's), else English ([`language_of`]). Its subject, text,
//! dates and links (`/de/...`) all follow it; the English sentences are the
//! source and `locales/*.json` their translations (see `i18n`).

use crate::db::Flag;
use curtain_api::CivilDate;
use curtain_ui::Lang;
use sqlx::{AnyConnection, AnyPool};

use crate::i18n::text;

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

/// The language to write to a member in: the one stored in their account,
/// else the request's (the page the action came from), else English.
pub async fn language_of(tx: &mut AnyConnection, user_id: i64) -> Result<Lang> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT language FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
    Ok(stored.flatten().as_deref().and_then(Lang::from_tag).unwrap_or_else(crate::i18n::request_lang))
}

/// `path` (a page of the app, with any query) under `site`, in `lang`:
/// `https://curtain.example/de/verify-email/…`; English has no prefix.
pub fn page_link(site: &str, path: &str, lang: Lang) -> String {
    format!("{}{}", site.trim_end_matches('/'), lang.path(path))
}

/// The unsubscribe link for a token, under `site` (e.g. `https://curtain.example`).
pub fn unsubscribe_link(site: &str, token: &str, lang: Lang) -> String {
    page_link(site, &format!("/unsubscribe/{token}"), lang)
}

/// The newsletter as one member receives it: the text, then why they get it
/// and the one-click way to stop (in the member's language; the text is
/// the newsletter's own).
pub fn newsletter_body(body: &str, site: &str, token: &str, lang: Lang) -> String {
    format!(
        "{}\n\n--\n{}\n{}\n",
        body.trim_end(),
        text(lang, "You receive this because you turned on the Curtain newsletter in your e-mail settings.", &[]),
        text(lang, "Unsubscribe with one click (no sign-in needed): {}", &[&unsubscribe_link(site, token, lang)]),
    )
}

/// Sends the newsletter to every member who turned it on and confirmed
/// their address (double opt-in), each with their own unsubscribe link.
/// Returns how many were sent.
pub async fn send_newsletter(db: &Db, subject: &str, text: &str, site: &str) -> Result<u64> {
    // One transaction: every subscriber gets it, or (on failure) nobody does,
    // so sending again never sends twice.
    let mut tx = db.begin_write().await?;
    let recipients: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT u.id, u.email, p.unsubscribe_token, u.language FROM email_preferences p JOIN users u ON u.id = p.user_id
         WHERE p.newsletter AND u.email_verified_at IS NOT NULL ORDER BY u.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (user_id, email, token, language) in &recipients {
        let lang = language.as_deref().and_then(Lang::from_tag).unwrap_or_default();
        let body = newsletter_body(text, site, token, lang);
        send(&mut tx, Message { user_id: Some(*user_id), kind: "newsletter", to: email, subject, body: &body }).await?;
    }
    tx.commit().await?;
    Ok(recipients.len() as u64)
}

/// Tells the old address that the account's address was changed, so a
/// member whose account was taken over hears of it.
pub async fn email_changed_notice(tx: &mut AnyConnection, user_id: i64, old: &str, new: &str) -> Result<()> {
    let lang = language_of(tx, user_id).await?;
    let body = format!(
        "{}\n{}\n",
        text(lang, "The e-mail address of your Curtain account was changed to {}.", &[&email_preferences::mask_email(new)]),
        text(lang, "If you did not do this, reply to this message and we will help you get your account back.", &[]),
    );
    let subject = text(lang, "Your Curtain e-mail address was changed", &[]);
    send(tx, Message { user_id: Some(user_id), kind: "email_changed", to: old, subject: &subject, body: &body }).await?;
    Ok(())
}

/// Tells the member their password was changed, so a change they did not
/// make does not go unnoticed.
pub async fn password_changed_notice(tx: &mut AnyConnection, user_id: i64, to: &str, other_sessions_ended: u64) -> Result<()> {
    let lang = language_of(tx, user_id).await?;
    let body = format!(
        "{}\n{}\n",
        text(
            lang,
            "The password of your Curtain account was just changed, and {other_sessions_ended} other sign-in session(s) were ended.",
            &[&other_sessions_ended]
        ),
        text(lang, "If you did not do this, reset your password at once and reply to this message.", &[]),
    );
    let subject = text(lang, "Your Curtain password was changed", &[]);
    send(tx, Message { user_id: Some(user_id), kind: "password_changed", to, subject: &subject, body: &body }).await?;
    Ok(())
}

/// A material version of the privacy policy, as its notice tells members of it.
#[derive(Debug, Clone, Copy)]
pub struct PolicyChange<'a> {
    pub version: u32,
    pub effective: CivilDate,
    pub summary: &'a str,
    /// Why it takes effect with less notice than a material change needs.
    pub urgent_reason: Option<&'a str>,
    /// The version in force when it was published: the comparison starts there.
    pub in_force: Option<u32>,
}

/// The notice's subject in `lang`: "Our privacy policy changes on 1 June 2026".
pub fn policy_change_subject(change: &PolicyChange<'_>, lang: Lang) -> String {
    let date = curtain_ui::policy::long_date(&change.effective.to_string(), lang);
    text(lang, "Our privacy policy changes on {}", &[&date])
}

/// The notice's text in `lang`: the version, its date, its summary (as
/// given: the caller passes the summary in `lang` where there is one), the
/// urgent reason, and links to the version and to what changes, under
/// `site`, in `lang`.
pub fn policy_change_body(change: &PolicyChange<'_>, site: &PublicUrl, lang: Lang) -> String {
    let n = change.version;
    let date = curtain_ui::policy::long_date(&change.effective.to_string(), lang);
    let mut body = format!(
        "{}\n\n{}\n",
        text(lang, "We are changing the Curtain privacy policy. Version {} takes effect on {}.", &[&n, &date]),
        text(lang, "What changes: {}", &[&change.summary.trim()]),
    );
    if let Some(reason) = change.urgent_reason {
        body.push_str(&format!("\n{}\n", curtain_ui::policy::urgent_sentence(reason.trim(), lang)));
    }
    let read = site.link(&lang.path(&format!("/privacy/v/{n}")));
    body.push_str(&format!("\n{}\n", text(lang, "Read version {}: {}", &[&n, &read])));
    if let Some(from) = change.in_force.filter(|from| *from != n) {
        let compare = curtain_ui::compare::compare_address(from, n, curtain_ui::diff::DiffLayout::Inline);
        let compare = site.link(&lang.path(&compare));
        body.push_str(&format!(
            "{}\n",
            text(lang, "See every word that changes from version {}, the one in force now: {}", &[&from, &compare])
        ));
    }
    body.push_str(&format!(
        "\n--\n{}\n",
        text(
            lang,
            "You receive this because you have a Curtain account. It is a notice about how we handle your information, not marketing, so it is sent whatever your e-mail settings say.",
            &[]
        )
    ));
    body
}

/// Tells every member of a material policy version: one message each, to
/// the account's current address, whatever their e-mail preferences (those
/// are for marketing), in the member's language (English for a member who
/// chose none). Accounts without an address of their own are left out, as
/// for the other notices; deleted accounts have no row. One statement per
/// language in the caller's write transaction, so a publish that fails
/// tells nobody. The summary is the version's own, in English. Returns how
/// many were told.
pub async fn policy_change_notice(
    tx: &mut AnyConnection,
    change: &PolicyChange<'_>,
    site: &PublicUrl,
    now: i64,
) -> Result<u64> {
    policy_change_notice_in(tx, change, site, now, |_| None).await
}

/// [`policy_change_notice`] with the summary in each language:
/// `summary_in(lang)` is the version's summary translated into `lang`, or
/// `None` where there is no translation (the English summary is used).
pub async fn policy_change_notice_in(
    tx: &mut AnyConnection,
    change: &PolicyChange<'_>,
    site: &PublicUrl,
    now: i64,
    summary_in: impl Fn(Lang) -> Option<String>,
) -> Result<u64> {
    // The tags other than English, written into the statement: constants of ours, not input.
    let others: Vec<String> = Lang::ALL.iter().filter(|l| **l != Lang::En).map(|l| format!("'{}'", l.tag())).collect();
    let mut told = 0;
    for lang in Lang::ALL {
        let summary = summary_in(lang).filter(|s| !s.trim().is_empty());
        let change = PolicyChange { summary: summary.as_deref().unwrap_or(change.summary), ..*change };
        let subject = policy_change_subject(&change, lang);
        let body = policy_change_body(&change, site, lang);
        // English for whoever chose English, chose nothing, or holds a tag we no longer speak.
        let whose = match lang {
            Lang::En => format!("(language IS NULL OR language NOT IN ({}))", others.join(", ")),
            _ => "language = $5".to_string(),
        };
        let sql = format!(
            "INSERT INTO outbox (user_id, kind, to_address, subject, body, created_at)
             SELECT id, $1, email, $2, $3, $4 FROM users WHERE email <> '' AND {whose} ORDER BY id"
        );
        let mut statement = sqlx::query(&sql)
        .bind(POLICY_CHANGE)
        .bind(&subject)
        .bind(&body)
        .bind(now);
        if lang != Lang::En {
            statement = statement.bind(lang.tag());
        }
        told += statement.execute(&mut *tx).await?.rows_affected();
    }
    // As in `send`: how many and what kind, never to whom.
    tracing::info!(messages = told, kind = POLICY_CHANGE, version = change.version, "messages written to the outbox");
    Ok(told)
}

/// The outbox `kind` of a policy change notice.
pub const POLICY_CHANGE: &str = "policy_change";

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
        Lang::En,
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
        let body = newsletter_body("New this week.\n", "http://127.0.0.1:8080/", "tok", Lang::En);
        assert!(body.starts_with("New this week.\n\n"));
        assert!(body.contains("http://127.0.0.1:8080/unsubscribe/tok\n"), "{body}");
    }

    fn change(urgent_reason: Option<&str>) -> PolicyChange<'_> {
        PolicyChange {
            version: 7,
            effective: CivilDate::parse("2026-06-01").unwrap(),
            summary: "Adds an optional analytics cookie category.",
            urgent_reason,
            in_force: Some(5),
        }
    }

    #[test]
    fn a_policy_change_notice_names_the_version_its_date_and_summary() {
        let site = PublicUrl::parse("https://curtain.example/").unwrap();
        let notice = change(None);
        assert_eq!(policy_change_subject(&notice, Lang::En), "Our privacy policy changes on 1 June 2026");
        let body = policy_change_body(&notice, &site, Lang::En);
        assert!(body.contains("Version 7 takes effect on 1 June 2026."), "{body}");
        assert!(!body.contains("2026-06-01"), "the date is written as a person reads it: {body}");
        assert!(body.contains("What changes: Adds an optional analytics cookie category.\n"), "{body}");
        assert!(!body.contains("notice because"), "no urgent reason was given: {body}");
        assert!(body.contains("not marketing"), "{body}");
        assert!(!body.contains('<'), "plain text: {body}");
    }

    #[test]
    fn a_policy_change_notice_links_the_version_and_the_comparison_on_the_public_site() {
        let site = PublicUrl::parse("https://curtain.example/").unwrap();
        let body = policy_change_body(&change(None), &site, Lang::En);
        let links: Vec<&str> = body.split_whitespace().filter(|w| w.contains("://")).collect();
        assert_eq!(
            links,
            ["https://curtain.example/privacy/v/7", "https://curtain.example/privacy/compare?from=5&to=7"],
            "{body}"
        );
        // The comparison is the compare page's own address for the pair.
        let compare = curtain_ui::compare::compare_address(5, 7, curtain_ui::diff::DiffLayout::Inline);
        assert!(body.contains(&format!("https://curtain.example{compare}\n")), "{body}");
        // Under another address, every link follows it.
        let local = PublicUrl::for_addr("127.0.0.1:41234".parse().unwrap());
        let body = policy_change_body(&change(None), &local, Lang::En);
        assert!(body.contains("Read version 7: http://127.0.0.1:41234/privacy/v/7\n"), "{body}");
        assert!(body.contains(": http://127.0.0.1:41234/privacy/compare?from=5&to=7\n"), "{body}");
        assert!(!body.contains("curtain.example"), "{body}");
    }

    #[test]
    fn a_policy_change_notice_gives_the_urgent_reason() {
        let site = PublicUrl::parse("https://curtain.example").unwrap();
        let body = policy_change_body(&change(Some("  A new law requires it next week.  ")), &site, Lang::En);
        assert!(
            body.contains("\nAnnounced with less than 30 days' notice because: A new law requires it next week.\n"),
            "{body}"
        );
        assert_eq!(body.matches("A new law").count(), 1, "{body}");
    }

    #[test]
    fn a_policy_change_notice_in_german_has_german_words_dates_and_links() {
        let site = PublicUrl::parse("https://curtain.example").unwrap();
        assert_eq!(policy_change_subject(&change(None), Lang::De), "Unsere Datenschutzerklärung ändert sich am 1. Juni 2026");
        let body = policy_change_body(&change(None), &site, Lang::De);
        assert!(body.contains("1. Juni 2026"), "{body}");
        assert!(body.contains("https://curtain.example/de/privacy/v/7\n"), "{body}");
        assert!(body.contains("https://curtain.example/de/privacy/compare?from=5&to=7\n"), "{body}");
        assert!(!body.contains("You receive this"), "{body}");
        let body = policy_change_body(&change(None), &site, Lang::PtBr);
        assert!(body.contains("1 de junho de 2026") && body.contains("/pt-BR/privacy/v/7"), "{body}");
    }

    #[test]
    fn without_a_version_in_force_there_is_nothing_to_compare() {
        let site = PublicUrl::parse("https://curtain.example").unwrap();
        let body = policy_change_body(&PolicyChange { in_force: None, ..change(None) }, &site, Lang::En);
        assert!(body.contains("https://curtain.example/privacy/v/7"), "{body}");
        assert!(!body.contains("/privacy/compare"), "{body}");
    }
}
