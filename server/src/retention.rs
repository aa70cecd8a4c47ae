//! How long Curtain keeps each kind of record, and the purge that keeps to it.
//!
//! [`RULES`] is the one description of the periods. The purge deletes by it,
//! "Your data" shows it (`GET /api/retention`), and a test below checks that
//! the retention section of the newest shipped policy states every period in
//! it, so that the policy and the code cannot drift apart. Another test checks
//! that every table is covered by a rule, so a new table needs a period.
//!
//! The purge runs inside the server (at start, then every [`PURGE_EVERY`],
//! see [`run_on_schedule`]) and as `curtain-server purge`. It works in
//! batches of at most [`BATCH`] rows, each its own write transaction, so it
//! never holds the writer for long. It touches no profile data (see the
//! profile cache), only the tables named below.

use std::time::Duration;

use curtain_api::retention::{Retention, RetentionPeriod};
use curtain_api::CivilDate;
use curtain_ui::Lang;
use sqlx::AnyConnection;

use crate::clock;
use crate::db::Db;
use crate::error::Result;
use crate::i18n;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How often the server looks for records past their period. The policy
/// promises they go within this long after it ends.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Rows deleted (or cleared) per write transaction.
pub const BATCH: i64 = 500;

/// A kind of record with a retention period of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The account, profile, settings, follows and watch history.
    Account,
    PolicyAcceptances,
    Sessions,
    SigninLog,
    SigninFailures,
    ConsentReceipts,
    Outbox,
    ChildReports,
    /// The IP address a parent's report came from (cleared before the
    /// report itself goes).
    ChildReportIps,
    PageViews,
    /// Confirmation links for e-mail addresses, and the record of sending them.
    ConfirmationLinks,
    /// Per-connection request counts behind the rate limits.
    RequestCounts,
    /// What was decided on a parent's report (no names or addresses).
    ReportDecisions,
    /// Requests sent with the privacy request form.
    PrivacyRequests,
}

/// How long a kind of record is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// For as long as the account exists; deleted with it.
    WhileAccount,
    /// Until the thing it records ends (the words say what ends); deleted then.
    Until(&'static str),
    /// This many days after the moment the words name.
    For { days: u32, after: &'static str },
}

/// One kind of record and how long it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub kind: Kind,
    /// A stable name for the wire, e.g. `signin_log`.
    pub key: &'static str,
    /// What people call it; the policy's retention section uses this name.
    pub name: &'static str,
    /// What it holds, in a few words.
    pub detail: &'static str,
    pub kept: Kept,
    /// The tables that hold it (for the check that every table has a rule).
    pub tables: &'static [&'static str],
    /// The sections of the member's export it shows in.
    pub export_sections: &'static [&'static str],
}

