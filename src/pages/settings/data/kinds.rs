//! The kinds of data "Your data" shows, grouped as the privacy policy groups
//! them: for each, what it is, where it is changed, and the member's own
//! values in words ([`body`]). A section of the export that no kind here
//! describes (a table added later) is still shown, in [`Group::Other`], with
//! its values in generic words ([`generic_body`]). Plain data, no markup:
//! `cards.rs` draws it, and the words are unit-tested here on the host.

use curtain_api::profile::ProfileField;
use serde_json::Value;

use super::words::*;

/// The groups of the policy's "Information we collect", and its "Your choices".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    YouGive,
    ServersRecord,
    YourChoices,
    /// Sections this page has no words for yet.
    Other,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::YouGive, Group::ServersRecord, Group::YourChoices, Group::Other];

    pub fn id(self) -> &'static str {
        match self {
            Group::YouGive => "data-you-give",
            Group::ServersRecord => "data-servers-record",
            Group::YourChoices => "data-your-choices",
            Group::Other => "data-other",
        }
    }

    /// The policy's own heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::YouGive => "Information you give us",
            Group::ServersRecord => "Information our servers record",
            Group::YourChoices => "Your choices",
            Group::Other => "Other information we hold",
        }
    }

    pub fn intro(self) -> &'static str {
        match self {
            Group::YouGive => "What you gave us when you joined, filled in on your profile, or sent us through a form.",
            Group::ServersRecord => {
                "What our servers note down as you use Curtain, so that you can check your sign-ins and we can keep the site secure."
            }
            Group::YourChoices => "The settings you chose: who sees what, whether you can be found, and which e-mail you get.",
            Group::Other => "Records this page has no description for yet, shown as they are stored.",
        }
    }
}

/// How a kind's values are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Account,
    Profile,
    WatchHistory,
    Follows,
    PrivacyRequests,
    ReportsSent,
    Sessions,
    SigninLog,
    FailedSignins,
    ConsentReceipts,
    Outbox,
    PolicyAcceptances,
    ConfirmationLinks,
    ConfirmationSends,
    PrivacySettings,
    Audiences,
    EmailPreferences,
}

/// One kind of data, as the member reads it.
pub struct Kind {
    pub part: Part,
    /// The export section it shows: a fixed section or a table.
    pub section: &'static str,
    /// Its element id.
    pub id: &'static str,
    pub group: Group,
    pub title: &'static str,
    /// What it is and what it is used for, in one sentence.
    pub about: &'static str,
    /// Where the member changes it: address and link text.
    pub control: (&'static str, &'static str),
}

