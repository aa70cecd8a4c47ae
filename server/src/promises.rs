//! The privacy policy's promises and how Curtain keeps each one.
//!
//! A policy version marks each statement that promises something with an id
//! (see [`crate::policy::render::promise_marker`]). [`KEEPING`] says, per id,
//! how the code keeps it: in words, the control a member uses, and the
//! retention rule that enforces it. The tests that prove a promise carry the
//! same id in a `// promise:` comment; the build collects them
//! ([`PROMISE_TESTS`]). The unit tests below refuse a promise in the current
//! or an announced version without an entry here or without a test, so a
//! policy cannot promise what nothing checks.

use curtain_api::policy::{Promise, PromiseLink, PromiseTest};
use curtain_ui::Lang;

use crate::i18n;
use crate::policy::PolicySource;
use crate::retention::{self, Kind};

include!(concat!(env!("OUT_DIR"), "/promise_tests.rs"));

/// How one promise is kept.
pub struct Keeping {
    pub id: &'static str,
    /// How the code keeps it, in a sentence or two a member understands.
    pub how: &'static str,
    /// `(path, label)` of the control a member uses for it.
    pub control: Option<(&'static str, &'static str)>,
    /// The retention rule that enforces it.
    pub retention: Option<Kind>,
}

const fn keep(id: &'static str, how: &'static str) -> Keeping {
    Keeping { id, how, control: None, retention: None }
}

const fn with_control(id: &'static str, how: &'static str, path: &'static str, label: &'static str) -> Keeping {
    Keeping { id, how, control: Some((path, label)), retention: None }
}