/// Every kind of record Curtain keeps, in the order the policy lists them.
pub const RULES: &[Rule] = &[
    Rule {
        kind: Kind::Account,
        key: "account",
        name: "Your account and profile",
        detail: "your username, e-mail address and date of birth, your profile, privacy and e-mail settings, \
                 your follows and your watch history",
        kept: Kept::WhileAccount,
        tables: &[
            "users",
            "profiles",
            "follows",
            "watch_history",
            "email_preferences",
            // The member-search index of usernames and display names, and
            // the tables SQLite keeps it in.
            "member_search",
            "member_search_config",
            "member_search_content",
            "member_search_data",
            "member_search_docsize",
            "member_search_idx",
        ],
        export_sections: &["account", "profiles", "follows", "watch_history", "email_preferences"],
    },
    Rule {
        kind: Kind::PolicyAcceptances,
        key: "policy_acceptances",
        name: "Policy acknowledgements",
        detail: "which versions of this policy you accepted, and when",
        kept: Kept::WhileAccount,
        tables: &["policy_acceptances"],
        export_sections: &["policy_acceptances"],
    },
    Rule {
        kind: Kind::Sessions,
        key: "sessions",
        name: "Sign-in sessions",
        detail: "the IP address and browser of each device you are signed in on, and when it was last used; \
                 a session ends when you sign out, after 12 hours unused, or 30 days after a sign-in with \
                 \"keep me signed in\"",
        kept: Kept::Until("the session ends"),
        tables: &["sessions"],
        export_sections: &["sessions", "ended_sessions"],
    },
    Rule {
        kind: Kind::SigninLog,
        key: "signin_log",
        name: "Sign-in log",
        detail: "the time, IP address and browser of each sign-in, so that you can spot one that was not you",
        kept: Kept::For { days: 365, after: "the sign-in" },
        tables: &["signin_log"],
        export_sections: &["signin_log"],
    },
    Rule {
        kind: Kind::SigninFailures,
        key: "signin_failures",
        name: "Failed sign-ins",
        detail: "the account it was for (or what was typed, if it names no account), the IP address and the time, \
                 to slow down password guessing",
        kept: Kept::For { days: 1, after: "the attempt" },
        tables: &["signin_failures"],
        export_sections: &["failed_signins"],
    },
    Rule {
        kind: Kind::ConsentReceipts,
        key: "consent_receipts",
        name: "Cookie consent receipts",
        detail: "each answer to the cookie banner, as proof of what was chosen; an answer lasts 182 days",
        kept: Kept::For { days: 365, after: "the answer expires" },
        tables: &["consent_receipts"],
        export_sections: &["consent_receipts"],
    },
    Rule {
        kind: Kind::Outbox,
        key: "outbox",
        name: "Copies of e-mail we send",
        detail: "the address, subject and text of each message",
        kept: Kept::For { days: 30, after: "it is sent" },
        tables: &["outbox"],
        export_sections: &["outbox"],
    },
    Rule {
        kind: Kind::ChildReports,
        key: "child_reports",
        name: "Parents' reports",
        detail: "the username reported, and the e-mail address and message of the person who reported it",
        kept: Kept::For { days: 365, after: "the report" },
        tables: &["child_reports"],
        export_sections: &["reports_sent"],
    },
    Rule {
        kind: Kind::ChildReportIps,
        key: "child_report_ips",
        name: "IP addresses on parents' reports",
        detail: "the connection a report came from, to look into misuse of the report form",
        kept: Kept::For { days: 90, after: "the report" },
        tables: &[],
        export_sections: &[],
    },
    Rule {
        kind: Kind::ReportDecisions,
        key: "report_decisions",
        name: "Decisions on parents' reports",
        detail: "whether we deleted the account or not, when, and a note without names or addresses",
        kept: Kept::For { days: 1095, after: "the decision" },
        tables: &["report_decisions"],
        export_sections: &[],
    },
    Rule {
        kind: Kind::PrivacyRequests,
        key: "privacy_requests",
        name: "Privacy requests",
        detail: "the kind of request, the e-mail address and message, and when we answered; \
                 one sent while signed in goes with the account",
        kept: Kept::For { days: 730, after: "we answer" },
        tables: &["privacy_requests"],
        export_sections: &["privacy_requests"],
    },
    Rule {
        kind: Kind::PageViews,
        key: "page_views",
        name: "Page-view counts",
        detail: "a total per page and day, with nothing about who viewed, counted only with analytics consent",
        kept: Kept::For { days: 730, after: "the end of the day" },
        tables: &["page_views"],
        export_sections: &[],
    },
    Rule {
        kind: Kind::ConfirmationLinks,
        key: "confirmation_links",
        name: "E-mail confirmation links",
        detail: "a fingerprint of each link we send to confirm an address, the address, and when we sent it",
        kept: Kept::For { days: 7, after: "it is sent" },
        tables: &["email_tokens", "email_sends"],
        export_sections: &["email_tokens", "email_sends"],
    },
    Rule {
        kind: Kind::RequestCounts,
        key: "request_counts",
        name: "Request counts per connection",
        detail: "how many requests of a kind (answers to the cookie banner, page views, reports, privacy requests) \
                 one IP address sent, to stop floods",
        kept: Kept::Until("its counting window ends, an hour at most"),
        tables: &["request_counts"],
        export_sections: &[],
    },
];

/// Tables that hold nothing about anyone, so need no period: what was
/// published, kept for good.
pub const NOT_PERSONAL: &[&str] = &["policy_versions", "policy_translations", "consent_revisions"];

/// A number of days as the policy writes it: "one day", "90 days", "two years".
pub fn days_in_words(days: u32) -> String {
    const SMALL: [&str; 11] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    let (n, unit) = if days > 0 && days.is_multiple_of(365) { (days / 365, "year") } else { (days, "day") };
    let number = SMALL.get(n as usize).map_or_else(|| n.to_string(), |w| w.to_string());
    format!("{number} {unit}{}", if n == 1 { "" } else { "s" })
}