/// Every kind, in the order the page shows them (within a group, the policy's order).
pub const KINDS: &[Kind] = &[
    Kind {
        part: Part::Account,
        section: "account",
        id: "data-account",
        group: Group::YouGive,
        title: "Your account",
        about: "The details you gave when you joined. We use them to sign you in, to write to you about your account, and to check your age.",
        control: ("/settings/account", "Change your e-mail address or password"),
    },
    Kind {
        part: Part::Profile,
        section: "profiles",
        id: "data-profiles",
        group: Group::YouGive,
        title: "Your profile",
        about: "What you chose to fill in on your profile. We show each part only to the people you chose.",
        control: ("/settings/profile", "Edit your profile"),
    },
    Kind {
        part: Part::WatchHistory,
        section: "watch_history",
        id: "data-watch-history",
        group: Group::YouGive,
        title: "Your watch history",
        about: "The films and series you logged as watched, shown on your profile to the people you chose.",
        control: ("/settings/profile", "Change your watch history"),
    },
    Kind {
        part: Part::Follows,
        section: "follows",
        id: "data-follows",
        group: Group::YouGive,
        title: "Follows",
        about: "Who you follow and who follows you, with requests not yet answered. They decide who sees what you share with followers.",
        control: ("/settings/privacy", "Manage followers and follow requests"),
    },
    Kind {
        part: Part::PrivacyRequests,
        section: "privacy_requests",
        id: "data-privacy-requests",
        group: Group::YouGive,
        title: "Your privacy requests",
        about: "What you sent us with the privacy request form, kept so that we can answer it and show that we did.",
        control: ("/privacy/request", "Send a privacy request"),
    },
    Kind {
        part: Part::ReportsSent,
        section: "reports_sent",
        id: "data-reports-sent",
        group: Group::YouGive,
        title: "Reports you sent about a child's account",
        about: "Reports sent from your address with the form for parents, kept so that we can look into them and write back.",
        control: ("/report-child-account", "The form for parents"),
    },
    Kind {
        part: Part::Sessions,
        section: "sessions",
        id: "data-sessions",
        group: Group::ServersRecord,
        title: "Where you're signed in",
        about: "Each device you are signed in on: its browser, its IP address and when it was last used, so that you can see where you are signed in and end it.",
        control: ("/settings/account", "See and end your sessions"),
    },
    Kind {
        part: Part::Sessions,
        section: "ended_sessions",
        id: "data-ended-sessions",
        group: Group::ServersRecord,
        title: "Sessions that have ended",
        about: "Sign-ins that have ended because you signed out or they expired. They are deleted at the next clean-up, within the hour.",
        control: ("/settings/account", "See your sessions"),
    },
    Kind {
        part: Part::SigninLog,
        section: "signin_log",
        id: "data-signin-log",
        group: Group::ServersRecord,
        title: "Sign-in log",
        about: "The time, IP address and browser of each sign-in, so that you can spot one that was not you.",
        control: ("/settings/account", "Check where you're signed in"),
    },
    Kind {
        part: Part::FailedSignins,
        section: "failed_signins",
        id: "data-failed-signins",
        group: Group::ServersRecord,
        title: "Failed sign-ins to your account",
        about: "Attempts to sign in as you with a wrong password, and the IP address they came from, kept to slow down password guessing.",
        control: ("/settings/account", "Change your password"),
    },
    Kind {
        part: Part::ConsentReceipts,
        section: "consent_receipts",
        id: "data-consent-receipts",
        group: Group::ServersRecord,
        title: "Your cookie answers",
        about: "Each answer you gave to the cookie banner while signed in, kept as a receipt: proof of what you chose. A receipt holds no IP address.",
        control: ("/settings/cookies", "Change your cookie choices"),
    },
    Kind {
        part: Part::Outbox,
        section: "outbox",
        id: "data-outbox",
        group: Group::ServersRecord,
        title: "Copies of e-mail we sent you",
        about: "A copy of every e-mail we sent you (address, subject and text), so that you can see what we sent.",
        control: ("/settings/email", "Choose which e-mail you get"),
    },
    Kind {
        part: Part::PolicyAcceptances,
        section: "policy_acceptances",
        id: "data-policy-acceptances",
        group: Group::ServersRecord,
        title: "Privacy policy versions you accepted",
        about: "Which versions of the privacy policy you accepted, and when, so that we ask you again only after a change.",
        control: ("/privacy", "Read the privacy policy"),
    },
    Kind {
        part: Part::ConfirmationLinks,
        section: "email_tokens",
        id: "data-email-tokens",
        group: Group::ServersRecord,
        title: "E-mail confirmation links",
        about: "Links we sent to confirm an e-mail address. We keep only a fingerprint of each link, with the address it was for.",
        control: ("/settings/account", "Change or confirm your e-mail address"),
    },
    Kind {
        part: Part::ConfirmationSends,
        section: "email_sends",
        id: "data-email-sends",
        group: Group::ServersRecord,
        title: "Confirmation e-mails sent",
        about: "When we sent you a link to confirm an address, so that we can limit how many we send.",
        control: ("/settings/account", "Confirm your e-mail address"),
    },
    Kind {
        part: Part::PrivacySettings,
        section: "profiles",
        id: "data-privacy-settings",
        group: Group::YourChoices,
        title: "Private account and search",
        about: "Whether your account is private, whether it shows in member search, and whether search engines may list your profile.",
        control: ("/settings/privacy", "Change your privacy settings"),
    },
    Kind {
        part: Part::Audiences,
        section: "profiles",
        id: "data-audiences",
        group: Group::YourChoices,
        title: "Who sees each part of your profile",
        about: "For each part of your profile, who may see it. Our server sends nothing else to anyone's browser.",
        control: ("/settings/profile", "Change who sees each part"),
    },
    Kind {
        part: Part::EmailPreferences,
        section: "email_preferences",
        id: "data-email-preferences",
        group: Group::YourChoices,
        title: "Marketing e-mail",
        about: "Which marketing e-mail you want from us. Each list is off until you turn it on.",
        control: ("/settings/email", "Change your e-mail choices"),
    },
];

/// The export's own fields, which describe the file rather than the member.
pub const ABOUT_THE_FILE: &[&str] = &["format", "version", "exported_at", "tables"];

/// An export section by name: a fixed section, or else a table.
pub fn section<'a>(export: &'a Value, key: &str) -> Option<&'a Value> {
    if ABOUT_THE_FILE.contains(&key) {
        return None;
    }
    export.get(key).or_else(|| export.get("tables")?.get(key))
}

/// Every section of the export that no kind describes (one added after this
/// page was written), in the export's order: these are shown as stored.
pub fn unknown_sections(export: &Value) -> Vec<(&str, &Value)> {
    let known = |key: &str| ABOUT_THE_FILE.contains(&key) || KINDS.iter().any(|k| k.section == key);
    let top = export.as_object().into_iter().flatten();
    let tables = export.get("tables").and_then(Value::as_object).into_iter().flatten();
    top.chain(tables).filter(|(key, _)| !known(key)).map(|(key, v)| (key.as_str(), v)).collect()
}