/// Every promise any shipped version makes, and how it is kept.
pub const KEEPING: &[Keeping] = &[
    keep(
        "email-never-shown",
        "Profiles are built by one function that knows no e-mail field: no answer that shows a member to others \
         can carry an address.",
    ),
    keep(
        "ip-recorded-only-where-said",
        "Only the sign-in, failed sign-in and parent's report paths store the connection's address; the rate \
         limits keep it in a count that the purge removes when its window of an hour ends.",
    ),
    keep(
        "no-referrers-or-searches",
        "The server reads neither the Referer header nor search terms into any table; a search is answered and forgotten.",
    ),
    with_control(
        "consent-receipts",
        "Each answer is stored as a receipt with a random consent id and no address; signing in ties the \
         browser's receipts to the account, and the cookie settings list them.",
        "/settings/cookies",
        "Cookie settings",
    ),
    Keeping {
        id: "page-views-are-totals",
        how: "A page view is counted under the route it matched (\"/u/:username\"), never the address visited, \
              and only as a number per route and day.",
        control: Some(("/settings/cookies", "Cookie settings")),
        retention: Some(Kind::PageViews),
    },
    keep(
        "log-holds-no-secrets",
        "Log lines name what happened and a record's number; addresses, message bodies and links stay in the \
         database, where their own retention rules apply.",
    ),
    with_control(
        "analytics-only-with-consent",
        "The server counts a page view only when the request's consent cookie allows analytics and a stored \
         receipt confirms it, so a hand-made cookie grants nothing.",
        "/settings/cookies",
        "Cookie settings",
    ),
    keep(
        "global-privacy-control",
        "With the Sec-GPC signal, \"Accept all\" records analytics as refused, in the banner and on the server.",
    ),
    with_control(
        "session-cookie-lifetime",
        "The session cookie has no expiry unless \"keep me signed in\" was ticked with preferences consent; then \
         it lasts 30 days, and withdrawing the consent ends that at once.",
        "/settings/account",
        "Account settings",
    ),
    keep(
        "consent-cookie-lifetime",
        "An answer older than 182 days is not valid by the shared consent rules, so the banner asks again.",
    ),
    with_control(
        "theme-cookie-needs-consent",
        "The theme picker writes its cookie only while preferences are allowed, and removes it when they are withdrawn.",
        "/settings/cookies",
        "Cookie settings",
    ),
    keep(
        "no-analytics-cookie",
        "The analytics choice is one letter inside curtain_consent; nothing else is written for it.",
    ),
    keep(
        "refusing-is-easy",
        "The banner offers \"Reject all\" beside \"Accept all\", and nothing optional is written before an answer.",
    ),
    with_control(
        "change-cookie-answer",
        "The footer and the cookie settings reopen the choices; a new answer replaces the old one at once, in \
         every open tab, and the server stops honouring what was withdrawn.",
        "/settings/cookies",
        "Cookie settings",
    ),
    with_control(
        "audience-per-field",
        "Every answer with someone's profile is cut by one function from each field's audience and the \
         viewer's relation; a hidden field is absent from the JSON.",
        "/settings/profile",
        "Profile settings",
    ),
    with_control(
        "follow-graph",
        "Follower and following lists are filtered in the database by the same rule, before they are paged.",
        "/settings/profile",
        "Profile settings",
    ),
    keep(
        "retention-periods",
        "One table of periods drives the purge, which runs at start and every hour; a unit test holds the \
         policy's list to that table.",
    ),
    with_control(
        "deletion-is-complete",
        "Deletion walks the database schema and removes every row that names the member, in one transaction; \
         a test then reads every table.",
        "/settings/data",
        "Your data",
    ),
    with_control(
        "private-account",
        "A private account turns each follow into a request the member approves, and narrows what was shared \
         with everyone to followers.",
        "/settings/privacy",
        "Privacy settings",
    ),
    with_control(
        "hidden-from-search",
        "Search leaves out members who turned it off, before it pages, even for an exact username.",
        "/settings/privacy",
        "Privacy settings",
    ),
    with_control(
        "no-indexing",
        "The profile page carries a noindex instruction for search engines while indexing is off.",
        "/settings/privacy",
        "Privacy settings",
    ),
    with_control(
        "marketing-opt-in",
        "Every list starts off; the newsletter goes only to members who turned it on and confirmed their address.",
        "/settings/email",
        "E-mail settings",
    ),
    with_control(
        "one-click-unsubscribe",
        "Each message carries a link with the member's own unguessable token; following it turns every list \
         off without signing in.",
        "/settings/email",
        "E-mail settings",
    ),
    with_control(
        "export-everything",
        "The download walks the database schema, so every table that names the member is in it, plus the \
         ended sessions and failed sign-ins under the member's names; only secrets and reports about the \
         member are left out.",
        "/settings/data",
        "Your data",
    ),
    with_control(
        "delete-account",
        "Deleting needs the password, signs every device out and removes the account at once.",
        "/settings/data",
        "Your data",
    ),
    Keeping {
        id: "privacy-requests",
        how: "The form stores each request with its due date, 30 days on, and sends a receipt; the people who \
              answer list what is open and what is overdue with `curtain-server requests list --overdue`.",
        control: Some(("/privacy/request", "Privacy request form")),
        retention: Some(Kind::PrivacyRequests),
    },
    keep("passwords-hashed", "Passwords are hashed with argon2id before they are stored; the password itself is never kept."),
    keep(
        "session-tokens",
        "The database keeps the SHA-256 of each sign-in token, and the cookie is HttpOnly.",
    ),
    keep(
        "forgery-protection",
        "Every change needs a token derived from the session, and requests from other sites are refused.",
    ),
    keep(
        "signin-slowed",
        "Failed sign-ins are counted per account and per address; past the limit the answer is 429 with the \
         time to wait.",
    ),
    with_control(
        "end-sessions",
        "The sessions list shows each device; ending one deletes it, so its cookie is refused at the next request.",
        "/settings/account",
        "Account settings",
    ),
    keep(
        "under-13-nothing-stored",
        "The age check runs before anything else in sign-up; a refusal writes nothing.",
    ),
    keep(
        "minors-start-private",
        "Accounts of members aged 13 to 17 are created private, out of search, not indexed, with the birth date \
         shown to no one.",
    ),
    Keeping {
        id: "parents-reports",
        how: "The report form answers the same whether the account exists; `curtain-server reports resolve` \
              deletes the account through the same path as self-deletion, or dismisses the report, writes to \
              the reporter and keeps a decision without names.",
        control: Some(("/report-child-account", "Report a child's account")),
        retention: Some(Kind::ReportDecisions),
    },
    with_control(
        "versions-kept",
        "Published versions are built into the server and can never change; every one is listed and any two compare.",
        "/privacy/versions",
        "All versions",
    ),
    with_control(
        "material-changes-announced",
        "Publishing refuses a material version that takes effect less than 30 days ahead unless an urgent \
         reason is given, which the policy page then shows; signed-in members see the announcement at once.",
        "/privacy/versions",
        "All versions",
    ),
    keep(
        "material-changes-acknowledged",
        "Signed-in members who have not acknowledged a material change in effect see a banner until they do.",
    ),
];

/// The line naming a promise's retention rule: the rule's name and how long
/// it is kept, both in the reader's language.
pub const RETENTION_LINE: &str = "{name}: kept {kept}";

/// The English words of [`KEEPING`] that people read (how each promise is
/// kept, the labels of the controls, the retention line), each an entry of
/// the server's catalogues.
pub fn sentences() -> Vec<String> {
    let mut sentences = vec![RETENTION_LINE.to_string()];
    for keeping in KEEPING {
        sentences.push(keeping.how.to_string());
        sentences.extend(keeping.control.map(|(_, label)| label.to_string()));
    }
    sentences
}