impl Kept {
    /// In words, as the policy and "Your data" say it.
    pub fn words(&self) -> String {
        match self {
            Kept::WhileAccount => "as long as you have an account".into(),
            Kept::Until(ends) => format!("until {ends}"),
            Kept::For { days, after } => format!("{} after {after}", days_in_words(*days)),
        }
    }

    /// [`Kept::words`] in `lang`, as the server's catalogue translates them.
    pub fn words_in(&self, lang: Lang) -> String {
        i18n::translate(lang, &self.words())
    }

    /// The period in days, when it is a fixed one.
    pub fn days(&self) -> Option<u32> {
        match self {
            Kept::For { days, .. } => Some(*days),
            _ => None,
        }
    }
}

impl Rule {
    /// The latest moment at which a record's clock may have started for it
    /// to be due at `now`: a record whose clock started then or earlier goes.
    /// What starts the clock is the moment the words name (the sign-in, the
    /// end of the session, the expiry of the answer, the end of the day).
    /// `None` when the purge never removes it (it goes with the account).
    pub fn due_if_started_by(&self, now: i64) -> Option<i64> {
        match self.kept {
            Kept::WhileAccount => None,
            Kept::Until(_) => Some(now),
            Kept::For { days, .. } => Some(now - i64::from(days) * DAY),
        }
    }