/// An element id for a section name: `watch_history` -> `data-watch-history`.
pub fn section_id(key: &str) -> String {
    let slug: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    format!("data-{slug}")
}

/// What the words of a card depend on besides its own section.
pub struct Ctx<'a> {
    /// The member's username: rows name the member by it.
    pub me: &'a str,
    /// Writes a moment in words ([`time_words`] on the page).
    pub time: &'a dyn Fn(&str) -> String,
}

impl Ctx<'_> {
    /// A moment of a row in words, or "" when there is none.
    fn when(&self, row: &Value, key: &str) -> String {
        match row.get(key).and_then(Value::as_str) {
            Some(t) if !t.is_empty() => (self.time)(t),
            _ => String::new(),
        }
    }
}

/// A value as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Words(String),
    /// Exactly as received or sent: a browser's description of itself, the text of an e-mail.
    Verbatim(String),
    /// A long reference: short to read, whole to copy.
    Reference(String),
}

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: Shown,
}

fn fact(label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact { label: label.into(), value: Shown::Words(value.into()) }
}

/// One entry of a list: a line (its start in bold, a badge), maybe a second
/// line, the details, and text folded under the line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub lead: String,
    pub rest: String,
    pub badge: Option<&'static str>,
    pub note: Option<String>,
    pub facts: Vec<Fact>,
    pub folded: Option<String>,
}

impl Entry {
    fn line(lead: impl Into<String>, rest: impl Into<String>) -> Entry {
        Entry { lead: lead.into(), rest: rest.into(), ..Entry::default() }
    }

    fn with(mut self, facts: Vec<Fact>) -> Entry {
        self.facts.extend(facts);
        self
    }

    /// Everything the entry says, as one text (for tests).
    #[cfg(test)]
    fn words(&self) -> String {
        let facts = self.facts.iter().map(|f| format!("{}: {:?}", f.label, f.value)).collect::<Vec<_>>().join("; ");
        format!("{}{} | {} | {facts}", self.lead, self.rest, self.note.clone().unwrap_or_default())
    }
}

/// What a card shows of the member's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Facts(Vec<Fact>),
    /// Newest first; the first few shown, the rest folded.
    List { entries: Vec<Entry>, empty: &'static str, noun: (&'static str, &'static str) },
    /// Nothing stored yet, in words.
    Nothing(&'static str),
    Words(String),
}

/// The profile's own fields, in the order the profile settings show them.
const PROFILE_TEXT: &[(&str, &str)] =
    &[("display_name", "Display name"), ("location", "Location"), ("gender", "Gender"), ("about", "About you")];
const PRIVACY_FLAGS: &[&str] = &["private", "discoverable", "indexable"];

fn text<'a>(row: &'a Value, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

fn is_on(row: &Value, key: &str) -> bool {
    row.get(key).and_then(flag).unwrap_or(false)
}

/// Rows in the order a member reads them: newest first. Tables come oldest
/// first (by row number); the fixed sections already come newest first.
fn newest_first(v: &Value, already: bool) -> Vec<&Value> {
    let mut rows: Vec<&Value> = v.as_array().map(|rows| rows.iter().collect()).unwrap_or_default();
    if !already {
        rows.reverse();
    }
    rows
}

fn or_not_given(s: &str) -> String {
    if s.trim().is_empty() {
        "Not filled in".into()
    } else {
        s.to_string()
    }
}

/// Whether a column of a row is left off the page: row numbers, and the
/// member's own username in the column that ties the row to them. Neither
/// tells the member anything.
fn left_off(key: &str, v: &Value, me: &str) -> bool {
    key == "id" || ((key == "user_id" || key.ends_with("_user_id")) && v.as_str() == Some(me))
}

/// Whatever a row holds beyond what the card shows in its own words (a
/// column added later), in generic words, so nothing stored goes unseen.
fn other_facts(row: &Value, shown: &[&str], ctx: &Ctx) -> Vec<Fact> {
    row.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| !shown.contains(&k.as_str()) && !left_off(k, v, ctx.me))
        .map(|(k, v)| fact(name_words(k), value_words(k, v, ctx.time)))
        .collect()
}

fn list(entries: Vec<Entry>, empty: &'static str, noun: (&'static str, &'static str)) -> Body {
    Body::List { entries, empty, noun }
}