/// How `id` is kept, if this build knows.
pub fn keeping(id: &str) -> Option<&'static Keeping> {
    KEEPING.iter().find(|k| k.id == id)
}

/// The tests that prove `id`.
pub fn tests_of(id: &str) -> Vec<PromiseTest> {
    PROMISE_TESTS
        .iter()
        .filter(|(tagged, _, _)| *tagged == id)
        .map(|(_, file, name)| PromiseTest { file: (*file).into(), name: (*name).into() })
        .collect()
}

/// The promises of `version` as the promises page shows them, with how each
/// is kept in the language of the request.
pub fn list(version: &PolicySource) -> Vec<Promise> {
    list_in(version, i18n::request_lang())
}

/// The promises of `version`, with how each is kept in `lang` (the
/// statements are the version's own words).
pub fn list_in(version: &PolicySource, lang: Lang) -> Vec<Promise> {
    version
        .promises()
        .into_iter()
        .map(|p| {
            let keeping = keeping(&p.id);
            Promise {
                tests: tests_of(&p.id),
                how: keeping.map_or_else(String::new, |k| i18n::translate(lang, k.how)),
                control: keeping
                    .and_then(|k| k.control)
                    .map(|(href, label)| PromiseLink { href: href.into(), label: i18n::translate(lang, label) }),
                retention: keeping.and_then(|k| k.retention).and_then(|kind| {
                    retention::RULES.iter().find(|r| r.kind == kind).map(|r| {
                        let name = i18n::translate(lang, r.name);
                        i18n::text(lang, RETENTION_LINE, &[&name, &r.kept.words_in(lang)])
                    })
                }),
                id: p.id,
                section_id: p.section_id,
                section_title: p.section_title,
                statement: p.statement,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{document, published};

    /// The shipped versions in effect now or announced, and the version the
    /// demonstration announces.
    fn binding_versions() -> Vec<(String, PolicySource)> {
        let now = crate::clock::now();
        let shipped: Vec<PolicySource> =
            published::PUBLISHED.iter().map(|(_, text)| document::parse(text).expect("shipped versions parse")).collect();
        let current = crate::policy::current(&shipped, now).map_or(0, |v| v.version);
        let demo = document::parse(&published::upcoming_demo(curtain_api::CivilDate::parse("2100-01-01").unwrap()))
            .expect("the demonstration version parses");
        published::PUBLISHED
            .iter()
            .zip(shipped)
            .filter(|(_, v)| v.version >= current)
            .map(|((name, _), v)| (name.to_string(), v))
            .chain([("policies/privacy/upcoming-demo.md".to_string(), demo)])
            .collect()
    }

    #[test]
    fn every_promise_in_force_or_announced_is_kept_and_proved_by_a_test() {
        let mut missing = Vec::new();
        for (name, version) in binding_versions() {
            for promise in version.promises() {
                if keeping(&promise.id).is_none() {
                    missing.push(format!("{name}: `{}` has no entry in promises::KEEPING", promise.id));
                }
                if tests_of(&promise.id).is_empty() {
                    missing.push(format!(
                        "{name}: `{}` has no test; tag the test that proves it with `// promise: {}` ({:?})",
                        promise.id, promise.id, promise.statement
                    ));
                }
            }
        }
        assert!(missing.is_empty(), "promises nothing keeps or proves:\n{}", missing.join("\n"));
    }

    #[test]
    fn the_current_policy_makes_promises() {
        let versions = binding_versions();
        assert!(versions.iter().any(|(_, v)| v.promises().len() >= 20), "the policy in force marks its promises");
    }

    #[test]
    fn every_tag_and_entry_names_a_promise_some_version_makes() {
        let mut known: Vec<String> = published::PUBLISHED
            .iter()
            .flat_map(|(_, text)| document::parse(text).unwrap().promises())
            .map(|p| p.id)
            .collect();
        known.extend(binding_versions().into_iter().flat_map(|(_, v)| v.promises()).map(|p| p.id));
        let stray_tags: Vec<String> = PROMISE_TESTS
            .iter()
            .filter(|(id, _, _)| !known.iter().any(|k| k == id))
            .map(|(id, file, test)| format!("{file} {test}: `{id}`"))
            .collect();
        assert!(stray_tags.is_empty(), "tests tagged with a promise no version makes:\n{}", stray_tags.join("\n"));
        let stray_entries: Vec<&str> =
            KEEPING.iter().map(|k| k.id).filter(|id| !known.iter().any(|k| k == id)).collect();
        assert!(stray_entries.is_empty(), "KEEPING entries for no promise: {stray_entries:?}");
    }
}
