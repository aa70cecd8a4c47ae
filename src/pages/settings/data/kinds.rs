//! The kinds of data "Your data" shows, grouped as the privacy policy groups
//! them: for each, what it is, where it is changed, and the member's own
//! values in words ([`body`]). A section of the export that no kind here
//! describes (a table added later) is still shown, in [`Group::Other`], with
//! its values in generic words ([`generic_body`]). Plain data, no markup:
//! `cards.rs` draws it, and the words are unit-tested here on the host.

use curtain_api::profile::ProfileField;
use curtain_ui::lang::fill;
use leptos_i18n::td_string;
use serde_json::Value;

use super::words::*;
use crate::components::profile_audience::field_label;

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
        let l = crate::lang::page_lang().locale();
        match self {
            Group::YouGive => td_string!(l, your_data.group_you_give),
            Group::ServersRecord => td_string!(l, your_data.group_servers_record),
            Group::YourChoices => td_string!(l, your_data.group_your_choices),
            Group::Other => td_string!(l, your_data.group_other),
        }
    }

    pub fn intro(self) -> &'static str {
        let l = crate::lang::page_lang().locale();
        match self {
            Group::YouGive => td_string!(l, your_data.group_you_give_intro),
            Group::ServersRecord => td_string!(l, your_data.group_servers_record_intro),
            Group::YourChoices => td_string!(l, your_data.group_your_choices_intro),
            Group::Other => td_string!(l, your_data.group_other_intro),
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

/// Every kind, in the order the page shows them (within a group, the policy's
/// order), in the page's language.
pub fn kinds() -> Vec<Kind> {
    let l = crate::lang::page_lang().locale();
    vec![
        Kind {
            part: Part::Account,
            section: "account",
            id: "data-account",
            group: Group::YouGive,
            title: td_string!(l, your_data.account_title),
            about: td_string!(l, your_data.account_about),
            control: ("/settings/account", td_string!(l, your_data.account_control)),
        },
        Kind {
            part: Part::Profile,
            section: "profiles",
            id: "data-profiles",
            group: Group::YouGive,
            title: td_string!(l, your_data.profiles_title),
            about: td_string!(l, your_data.profiles_about),
            control: ("/settings/profile", td_string!(l, your_data.profiles_control)),
        },
        Kind {
            part: Part::WatchHistory,
            section: "watch_history",
            id: "data-watch-history",
            group: Group::YouGive,
            title: td_string!(l, your_data.watch_history_title),
            about: td_string!(l, your_data.watch_history_about),
            control: ("/settings/profile", td_string!(l, your_data.watch_history_control)),
        },
        Kind {
            part: Part::Follows,
            section: "follows",
            id: "data-follows",
            group: Group::YouGive,
            title: td_string!(l, your_data.follows_title),
            about: td_string!(l, your_data.follows_about),
            control: ("/settings/privacy", td_string!(l, your_data.follows_control)),
        },
        Kind {
            part: Part::PrivacyRequests,
            section: "privacy_requests",
            id: "data-privacy-requests",
            group: Group::YouGive,
            title: td_string!(l, your_data.privacy_requests_title),
            about: td_string!(l, your_data.privacy_requests_about),
            control: ("/privacy/request", td_string!(l, your_data.privacy_requests_control)),
        },
        Kind {
            part: Part::ReportsSent,
            section: "reports_sent",
            id: "data-reports-sent",
            group: Group::YouGive,
            title: td_string!(l, your_data.reports_sent_title),
            about: td_string!(l, your_data.reports_sent_about),
            control: ("/report-child-account", td_string!(l, your_data.reports_sent_control)),
        },
        Kind {
            part: Part::Sessions,
            section: "sessions",
            id: "data-sessions",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.sessions_title),
            about: td_string!(l, your_data.sessions_about),
            control: ("/settings/account", td_string!(l, your_data.sessions_control)),
        },
        Kind {
            part: Part::Sessions,
            section: "ended_sessions",
            id: "data-ended-sessions",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.ended_sessions_title),
            about: td_string!(l, your_data.ended_sessions_about),
            control: ("/settings/account", td_string!(l, your_data.ended_sessions_control)),
        },
        Kind {
            part: Part::SigninLog,
            section: "signin_log",
            id: "data-signin-log",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.signin_log_title),
            about: td_string!(l, your_data.signin_log_about),
            control: ("/settings/account", td_string!(l, your_data.signin_log_control)),
        },
        Kind {
            part: Part::FailedSignins,
            section: "failed_signins",
            id: "data-failed-signins",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.failed_signins_title),
            about: td_string!(l, your_data.failed_signins_about),
            control: ("/settings/account", td_string!(l, your_data.failed_signins_control)),
        },
        Kind {
            part: Part::ConsentReceipts,
            section: "consent_receipts",
            id: "data-consent-receipts",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.consent_receipts_title),
            about: td_string!(l, your_data.consent_receipts_about),
            control: ("/settings/cookies", td_string!(l, your_data.consent_receipts_control)),
        },
        Kind {
            part: Part::Outbox,
            section: "outbox",
            id: "data-outbox",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.outbox_title),
            about: td_string!(l, your_data.outbox_about),
            control: ("/settings/email", td_string!(l, your_data.outbox_control)),
        },
        Kind {
            part: Part::PolicyAcceptances,
            section: "policy_acceptances",
            id: "data-policy-acceptances",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.policy_acceptances_title),
            about: td_string!(l, your_data.policy_acceptances_about),
            control: ("/privacy", td_string!(l, your_data.policy_acceptances_control)),
        },
        Kind {
            part: Part::ConfirmationLinks,
            section: "email_tokens",
            id: "data-email-tokens",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.email_tokens_title),
            about: td_string!(l, your_data.email_tokens_about),
            control: ("/settings/account", td_string!(l, your_data.email_tokens_control)),
        },
        Kind {
            part: Part::ConfirmationSends,
            section: "email_sends",
            id: "data-email-sends",
            group: Group::ServersRecord,
            title: td_string!(l, your_data.email_sends_title),
            about: td_string!(l, your_data.email_sends_about),
            control: ("/settings/account", td_string!(l, your_data.email_sends_control)),
        },
        Kind {
            part: Part::PrivacySettings,
            section: "profiles",
            id: "data-privacy-settings",
            group: Group::YourChoices,
            title: td_string!(l, your_data.privacy_settings_title),
            about: td_string!(l, your_data.privacy_settings_about),
            control: ("/settings/privacy", td_string!(l, your_data.privacy_settings_control)),
        },
        Kind {
            part: Part::Audiences,
            section: "profiles",
            id: "data-audiences",
            group: Group::YourChoices,
            title: td_string!(l, your_data.audiences_title),
            about: td_string!(l, your_data.audiences_about),
            control: ("/settings/profile", td_string!(l, your_data.audiences_control)),
        },
        Kind {
            part: Part::EmailPreferences,
            section: "email_preferences",
            id: "data-email-preferences",
            group: Group::YourChoices,
            title: td_string!(l, your_data.email_preferences_title),
            about: td_string!(l, your_data.email_preferences_about),
            control: ("/settings/email", td_string!(l, your_data.email_preferences_control)),
        },
    ]
}

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
    let known = |key: &str| ABOUT_THE_FILE.contains(&key) || kinds().iter().any(|k| k.section == key);
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
const PROFILE_TEXT: &[(&str, ProfileField)] = &[
    ("display_name", ProfileField::DisplayName),
    ("location", ProfileField::Location),
    ("gender", ProfileField::Gender),
    ("about", ProfileField::About),
];
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
        td_string!(crate::lang::page_lang().locale(), your_data.not_filled_in).into()
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
    let l = crate::lang::page_lang().locale();
    let first_row = || v.as_array().and_then(|rows| rows.first());
    match part {
        Part::Account => {
            const SHOWN: &[&str] = &[
                "username", "email", "email_confirmed_at", "pending_email", "birth_date", "minor",
                "accepted_policy_version", "created_at", "language",
            ];
            let confirmed = match v.get("email_confirmed_at").and_then(Value::as_str) {
                Some(at) => fill(td_string!(l, your_data.confirmed), &[("when", &(ctx.time)(at))]),
                None => td_string!(l, your_data.not_confirmed).into(),
            };
            let mut facts = vec![
                fact(td_string!(l, your_data.username), text(v, "username")),
                fact(td_string!(l, your_data.email), format!("{} ({confirmed})", text(v, "email"))),
            ];
            if let Some(pending) = v.get("pending_email").and_then(Value::as_str) {
                facts.push(fact(td_string!(l, your_data.pending_email), pending));
            }
            facts.push(fact(td_string!(l, your_data.birth_date), long_date(text(v, "birth_date"), crate::lang::page_lang())));
            facts.push(fact(td_string!(l, your_data.minor), yes_no(is_on(v, "minor"))));
            facts.push(fact(td_string!(l, your_data.joined), ctx.when(v, "created_at")));
            if let Some(n) = v.get("accepted_policy_version").and_then(Value::as_i64) {
                facts.push(fact(td_string!(l, your_data.policy_at_joining), fill(td_string!(l, your_data.version_n), &[("n", &n)])));
            }
            if let Some(tag) = v.get("language").and_then(Value::as_str) {
                // The language the member chose, by its own name, as the switcher shows it.
                let name = curtain_ui::Lang::from_tag(tag).map_or_else(|| tag.to_string(), |l| l.native_name().to_string());
                facts.push(fact(td_string!(l, your_data.site_language), name));
            }
            facts.extend(other_facts(v, SHOWN, ctx));
            Body::Facts(facts)
        }
        Part::Profile => {
            let Some(row) = first_row() else { return Body::Nothing(td_string!(l, your_data.nothing_filled_in)) };
            let mut facts: Vec<Fact> =
                PROFILE_TEXT.iter().map(|(key, field)| fact(field_label(*field), or_not_given(text(row, key)))).collect();
            let genres = row.get("favourite_genres").map(list_of_words).unwrap_or_default();
            facts.push(fact(
                field_label(ProfileField::FavouriteGenres),
                if genres.is_empty() { td_string!(l, your_data.none_chosen).into() } else { genres.join(", ") },
            ));
            facts.push(match row.get("updated_at").and_then(Value::as_str) {
                Some(at) if !is_unset_time(at) => fact(td_string!(l, your_data.last_changed), (ctx.time)(at)),
                _ => fact(td_string!(l, your_data.last_changed), td_string!(l, your_data.never)),
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
            let Some(row) = first_row() else { return Body::Nothing(td_string!(l, your_data.nothing_set)) };
            Body::Facts(vec![
                fact(td_string!(l, your_data.private_account), on_off(is_on(row, "private"))),
                fact(td_string!(l, your_data.in_search), yes_no(is_on(row, "discoverable"))),
                fact(td_string!(l, your_data.indexable), yes_no(is_on(row, "indexable"))),
            ])
        }
        Part::Audiences => {
            let Some(row) = first_row() else { return Body::Nothing(td_string!(l, your_data.nothing_set)) };
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
                fact(td_string!(l, your_data.newsletter), on_off(is_on(v, "newsletter"))),
                fact(td_string!(l, your_data.mail_product_updates), on_off(is_on(v, "product_updates"))),
                fact(td_string!(l, your_data.mail_partner_offers), on_off(is_on(v, "partner_offers"))),
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
                    let kind = title_kind_words(text(row, "kind"));
                    // English writes the kind in lower case; German nouns keep their capital.
                    let kind = if crate::lang::page_lang() == curtain_ui::Lang::De { kind } else { kind.to_lowercase() };
                    let rest = fill(
                        td_string!(l, your_data.watched_line),
                        &[
                            ("kind", &kind),
                            ("watched", &long_date(text(row, "watched_on"), crate::lang::page_lang())),
                            ("added", &ctx.when(row, "created_at")),
                        ],
                    );
                    Entry::line(title, rest).with(other_facts(row, &["title", "year", "kind", "watched_on", "created_at"], ctx))
                })
                .collect();
            list(entries, td_string!(l, profile.nothing_logged), (td_string!(l, your_data.noun_title), td_string!(l, your_data.noun_titles)))
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
                    let template = match (follower == ctx.me, accepted) {
                        (true, true) => td_string!(l, your_data.you_follow),
                        (true, false) => td_string!(l, your_data.you_asked),
                        (false, true) => td_string!(l, your_data.follows_you),
                        (false, false) => td_string!(l, your_data.asked_you),
                    };
                    let words = fill(template, &[("followee", &followee), ("follower", &follower), ("since", &since)]);
                    let shown = ["follower_id", "followee_id", "status", "created_at", "accepted_at"];
                    Entry::line("", words).with(other_facts(row, &shown, ctx))
                })
                .collect();
            list(entries, td_string!(l, your_data.no_follows), (td_string!(l, your_data.noun_follow), td_string!(l, your_data.noun_follows)))
        }
        Part::PrivacyRequests => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts = Vec::new();
                    if let Some(id) = row.get("id").and_then(Value::as_i64) {
                        facts.push(fact(td_string!(l, your_data.reference), format!("PR-{id}")));
                    }
                    facts.push(fact(td_string!(l, your_data.sent), ctx.when(row, "sent_at")));
                    facts.push(fact(td_string!(l, your_data.answer_due), long_date(text(row, "due_date"), crate::lang::page_lang())));
                    facts.push(match row.get("answered_at").and_then(Value::as_str) {
                        Some(at) => fact(td_string!(l, your_data.answered), (ctx.time)(at)),
                        None => fact(td_string!(l, your_data.answered), td_string!(l, your_data.not_yet)),
                    });
                    facts.push(fact(td_string!(l, your_data.answer_to), text(row, "email")));
                    facts.push(fact(td_string!(l, your_data.your_message), or_not_given(text(row, "message"))));
                    let shown = ["id", "kind", "email", "message", "sent_at", "due_date", "answered_at"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry::line(request_kind_words(text(row, "kind")), "").with(facts)
                })
                .collect();
            list(entries, td_string!(l, your_data.no_requests), (td_string!(l, your_data.noun_request), td_string!(l, your_data.noun_requests)))
        }
        Part::ReportsSent => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts =
                        vec![fact(td_string!(l, your_data.sent), ctx.when(row, "sent_at")), fact(td_string!(l, your_data.your_message), or_not_given(text(row, "message")))];
                    facts.extend(other_facts(row, &["sent_at", "username", "message"], ctx));
                    Entry::line(fill(td_string!(l, your_data.about_account), &[("username", &text(row, "username"))]), "").with(facts)
                })
                .collect();
            list(entries, td_string!(l, your_data.no_reports), (td_string!(l, your_data.noun_report), td_string!(l, your_data.noun_reports)))
        }
        Part::Sessions => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let mut facts = vec![
                        fact(td_string!(l, your_data.ip_address), text(row, "ip")),
                        fact(
                            td_string!(l, your_data.stays_signed_in),
                            if is_on(row, "persistent") {
                                td_string!(l, your_data.stays_yes)
                            } else {
                                td_string!(l, your_data.stays_no)
                            },
                        ),
                    ];
                    let shown = ["device", "ip", "created_at", "last_seen_at", "persistent", "current"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry {
                        lead: text(row, "device").to_string(),
                        badge: is_on(row, "current").then_some(td_string!(l, settings_account.this_device)),
                        note: Some(fill(
                            td_string!(l, your_data.session_note),
                            &[("signed_in", &ctx.when(row, "created_at")), ("last_used", &ctx.when(row, "last_seen_at"))],
                        )),
                        facts,
                        ..Entry::default()
                    }
                })
                .collect();
            list(entries, td_string!(l, your_data.none_dot), (td_string!(l, your_data.noun_session), td_string!(l, your_data.noun_sessions)))
        }
        Part::SigninLog => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let mut facts = vec![Fact {
                        label: td_string!(l, your_data.browser_sent).into(),
                        value: Shown::Verbatim(text(row, "user_agent").to_string()),
                    }];
                    facts.extend(other_facts(row, &["at", "ip", "device", "user_agent"], ctx));
                    let rest = fill(td_string!(l, your_data.signin_line), &[("device", &text(row, "device")), ("ip", &text(row, "ip"))]);
                    Entry::line(ctx.when(row, "at"), rest).with(facts)
                })
                .collect();
            list(entries, td_string!(l, your_data.no_signins), (td_string!(l, your_data.noun_signin), td_string!(l, your_data.noun_signins)))
        }
        Part::FailedSignins => {
            let entries = newest_first(v, true)
                .into_iter()
                .map(|row| {
                    let words = fill(td_string!(l, your_data.failed_line), &[("when", &ctx.when(row, "at")), ("ip", &text(row, "ip"))]);
                    Entry::line("", words).with(other_facts(row, &["at", "ip"], ctx))
                })
                .collect();
            list(entries, td_string!(l, your_data.none_dot), (td_string!(l, your_data.noun_failed), td_string!(l, your_data.noun_faileds)))
        }
        Part::ConsentReceipts => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let gpc = is_on(row, "gpc");
                    let answer = consent_answer(text(row, "method"), is_on(row, "preferences"), is_on(row, "analytics"), gpc);
                    let mut facts = Vec::new();
                    if let Some(n) = row.get("revision").and_then(Value::as_i64) {
                        facts.push(fact(td_string!(l, your_data.cookie_version), fill(td_string!(l, your_data.version_n), &[("n", &n)])));
                    }
                    facts.push(fact(
                        td_string!(l, your_data.gpc),
                        if gpc { td_string!(l, your_data.gpc_sent) } else { td_string!(l, your_data.gpc_not_sent) },
                    ));
                    let language = text(row, "language");
                    if !language.is_empty() {
                        // The language's own name for itself, as the switcher shows it.
                        let name = curtain_ui::Lang::from_tag(language).map_or_else(|| language.to_string(), |l| l.native_name().to_string());
                        facts.push(fact(td_string!(l, your_data.question_language), name));
                    }
                    let id = text(row, "consent_id");
                    if !id.is_empty() {
                        facts.push(Fact { label: td_string!(l, your_data.receipt).into(), value: Shown::Reference(id.to_string()) });
                    }
                    let shown = ["consent_id", "revision", "preferences", "analytics", "gpc", "method", "language", "recorded_at"];
                    facts.extend(other_facts(row, &shown, ctx));
                    Entry::line(answer, format!(", {}", ctx.when(row, "recorded_at"))).with(facts)
                })
                .collect();
            list(entries, td_string!(l, your_data.no_answers), (td_string!(l, your_data.noun_answer), td_string!(l, your_data.noun_answers)))
        }
        Part::Outbox => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let mut facts =
                        vec![
                        fact(td_string!(l, your_data.sent_to), text(row, "to_address")),
                        fact(td_string!(l, your_data.what_it_was), mail_kind_words(text(row, "kind"))),
                    ];
                    facts.extend(other_facts(row, &["kind", "to_address", "subject", "body", "created_at"], ctx));
                    Entry {
                        folded: Some(text(row, "body").to_string()),
                        ..Entry::line(text(row, "subject"), format!(", {}", ctx.when(row, "created_at"))).with(facts)
                    }
                })
                .collect();
            list(entries, td_string!(l, your_data.no_mail), (td_string!(l, your_data.noun_message), td_string!(l, your_data.noun_messages)))
        }
        Part::PolicyAcceptances => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let version = row.get("version").and_then(Value::as_i64).map_or_else(String::new, |n| n.to_string());
                    let words = fill(
                        td_string!(l, your_data.accepted_line),
                        &[
                            ("version", &version),
                            ("when", &ctx.when(row, "accepted_at")),
                            ("context", &acceptance_context_words(text(row, "context"))),
                        ],
                    );
                    Entry::line("", words).with(other_facts(row, &["version", "accepted_at", "context"], ctx))
                })
                .collect();
            list(entries, td_string!(l, your_data.none_dot), (td_string!(l, your_data.noun_version), td_string!(l, your_data.noun_versions)))
        }
        Part::ConfirmationLinks => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    let words = fill(
                        td_string!(l, your_data.link_line),
                        &[
                            ("address", &text(row, "address")),
                            ("sent", &ctx.when(row, "created_at")),
                            ("until", &ctx.when(row, "expires_at")),
                        ],
                    );
                    Entry::line("", words).with(other_facts(row, &["address", "created_at", "expires_at"], ctx))
                })
                .collect();
            list(entries, td_string!(l, your_data.no_links), (td_string!(l, your_data.noun_link), td_string!(l, your_data.noun_links)))
        }
        Part::ConfirmationSends => {
            let entries = newest_first(v, false)
                .into_iter()
                .map(|row| {
                    Entry::line("", fill(td_string!(l, your_data.sent_line), &[("when", &ctx.when(row, "at"))]))
                        .with(other_facts(row, &["at"], ctx))
                })
                .collect();
            list(entries, td_string!(l, your_data.none_dot), (td_string!(l, your_data.noun_email), td_string!(l, your_data.noun_emails)))
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
            list(entries, td_string!(crate::lang::page_lang().locale(), your_data.nothing), (td_string!(crate::lang::page_lang().locale(), your_data.noun_entry), td_string!(crate::lang::page_lang().locale(), your_data.noun_entries)))
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
        for kind in kinds() {
            assert!(kind.id.starts_with("data-"), "{}", kind.id);
            assert!(kind.about.ends_with('.'), "one sentence: {}", kind.about);
            assert!(kind.control.0.starts_with('/'), "{}: a page of the site", kind.id);
            assert!(!kind.title.contains('_') && !kind.about.contains('_'), "{}: words, not column names", kind.id);
        }
        let all = kinds();
        let mut ids: Vec<_> = all.iter().map(|k| k.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "element ids are unique");
        // A section's own card carries the id its name gives, so a test (or
        // a link) finds every section of the export by name.
        for kind in all.iter().filter(|k| k.part != Part::PrivacySettings && k.part != Part::Audiences) {
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
                        "accepted_policy_version": 5, "created_at": "t", "email_confirmed_at": "t", "pending_email": "b@example.org",
                        "language": "pt-BR"},
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
        for kind in kinds() {
            let shown = words(&body(kind.part, section(&export, kind.section).unwrap(), &ctx));
            // What the test's own rendering adds: Debug quotes around values.
            let shown = shown.replace("Words(\"", "").replace("Verbatim(\"", "").replace("Reference(\"", "").replace("\")", "");
            for raw in ["_", "[", "{", "\"", "true", "false", "null", "2026-"] {
                assert!(!shown.contains(raw), "{}: {raw:?} in {shown}", kind.id);
            }
        }
        // The language the member keeps, by its own name.
        let account = words(&body(Part::Account, section(&export, "account").unwrap(), &ctx));
        assert!(account.contains(curtain_ui::Lang::PtBr.native_name()), "{account}");
    }
}