/// The member's values of one kind, in words.
pub fn body(part: Part, v: &Value, ctx: &Ctx) -> Body {
    let first_row = || v.as_array().and_then(|rows| rows.first());
    match part {
        Part::Account => {
            const SHOWN: &[&str] = &[
                "username", "email", "email_confirmed_at", "pending_email", "birth_date", "minor",
                "accepted_policy_version", "created_at",
            ];
            let confirmed = match v.get("email_confirmed_at").and_then(Value::as_str) {
                Some(at) => format!("confirmed {}", (ctx.time)(at)),
                None => "not confirmed yet".into(),
            };
            let mut facts = vec![
                fact("Username", text(v, "username")),
                fact("E-mail address", format!("{} ({confirmed})", text(v, "email"))),
            ];
            if let Some(pending) = v.get("pending_email").and_then(Value::as_str) {
                facts.push(fact("New address, waiting for you to confirm it", pending));
            }
            facts.push(fact("Date of birth", long_date(text(v, "birth_date"), crate::lang::page_lang())));
            facts.push(fact("Under 18", yes_no(is_on(v, "minor"))));
            facts.push(fact("Joined", ctx.when(v, "created_at")));
            if let Some(n) = v.get("accepted_policy_version").and_then(Value::as_i64) {
                facts.push(fact("Privacy policy you accepted when you joined", format!("Version {n}")));
            }
            facts.extend(other_facts(v, SHOWN, ctx));
            Body::Facts(facts)
        }
        Part::Profile => {
            let Some(row) = first_row() else { return Body::Nothing("Nothing filled in yet.") };
            let mut facts: Vec<Fact> =
                PROFILE_TEXT.iter().map(|(key, label)| fact(*label, or_not_given(text(row, key)))).collect();
            let genres = row.get("favourite_genres").map(list_of_words).unwrap_or_default();
            facts.push(fact("Favourite genres", if genres.is_empty() { "None chosen".into() } else { genres.join(", ") }));
            facts.push(match row.get("updated_at").and_then(Value::as_str) {
                Some(at) if !is_unset_time(at) => fact("Last changed", (ctx.time)(at)),
                _ => fact("Last changed", "Never"),
            });
            // Anything else the row holds: not what the two choices cards
            // show, nor the edit counter that guards against lost updates.
            let mut shown: Vec<&str> = vec!["favourite_genres", "updated_at", "version"];
            shown.extend(PROFILE_TEXT.iter().map(|(key, _)| *key));
            shown.extend(PRIVACY_FLAGS);
            shown.extend(row.as_object().into_iter().flatten().map(|(k, _)| k.as_str()).filter(|k| k.ends_with("_audience")));
            facts.extend(other_facts(row, &shown, ctx));
            Body::Facts(facts)
        }
        Part::PrivacySettings => {
            let Some(row) = first_row() else { return Body::Nothing("Nothing set yet.") };
            Body::Facts(vec![
                fact("Private account", on_off(is_on(row, "private"))),
                fact("Shown in member search", yes_no(is_on(row, "discoverable"))),
                fact("Search engines may list your profile", yes_no(is_on(row, "indexable"))),
            ])
        }
        Part::Audiences => {
            let Some(row) = first_row() else { return Body::Nothing("Nothing set yet.") };
            // The profile settings' order first, then any part added later.
            let mut keys: Vec<String> = ProfileField::ALL.iter().map(|f| format!("{}_audience", f.as_str())).collect();
            for (k, _) in row.as_object().into_iter().flatten() {
                if k.ends_with("_audience") && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
            Body::Facts(
                keys.iter()
                    .filter_map(|k| Some(fact(audience_field_words(k), audience_words(row.get(k)?.as_str()?))))
                    .collect(),
            )
        }
        Part::EmailPreferences => {
            let mut facts = vec![
                fact("Newsletter", on_off(is_on(v, "newsletter"))),
                fact("Product updates", on_off(is_on(v, "product_updates"))),
                fact("Offers from partners", on_off(is_on(v, "partner_offers"))),
            ];
            facts.extend(other_facts(v, &["newsletter", "product_updates", "partner_offers"], ctx));
            Body::Facts(facts)
        }
        Part::WatchHistory => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let title = match row.get("year").and_then(Value::as_i64) {
                        Some(year) => format!("{} ({year})", text(row, "title")),
                        None => text(row, "title").to_string(),
                    };
                    let rest = format!(
                        ", {}, watched {}; added {}",
                        title_kind_words(text(row, "kind")).to_lowercase(),
                        long_date(text(row, "watched_on"), crate::lang::page_lang()),
                        ctx.when(row, "created_at"),
                    );
                    Entry::line(title, rest).with(other_facts(row, &["title", "year", "kind", "watched_on", "created_at"], ctx))
                })
                .collect();
            list(entries, "Nothing logged yet.", ("title", "titles"))
        }
        Part::Follows => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let (follower, followee) = (text(row, "follower_id"), text(row, "followee_id"));
                    let accepted = text(row, "status") == "accepted";
                    let since = match row.get("accepted_at") {
                        Some(Value::String(_)) if accepted => ctx.when(row, "accepted_at"),
                        _ => ctx.when(row, "created_at"),
                    };
                    let words = match (follower == ctx.me, accepted) {
                        (true, true) => format!("You follow {followee}, since {since}."),
                        (true, false) => format!("You asked to follow {followee} on {since}; they have not answered yet."),
                        (false, true) => format!("{follower} follows you, since {since}."),
                        (false, false) => format!("{follower} asked to follow you on {since}; waiting for your answer."),
                    };
                    let shown = ["follower_id", "followee_id", "status", "created_at", "accepted_at"];
                    Entry::line("", words).with(other_facts(row, &shown, ctx))
                })
                .collect();
            list(entries, "You follow no one, and no one follows you.", ("follow", "follows"))
        }
        Part::PrivacyRequests => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts = Vec::new();
                    if let Some(id) = row.get("id").and_then(Value::as_i64) {
                        facts.push(fact("Reference", format!("PR-{id}")));
                    }
                    facts.push(fact("Sent", ctx.when(row, "sent_at")));
                    facts.push(fact("Answer due by", long_date(text(row, "due_date"), crate::lang::page_lang())));
                    facts.push(match row.get("answered_at").and_then(Value::as_str) {
                        Some(at) => fact("Answered", (ctx.time)(at)),
                        None => fact("Answered", "Not yet"),
                    });
                    facts.push(fact("Answer goes to", text(row, "email")));
                    facts.push(fact("Your message", or_not_given(text(row, "message"))));
                    let shown = ["id", "kind", "email", "message", "sent_at", "due_date", "answered_at"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry::line(request_kind_words(text(row, "kind")), "").with(facts)
                })
                .collect();
            list(entries, "You have sent no privacy requests.", ("request", "requests"))
        }
        Part::ReportsSent => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts =
                        vec![fact("Sent", ctx.when(row, "sent_at")), fact("Your message", or_not_given(text(row, "message")))];
                    facts.extend(other_facts(row, &["sent_at", "username", "message"], ctx));
                    Entry::line(format!("About the account {}", text(row, "username")), "").with(facts)
                })
                .collect();
            list(entries, "You have sent no reports.", ("report", "reports"))
        }
        Part::Sessions => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let mut facts = vec![
                        fact("IP address", text(row, "ip")),
                        fact(
                            "Stays signed in",
                            if is_on(row, "persistent") {
                                "Yes, for up to 30 days (you chose to stay signed in)"
                            } else {
                                "No, it ends when the browser closes"
                            },
                        ),
                    ];
                    let shown = ["device", "ip", "created_at", "last_seen_at", "persistent", "current"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry {
                        lead: text(row, "device").to_string(),
                        badge: is_on(row, "current").then_some("This device"),
                        note: Some(format!(
                            "Signed in {}, last used {}.",
                            ctx.when(row, "created_at"),
                            ctx.when(row, "last_seen_at")
                        )),
                        facts,
                        ..Entry::default()
                    }
                })
                .collect();
            list(entries, "None.", ("session", "sessions"))
        }
        Part::SigninLog => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let mut facts = vec![Fact {
                        label: "What your browser sent".into(),
                        value: Shown::Verbatim(text(row, "user_agent").to_string()),
                    }];
                    facts.extend(other_facts(row, &["at", "ip", "device", "user_agent"], ctx));
                    let rest = format!(": {}, from IP address {}", text(row, "device"), text(row, "ip"));
                    Entry::line(ctx.when(row, "at"), rest).with(facts)
                })
                .collect();
            list(entries, "No sign-ins recorded.", ("sign-in", "sign-ins"))
        }
        Part::FailedSignins => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let words = format!("{}, from IP address {}", ctx.when(row, "at"), text(row, "ip"));
                    Entry::line("", words).with(other_facts(row, &["at", "ip"], ctx))
                })
                .collect();
            list(entries, "None.", ("failed sign-in", "failed sign-ins"))
        }
        Part::ConsentReceipts => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let gpc = is_on(row, "gpc");
                    let answer = consent_answer(text(row, "method"), is_on(row, "preferences"), is_on(row, "analytics"), gpc);
                    let mut facts = Vec::new();
                    if let Some(n) = row.get("revision").and_then(Value::as_i64) {
                        facts.push(fact("Version of our cookie information", format!("Version {n}")));
                    }
                    facts.push(fact(
                        "Global Privacy Control",
                        if gpc { "Your browser sent it" } else { "Your browser did not send it" },
                    ));
                    let language = text(row, "language");
                    if !language.is_empty() {
                        // The language's own name for itself, as the switcher shows it.
                        let name = curtain_ui::Lang::from_tag(language).map_or_else(|| language.to_string(), |l| l.native_name().to_string());
                        facts.push(fact("Language of the question", name));
                    }
                    let id = text(row, "consent_id");
                    if !id.is_empty() {
                        facts.push(Fact { label: "Consent receipt".into(), value: Shown::Reference(id.to_string()) });
                    }
                    let shown = ["consent_id", "revision", "preferences", "analytics", "gpc", "method", "language", "recorded_at"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry::line(answer, format!(", {}", ctx.when(row, "recorded_at"))).with(facts)
                })
                .collect();
            list(entries, "No answers recorded while you were signed in.", ("answer", "answers"))
        }
        Part::Outbox => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts =
                        vec![fact("Sent to", text(row, "to_address")), fact("What it was", mail_kind_words(text(row, "kind")))];
                    facts.extend(other_facts(row, &["kind", "to_address", "subject", "body", "created_at"], ctx));
                    Entry {
                        folded: Some(text(row, "body").to_string()),
                        ..Entry::line(text(row, "subject"), format!(", {}", ctx.when(row, "created_at"))).with(facts)
                    }
                })
                .collect();
            list(entries, "We have sent you no e-mail we still keep.", ("message", "messages"))
        }
        Part::PolicyAcceptances => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let version = row.get("version").and_then(Value::as_i64).map_or_else(String::new, |n| n.to_string());
                    let words = format!(
                        "Version {version}, accepted {} {}.",
                        ctx.when(row, "accepted_at"),
                        acceptance_context_words(text(row, "context"))
                    );
                    Entry::line("", words).with(other_facts(row, &["version", "accepted_at", "context"], ctx))
                })
                .collect();
            list(entries, "None.", ("version", "versions"))
        }
        Part::ConfirmationLinks => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let words = format!(
                        "A link to confirm {}, sent {}; it works until {}.",
                        text(row, "address"),
                        ctx.when(row, "created_at"),
                        ctx.when(row, "expires_at")
                    );
                    Entry::line("", words).with(other_facts(row, &["address", "created_at", "expires_at"], ctx))
                })
                .collect();
            list(entries, "No links waiting.", ("link", "links"))
        }
        Part::ConfirmationSends => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| Entry::line("", format!("Sent {}.", ctx.when(row, "at"))).with(other_facts(row, &["at"], ctx)))
                .collect();
            list(entries, "None.", ("e-mail", "e-mails"))
        }
    }
}