    /// What the purge does to a record that is due.
    pub fn action(&self) -> &'static str {
        match self.kind {
            Kind::ChildReportIps => "cleared",
            _ => "deleted",
        }
    }

    /// [`Rule::detail`] as one line.
    pub fn detail_line(&self) -> String {
        self.detail.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The English words of the rule that people read (name, detail and
    /// period), each an entry of the server's catalogues.
    pub fn sentences(&self) -> [String; 3] {
        [self.name.to_string(), self.detail_line(), self.kept.words()]
    }

    /// The rule's wire form, in the language of the request.
    pub fn to_wire(&self) -> RetentionPeriod {
        self.to_wire_in(i18n::request_lang())
    }

    /// The rule's wire form in `lang`.
    pub fn to_wire_in(&self, lang: Lang) -> RetentionPeriod {
        RetentionPeriod {
            kind: self.key.into(),
            name: i18n::translate(lang, self.name),
            detail: i18n::translate(lang, &self.detail_line()),
            kept: self.kept.words_in(lang),
            days: self.kept.days(),
            export_sections: self.export_sections.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// `GET /api/retention`'s answer, in the language of the request.
pub fn retention() -> Retention {
    retention_in(i18n::request_lang())
}

/// `GET /api/retention`'s answer in `lang`.
pub fn retention_in(lang: Lang) -> Retention {
    Retention {
        periods: RULES.iter().map(|rule| rule.to_wire_in(lang)).collect(),
        purged_every_minutes: (PURGE_EVERY.as_secs() / 60) as u32,
    }
}

/// What one purge removed: for each rule with a period, how many records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub removed: Vec<(&'static Rule, u64)>,
    /// False when the purge was asked to stop before it got through every rule.
    pub complete: bool,
}

impl Purged {
    /// Records removed in all.
    pub fn total(&self) -> u64 {
        self.removed.iter().map(|(_, n)| n).sum()
    }

    /// `key: n deleted` for each kind with something removed, for the log.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .removed
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(rule, n)| format!("{}: {n} {}", rule.key, rule.action()))
            .collect();
        if parts.is_empty() { "nothing".into() } else { parts.join(", ") }
    }

    /// How many records of `kind` were removed.
    pub fn of(&self, kind: Kind) -> u64 {
        self.removed.iter().filter(|(r, _)| r.kind == kind).map(|(_, n)| n).sum()
    }
}

/// Removes every record past its period at `now`: deletes it, or for the IP
/// address on a parent's report, clears it. In batches, each its own write
/// transaction.
pub async fn purge(db: &Db, now: i64) -> Result<Purged> {
    purge_unless_stopped(db, now, || false).await
}

/// [`purge`] that checks `stopped` before each batch and, once it says so,
/// ends after the batch it was in (every batch is whole or not at all).
async fn purge_unless_stopped(db: &Db, now: i64, stopped: impl Fn() -> bool) -> Result<Purged> {
    let mut removed = Vec::new();
    for rule in RULES {
        let Some(cutoff) = rule.due_if_started_by(now) else { continue };
        let mut count = 0;
        loop {
            if stopped() {
                removed.push((rule, count));
                return Ok(Purged { removed, complete: false });
            }
            let mut tx = db.begin_write().await?;
            let n = purge_batch(&mut tx, rule.kind, cutoff).await?;
            tx.commit().await?;
            count += n;
            if n < BATCH as u64 {
                break;
            }
            // Let requests waiting for the writer go first.
            tokio::task::yield_now().await;
        }
        removed.push((rule, count));
    }
    Ok(Purged { removed, complete: true })
}

/// Removes at most [`BATCH`] records of `kind` whose clock started at or
/// before `cutoff`, in the caller's write transaction. Returns how many.
async fn purge_batch(tx: &mut AnyConnection, kind: Kind, cutoff: i64) -> Result<u64> {
    // Each statement picks its batch through the time column's index.
    let (sql, bound): (&str, Bound) = match kind {
        Kind::Account | Kind::PolicyAcceptances => return Ok(0),
        Kind::Sessions => (
            "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        Kind::SigninLog => (
            "DELETE FROM signin_log WHERE id IN (SELECT id FROM signin_log WHERE at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        Kind::SigninFailures => (
            "DELETE FROM signin_failures WHERE id IN (SELECT id FROM signin_failures WHERE at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        // The clock starts when the answer expires, a consent lifetime after it was given.
        Kind::ConsentReceipts => (
            "DELETE FROM consent_receipts WHERE id IN (SELECT id FROM consent_receipts WHERE recorded_at <= $1 LIMIT $2)",
            Bound::Time(cutoff - curtain_api::consent::CONSENT_LIFETIME_SECONDS),
        ),
        Kind::Outbox => (
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        Kind::ChildReports => (
            "DELETE FROM child_reports WHERE id IN (SELECT id FROM child_reports WHERE created_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        // The column is NOT NULL: an empty address is a cleared one.
        Kind::ChildReportIps => (
            "UPDATE child_reports SET ip = '' WHERE id IN
               (SELECT id FROM child_reports WHERE created_at <= $1 AND ip <> '' LIMIT $2)",
            Bound::Time(cutoff),
        ),
        Kind::ConfirmationLinks => {
            // A link stops working after the same 7 days; the record of a send
            // is needed for an hour (the resend limit).
            let tokens = sqlx::query(
                "DELETE FROM email_tokens WHERE id IN (SELECT id FROM email_tokens WHERE created_at <= $1 LIMIT $2)",
            )
            .bind(cutoff)
            .bind(BATCH)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let sends =
                sqlx::query("DELETE FROM email_sends WHERE id IN (SELECT id FROM email_sends WHERE at <= $1 LIMIT $2)")
                    .bind(cutoff)
                    .bind(BATCH - tokens as i64)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            return Ok(tokens + sends);
        }
        Kind::RequestCounts => (
            "DELETE FROM request_counts WHERE (kind, address, window_ends_at) IN
               (SELECT kind, address, window_ends_at FROM request_counts WHERE window_ends_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        Kind::ReportDecisions => (
            "DELETE FROM report_decisions WHERE id IN (SELECT id FROM report_decisions WHERE decided_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        // An unanswered request is kept until it is answered.
        Kind::PrivacyRequests => (
            "DELETE FROM privacy_requests WHERE id IN
               (SELECT id FROM privacy_requests WHERE answered_at IS NOT NULL AND answered_at <= $1 LIMIT $2)",
            Bound::Time(cutoff),
        ),
        // The clock starts when the day ends: a day is due once its end is.
        Kind::PageViews => (
            "DELETE FROM page_views WHERE (path, day) IN (SELECT path, day FROM page_views WHERE day <= $1 LIMIT $2)",
            Bound::Day(last_day_ended_by(cutoff).to_string()),
        ),
    };
    let query = sqlx::query(sql);
    let query = match bound {
        Bound::Time(t) => query.bind(t),
        Bound::Day(d) => query.bind(d),
    };
    Ok(query.bind(BATCH).execute(tx).await?.rows_affected())
}

/// What a batch's statement compares with.
enum Bound {
    /// Unix seconds.
    Time(i64),
    /// `YYYY-MM-DD`.
    Day(String),
}

/// The last day (UTC) whose end is at or before `t`: the day before the one
/// `t` falls in (a day ends at the first second of the next).
pub fn last_day_ended_by(t: i64) -> CivilDate {
    CivilDate::from_unix_days(t.div_euclid(DAY) - 1)
}

/// The purge on a schedule, as the server runs it: at once, then every
/// [`PURGE_EVERY`], until `stop` turns true (or its sender is gone). A purge
/// in progress then ends after its current batch, so the database can close.
pub async fn run_on_schedule(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let result = {
            let stop = stop.clone();
            purge_unless_stopped(&db, clock::now(), move || *stop.borrow()).await
        };
        match result {
            Ok(purged) if purged.total() > 0 => {
                tracing::info!(removed = %purged.summary(), "records past their retention period removed");
            }
            Ok(_) => {}
            // Busy or failing: nothing half-done (each batch is a transaction); next time, again.
            Err(e) => tracing::warn!(error = ?e, "the retention purge did not finish; it runs again within the hour"),
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(PURGE_EVERY) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{document, published, render};

    #[test]
    fn periods_read_as_the_policy_writes_them() {
        assert_eq!(days_in_words(1), "one day");
        assert_eq!(days_in_words(30), "30 days");
        assert_eq!(days_in_words(90), "90 days");
        assert_eq!(days_in_words(365), "one year");
        assert_eq!(days_in_words(730), "two years");
        assert_eq!(days_in_words(7), "seven days");
        assert_eq!(Kept::For { days: 365, after: "the sign-in" }.words(), "one year after the sign-in");
        assert_eq!(Kept::Until("the session ends").words(), "until the session ends");
        assert_eq!(Kept::WhileAccount.words(), "as long as you have an account");
    }

    #[test]
    fn a_record_is_due_exactly_when_its_period_has_passed() {
        let rule = |key| RULES.iter().find(|r| r.key == key).unwrap();
        let now = 1_000_000_000;
        assert_eq!(rule("signin_log").due_if_started_by(now), Some(now - 365 * DAY));
        assert_eq!(rule("outbox").due_if_started_by(now), Some(now - 30 * DAY));
        assert_eq!(rule("sessions").due_if_started_by(now), Some(now), "a session goes as it ends");
        assert_eq!(rule("account").due_if_started_by(now), None);
        assert_eq!(rule("policy_acceptances").due_if_started_by(now), None);
        assert_eq!(rule("child_report_ips").action(), "cleared");
    }

    #[test]
    fn a_day_has_ended_from_the_first_second_of_the_next() {
        let midnight = 20_000 * DAY;
        let day = |t| last_day_ended_by(t).to_string();
        assert_eq!(day(midnight), CivilDate::from_unix_days(19_999).to_string());
        assert_eq!(day(midnight - 1), CivilDate::from_unix_days(19_998).to_string());
        assert_eq!(day(midnight + DAY - 1), CivilDate::from_unix_days(19_999).to_string());
    }

    #[test]
    fn every_rule_has_its_own_key_and_name_and_says_what_it_holds() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(!rule.detail.trim().is_empty() && !rule.name.is_empty(), "{rule:?}");
            assert!(RULES[..i].iter().all(|r| r.key != rule.key && r.name != rule.name && r.kind != rule.kind), "{rule:?}");
        }
        let wire = retention();
        assert_eq!(wire.periods.len(), RULES.len());
        assert_eq!(wire.purged_every_minutes, 60);
        let log = wire.periods.iter().find(|p| p.kind == "signin_log").unwrap();
        assert_eq!((log.kept.as_str(), log.days), ("one year after the sign-in", Some(365)));
        assert!(!wire.periods[0].detail.contains("  "), "the detail reads as one line");
    }

    #[test]
    fn the_periods_agree_with_what_the_code_relies_on() {
        let rule = |kind| RULES.iter().find(|r| r.kind == kind).unwrap();
        let days = |kind| i64::from(rule(kind).kept.days().unwrap());
        // A failure must be kept as long as it counts towards the sign-in limit.
        assert!(days(Kind::SigninFailures) * DAY >= crate::rate_limit::WINDOW_SECONDS);
        // And a report's address as long as it counts towards the report limit.
        assert!(days(Kind::ChildReportIps) * DAY >= crate::rate_limit::CHILD_REPORTS.window_seconds);
        // The address goes before the report.
        assert!(days(Kind::ChildReportIps) < days(Kind::ChildReports));
        // What the details say about other parts of the code is true.
        let lifetime_days = curtain_api::consent::CONSENT_LIFETIME_SECONDS / DAY;
        assert!(rule(Kind::ConsentReceipts).detail.contains(&format!("lasts {lifetime_days} days")));
        let sessions = rule(Kind::Sessions).detail;
        assert!(sessions.contains(&format!("after {} hours unused", crate::session::IDLE_SECONDS / 3600)));
        assert!(sessions.contains(&format!("{} days after a sign-in", crate::session::PERSISTENT_SECONDS / DAY)));
    }

    /// The retention section of the newest shipped version, as plain text,
    /// one line per paragraph or list item.
    fn newest_retention_section() -> (String, String) {
        let (name, text) = published::PUBLISHED.last().unwrap();
        let version = document::parse(text).unwrap();
        let section = version.sections.iter().find(|s| s.id == "retention").unwrap_or_else(|| panic!("{name} has no #retention"));
        (name.to_string(), render::plain_text(&section.markdown))
    }

    // promise: retention-periods
    #[test]
    fn the_newest_policy_states_every_period_in_the_table() {
        let (name, text) = newest_retention_section();
        let lines: Vec<String> = text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).collect();
        for rule in RULES {
            let (what, kept) = (rule.name.to_lowercase(), format!("kept {}", rule.kept.words()));
            assert!(
                lines.iter().any(|l| l.contains(&what) && l.contains(&kept)),
                "{name}'s retention section has no line naming \"{}\" and saying \"{kept}\":\n{text}",
                rule.name
            );
        }
        let within = format!("within {}", if PURGE_EVERY.as_secs() == 3600 { "an hour".to_string() } else { format!("{} minutes", PURGE_EVERY.as_secs() / 60) });
        assert!(text.contains(&within), "{name} should say records go {within} after their period:\n{text}");
    }

    #[tokio::test]
    async fn every_table_has_a_period_or_holds_nothing_about_anyone() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        )
        .fetch_all(db.read())
        .await
        .unwrap();
        let covered: Vec<&str> = RULES.iter().flat_map(|r| r.tables.iter().copied()).chain(NOT_PERSONAL.iter().copied()).collect();
        for table in &tables {
            assert!(
                covered.contains(&table.as_str()),
                "the table {table} has no retention rule: add one to RULES (and its period to the policy), \
                 or to NOT_PERSONAL if it holds nothing about anyone"
            );
        }
        for table in covered {
            assert!(tables.iter().any(|t| t == table), "RULES names {table}, which no migration creates");
        }
    }

    #[tokio::test]
    async fn more_than_a_batch_goes_in_several_and_a_stop_ends_after_a_whole_one() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let now = 2_000_000_000;
        let old = now - DAY;
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..(2 * BATCH + 7) {
            sqlx::query("INSERT INTO signin_failures (account_key, ip, at) VALUES ($1, '10.0.0.1', $2)")
                .bind(format!("member{i}"))
                .bind(old - i)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        // One that counts still: a second too young.
        sqlx::query("INSERT INTO signin_failures (account_key, ip, at) VALUES ('young', '10.0.0.1', $1)")
            .bind(old + 1)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let left = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM signin_failures").fetch_one(db.read()).await.unwrap() };

        // Asked to stop after the first batch of failures (the kinds before
        // them take one batch each, having nothing due): that batch is done,
        // the rest waits.
        let before = RULES.iter().filter(|r| r.kept != Kept::WhileAccount).position(|r| r.kind == Kind::SigninFailures).unwrap();
        let batches = std::sync::atomic::AtomicUsize::new(0);
        let stop_after_one = || batches.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > before;
        let purged = purge_unless_stopped(&db, now, stop_after_one).await.unwrap();
        assert!(!purged.complete);
        assert_eq!(purged.of(Kind::SigninFailures), BATCH as u64);
        assert_eq!(left().await, BATCH + 8);

        let purged = purge(&db, now).await.unwrap();
        assert!(purged.complete);
        assert_eq!(purged.of(Kind::SigninFailures), (BATCH + 7) as u64);
        assert_eq!(purged.summary(), format!("signin_failures: {} deleted", BATCH + 7));
        assert_eq!(left().await, 1, "the young one stays");
    }

    #[tokio::test]
    async fn the_scheduled_purge_stops_when_asked() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(run_on_schedule(db, stopped));
        // Whether it is purging or waiting for the next hour, it ends.
        tokio::task::yield_now().await;
        stop.send_replace(true);
        tokio::time::timeout(Duration::from_secs(30), task).await.expect("the purge stopped").unwrap();
    }
}