/// A section no kind describes, in generic words.
pub fn generic_body(v: &Value, ctx: &Ctx) -> Body {
    match v {
        Value::Array(rows) => {
            let entries = rows
                .iter()
                .rev()
                .map(|row| match row {
                    Value::Object(_) => Entry::default().with(other_facts(row, &[], ctx)),
                    other => Entry::line("", value_words("", other, ctx.time)),
                })
                .collect();
            list(entries, "Nothing.", ("entry", "entries"))
        }
        Value::Object(_) => Body::Facts(other_facts(v, &[], ctx)),
        other => Body::Words(value_words("", other, ctx.time)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Ctx<'static> {
        Ctx { me: "ana", time: &|t| format!("<{t}>") }
    }

    /// Every word a body shows, as one text.
    fn words(body: &Body) -> String {
        match body {
            Body::Facts(facts) => facts.iter().map(|f| format!("{}: {:?}", f.label, f.value)).collect::<Vec<_>>().join("; "),
            Body::List { entries, empty, .. } if entries.is_empty() => empty.to_string(),
            Body::List { entries, .. } => entries.iter().map(Entry::words).collect::<Vec<_>>().join("\n"),
            Body::Nothing(words) => words.to_string(),
            Body::Words(words) => words.clone(),
        }
    }

    #[test]
    fn every_kind_has_words_a_section_and_a_control() {
        for kind in KINDS {
            assert!(kind.id.starts_with("data-"), "{}", kind.id);
            assert!(kind.about.ends_with('.'), "one sentence: {}", kind.about);
            assert!(kind.control.0.starts_with('/'), "{}: a page of the site", kind.id);
            assert!(!kind.title.contains('_') && !kind.about.contains('_'), "{}: words, not column names", kind.id);
        }
        let mut ids: Vec<_> = KINDS.iter().map(|k| k.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), KINDS.len(), "element ids are unique");
        // A section's own card carries the id its name gives, so a test (or
        // a link) finds every section of the export by name.
        for kind in KINDS.iter().filter(|k| k.part != Part::PrivacySettings && k.part != Part::Audiences) {
            assert_eq!(kind.id, section_id(kind.section));
        }
    }

    #[test]
    fn every_section_the_export_has_today_is_described() {
        // The export's fixed sections and today's tables (server/src/account_data.rs).
        let export = json!({
            "format": "curtain-export", "version": 1, "exported_at": "2026-06-03T14:05:00Z",
            "account": {}, "email_preferences": {}, "sessions": [], "ended_sessions": [], "signin_log": [],
            "failed_signins": [], "reports_sent": [], "privacy_requests": [],
            "tables": {
                "consent_receipts": [], "email_sends": [], "email_tokens": [], "follows": [], "outbox": [],
                "policy_acceptances": [], "profiles": [], "watch_history": []
            }
        });
        assert!(unknown_sections(&export).is_empty(), "{:?}", unknown_sections(&export));
        assert_eq!(section(&export, "follows"), Some(&json!([])));
        assert_eq!(section(&export, "account"), Some(&json!({})));
        assert_eq!(section(&export, "format"), None, "the file's own fields are not sections");
        assert_eq!(section(&export, "tables"), None);
    }

    #[test]
    fn a_section_added_later_is_shown_not_dropped() {
        let export = json!({
            "format": "curtain-export", "account": {},
            "badges": [{"name": "Cinephile"}],
            "tables": { "follows": [], "film_reviews": [{"id": 1, "user_id": "ana", "title": "Vertigo", "written_at": "2026-05-28T20:26:40Z"}] }
        });
        let unknown: Vec<&str> = unknown_sections(&export).into_iter().map(|(k, _)| k).collect();
        assert_eq!(unknown, ["badges", "film_reviews"]);
        assert_eq!(section_id("film_reviews"), "data-film-reviews");
        let shown = words(&generic_body(&export["tables"]["film_reviews"], &ctx()));
        assert!(shown.contains("Title: Words(\"Vertigo\")"), "{shown}");
        assert!(shown.contains("Written: Words(\"<2026-05-28T20:26:40Z>\")"), "{shown}");
        assert!(!shown.contains("ana") && !shown.contains("Id"), "the row number and the member's own name are left off: {shown}");
    }

    #[test]
    fn the_members_own_name_and_row_numbers_are_left_off() {
        assert!(left_off("id", &json!(3), "ana"));
        assert!(left_off("user_id", &json!("ana"), "ana"));
        assert!(left_off("owner_user_id", &json!("ana"), "ana"));
        assert!(!left_off("user_id", &json!("bruno"), "ana"), "another member's name is what the row says");
        assert!(!left_off("title", &json!("ana"), "ana"));
    }

    #[test]
    fn the_account_reads_in_words() {
        let account = json!({
            "username": "ana", "email": "ana@example.org", "birth_date": "1991-04-12", "minor": false,
            "accepted_policy_version": 5, "created_at": "2026-06-03T14:05:00Z"
        });
        let shown = words(&body(Part::Account, &account, &ctx()));
        for expected in ["ana@example.org (not confirmed yet)", "12 April 1991", "Under 18: Words(\"No\")", "Version 5", "<2026-06-03T14:05:00Z>"] {
            assert!(shown.contains(expected), "{expected} in {shown}");
        }
    }

    #[test]
    fn a_profile_row_is_split_into_the_profile_and_the_choices() {
        // As SQLite exports it: flags as numbers, genres as JSON text.
        let profiles = json!([{
            "user_id": "ana", "display_name": "Ana", "location": "", "about": "Noir.", "gender": "",
            "favourite_genres": "[\"Noir\",\"Drama\"]", "location_audience": "only_me", "history_audience": "members",
            "private": 0, "discoverable": 1, "indexable": 0, "version": 4, "updated_at": "1970-01-01T00:00:00Z",
            "mood": "cheerful"
        }]);
        let profile = words(&body(Part::Profile, &profiles, &ctx()));
        assert!(profile.contains("Display name: Words(\"Ana\")") && profile.contains("Location: Words(\"Not filled in\")"), "{profile}");
        assert!(profile.contains("Noir, Drama") && profile.contains("Last changed: Words(\"Never\")"), "{profile}");
        assert!(profile.contains("Mood: Words(\"cheerful\")"), "a column added later is still shown: {profile}");
        assert!(!profile.contains("Private") && !profile.contains("Version") && !profile.contains("audience"), "{profile}");
        let privacy = words(&body(Part::PrivacySettings, &profiles, &ctx()));
        assert_eq!(
            privacy,
            "Private account: Words(\"Off\"); Shown in member search: Words(\"Yes\"); Search engines may list your profile: Words(\"No\")"
        );
        let audiences = words(&body(Part::Audiences, &profiles, &ctx()));
        assert_eq!(audiences, "Location: Words(\"Only me\"); Watch history: Words(\"Signed-in members\")");
        assert_eq!(body(Part::Profile, &json!([]), &ctx()), Body::Nothing("Nothing filled in yet."));
    }

    #[test]
    fn follows_read_from_the_members_side() {
        let follows = json!([
            {"id": 1, "follower_id": "ana", "followee_id": "bruno", "status": "accepted", "created_at": "c1", "accepted_at": "a1"},
            {"id": 2, "follower_id": "carla", "followee_id": "ana", "status": "pending", "created_at": "c2", "accepted_at": null},
        ]);
        let Body::List { entries, .. } = body(Part::Follows, &follows, &ctx()) else { panic!("a list") };
        let lines: Vec<&str> = entries.iter().map(|e| e.rest.as_str()).collect();
        assert_eq!(lines, ["carla asked to follow you on <c2>; waiting for your answer.", "You follow bruno, since <a1>."], "newest first");
        assert!(entries.iter().all(|e| e.facts.is_empty()), "nothing left over: {entries:?}");
    }

    #[test]
    fn cookie_answers_and_sessions_read_in_words() {
        let receipts = json!([{
            "id": 3, "consent_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "revision": 2, "preferences": 1,
            "analytics": 0, "gpc": 0, "method": "custom", "language": "de", "user_id": "ana", "recorded_at": "r"
        }]);
        let Body::List { entries, .. } = body(Part::ConsentReceipts, &receipts, &ctx()) else { panic!("a list") };
        assert_eq!(entries[0].lead, "Chose: preferences on, analytics off");
        assert!(entries[0].facts.contains(&fact("Language of the question", "Deutsch")), "{:?}", entries[0].facts);
        assert_eq!(entries[0].rest, ", <r>");
        assert!(entries[0].facts.contains(&Fact {
            label: "Consent receipt".into(),
            value: Shown::Reference("0f8fad5b-d9cb-469f-a165-70867728950e".into())
        }));
        assert_eq!(entries[0].facts.len(), 4, "version, GPC, language, reference: {:?}", entries[0].facts);

        let sessions = json!([{
            "id": 12, "device": "Firefox 133 on macOS", "ip": "203.0.113.7", "created_at": "c", "last_seen_at": "s",
            "persistent": false, "current": true
        }]);
        let Body::List { entries, .. } = body(Part::Sessions, &sessions, &ctx()) else { panic!("a list") };
        assert_eq!(entries[0].lead, "Firefox 133 on macOS");
        assert_eq!(entries[0].badge, Some("This device"));
        assert_eq!(entries[0].note.as_deref(), Some("Signed in <c>, last used <s>."));
        let Body::List { entries, empty, .. } = body(Part::SigninLog, &json!([]), &ctx()) else { panic!("a list") };
        assert!(entries.is_empty() && empty == "No sign-ins recorded.");
    }

    #[test]
    fn no_kind_shows_raw_values() {
        // One row of every kind, as the export gives them, with every field.
        let export = json!({
            "account": {"username": "ana", "email": "a@example.org", "birth_date": "1991-04-12", "minor": true,
                        "accepted_policy_version": 5, "created_at": "t", "email_confirmed_at": "t", "pending_email": "b@example.org"},
            "email_preferences": {"newsletter": true, "product_updates": false, "partner_offers": false},
            "sessions": [{"id": 1, "device": "D", "ip": "1.2.3.4", "created_at": "t", "last_seen_at": "t", "persistent": true, "current": false}],
            "ended_sessions": [],
            "signin_log": [{"at": "t", "ip": "1.2.3.4", "device": "D", "user_agent": "UA"}],
            "failed_signins": [{"at": "t", "ip": "1.2.3.4"}],
            "reports_sent": [{"sent_at": "t", "username": "kid", "message": "m"}],
            "privacy_requests": [{"id": 12, "kind": "access", "email": "a@example.org", "message": "", "sent_at": "t", "due_date": "2026-12-29", "answered_at": null}],
            "tables": {
                "consent_receipts": [{"id": 3, "consent_id": "c", "revision": 1, "preferences": true, "analytics": true, "gpc": false, "method": "accept_all", "user_id": "ana", "recorded_at": "t"}],
                "email_sends": [{"id": 1, "user_id": "ana", "at": "t"}],
                "email_tokens": [{"id": 1, "user_id": "ana", "address": "b@example.org", "created_at": "t", "expires_at": "t"}],
                "follows": [{"id": 1, "follower_id": "ana", "followee_id": "bruno", "status": "pending", "created_at": "t", "accepted_at": null}],
                "outbox": [{"id": 1, "user_id": "ana", "kind": "verify_email", "to_address": "a@example.org", "subject": "S", "body": "B", "created_at": "t"}],
                "policy_acceptances": [{"id": 1, "user_id": "ana", "version": 5, "accepted_at": "t", "context": "signup"}],
                "profiles": [{"user_id": "ana", "display_name": "", "location": "", "about": "", "gender": "", "favourite_genres": "[]",
                              "display_name_audience": "everyone", "private": true, "discoverable": false, "indexable": false,
                              "version": 1, "updated_at": "t"}],
                "watch_history": [{"id": 1, "user_id": "ana", "title": "Vertigo", "year": 1958, "kind": "movie", "watched_on": "2026-01-05", "created_at": "t"}]
            }
        });
        let ctx = Ctx { me: "ana", time: &|_| "3 June 2026, 14:05".to_string() };
        for kind in KINDS {
            let shown = words(&body(kind.part, section(&export, kind.section).unwrap(), &ctx));
            // What the test's own rendering adds: Debug quotes around values.
            let shown = shown.replace("Words(\"", "").replace("Verbatim(\"", "").replace("Reference(\"", "").replace("\")", "");
            for raw in ["_", "[", "{", "\"", "true", "false", "null", "2026-"] {
                assert!(!shown.contains(raw), "{}: {raw:?} in {shown}", kind.id);
            }
        }
    }
}
