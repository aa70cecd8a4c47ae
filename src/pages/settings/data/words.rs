//! "Your data" in words: how each stored value reads to the member it is
//! about. Pure functions (the one exception, [`time_words`], asks the browser
//! for the member's time zone), unit-tested on the host.

use curtain_api::consent::ConsentMethod;
use curtain_api::profile::{Audience, ProfileField};

use crate::components::profile_audience::{audience_label, field_label};
use curtain_api::retention::{Retention, RetentionPeriod};
use curtain_ui::lang::fill;
use leptos_i18n::td_string;
use serde_json::Value;

pub use crate::components::policy_document::long_date;

/// The words of the page's language.
fn l() -> curtain_ui::i18n::Locale {
    crate::lang::page_lang().locale()
}

/// "3 June 2026, 14:05" from its parts (month 1 to 12), in the page's
/// language ("3. Juni 2026, 14:05 Uhr", "3 de junho de 2026, às 14:05").
pub fn day_and_time(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> String {
    let date = curtain_api::CivilDate { year, month: month as u8, day: day as u8 };
    curtain_ui::dates::date_and_time(date, hour, minute, crate::lang::page_lang())
}

/// An RFC 3339 moment as "3 June 2026, 14:05" in the member's own time zone;
/// anything that is not a moment is shown as it is.
pub fn time_words(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    day_and_time(date.get_full_year() as i32, date.get_month() + 1, date.get_date(), date.get_hours(), date.get_minutes())
}

/// Whether a stored moment is the "never set" zero of the clock (1 January
/// 1970), which a column with a default of 0 holds until it is first written.
pub fn is_unset_time(rfc3339: &str) -> bool {
    rfc3339.starts_with("1970-01-01T00:00:00")
}

/// A yes/no value as the database stored it: JSON `true`/`false`, or `1`/`0`
/// where the column is a number (SQLite keeps flags as integers).
pub fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

pub fn yes_no(on: bool) -> &'static str {
    if on {
        td_string!(l(), your_data.yes)
    } else {
        td_string!(l(), your_data.no)
    }
}

pub fn on_off(on: bool) -> &'static str {
    if on {
        td_string!(l(), your_data.on)
    } else {
        td_string!(l(), your_data.off)
    }
}

/// "on"/"off" inside a sentence.
fn on_off_lower(on: bool) -> &'static str {
    if on {
        td_string!(l(), your_data.on_lower)
    } else {
        td_string!(l(), your_data.off_lower)
    }
}

/// One cookie answer in words: "Accepted all", "Rejected all",
/// "Chose: preferences on, analytics off".
pub fn consent_answer(method: &str, preferences: bool, analytics: bool, gpc: bool) -> String {
    match ConsentMethod::parse(method) {
        Some(ConsentMethod::AcceptAll) if gpc && !analytics => td_string!(l(), your_data.accepted_all_gpc).into(),
        Some(ConsentMethod::AcceptAll) => td_string!(l(), your_data.accepted_all).into(),
        Some(ConsentMethod::RejectAll) => td_string!(l(), your_data.rejected_all).into(),
        Some(ConsentMethod::Custom) | None => fill(
            td_string!(l(), your_data.chose),
            &[("preferences", &on_off_lower(preferences)), ("analytics", &on_off_lower(analytics))],
        ),
    }
}

/// The period that applies to an export section, if the server named one.
pub fn period_for<'a>(retention: Option<&'a Retention>, key: &str) -> Option<&'a RetentionPeriod> {
    retention?.periods.iter().find(|p| p.export_sections.iter().any(|s| s == key))
}

/// "Kept for one year after the sign-in." / "Kept as long as you have an
/// account." from a period the server states in words.
pub fn kept_sentence(period: &RetentionPeriod) -> String {
    let kept = period.kept.trim().trim_end_matches('.');
    if crate::lang::page_lang() != curtain_ui::Lang::En {
        // The period as the server words it, framed in the page's language.
        return fill(td_string!(l(), your_data.kept_period), &[("kept", &kept)]);
    }
    // A fixed number of days reads "for …"; "as long as …" and "until …" read on their own.
    let joiner = if period.days.is_some() && !kept.starts_with("for ") { "for " } else { "" };
    format!("Kept {joiner}{kept}.")
}

/// "deleted within an hour" / "within 30 minutes", from the purge's schedule.
pub fn purge_delay_words(minutes: u32) -> String {
    match minutes {
        60 => td_string!(l(), your_data.within_hour).into(),
        m if m.is_multiple_of(60) => fill(td_string!(l(), your_data.within_hours), &[("n", &(m / 60))]),
        1 => td_string!(l(), your_data.within_minute).into(),
        m => fill(td_string!(l(), your_data.within_minutes), &[("n", &m)]),
    }
}

/// A stored name in words, for records this page has no words of its own
/// for: `film_reviews` -> "Film reviews", `reviewed_at` -> "Reviewed",
/// `owner_user_id` -> "Owner user".
pub fn name_words(key: &str) -> String {
    match key {
        "ip" => return td_string!(l(), your_data.ip_address).into(),
        "at" => return td_string!(l(), your_data.when).into(),
        _ => {}
    }
    let base = key.strip_suffix("_at").or_else(|| key.strip_suffix("_id")).unwrap_or(key);
    let words = base.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a stored name is a moment (`at`, `*_at`): those are RFC 3339 in the export.
pub fn is_time_key(key: &str) -> bool {
    key == "at" || key.ends_with("_at")
}

/// Any stored value in words, for records this page has no words of its own
/// for. `time` writes a moment (see [`time_words`]).
pub fn value_words(key: &str, v: &Value, time: &dyn Fn(&str) -> String) -> String {
    match v {
        Value::Null => td_string!(l(), your_data.none).into(),
        Value::Bool(b) => yes_no(*b).into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => td_string!(l(), your_data.none).into(),
        Value::String(s) if is_time_key(key) && s.len() >= 20 && s.as_bytes()[10] == b'T' => time(s),
        Value::String(s) if curtain_api::CivilDate::parse(s).is_some() => long_date(s, crate::lang::page_lang()),
        // A list the database keeps as JSON text (favourite genres, say).
        Value::String(s) if s.starts_with('[') => match serde_json::from_str::<Value>(s) {
            Ok(list @ Value::Array(_)) => value_words(key, &list, time),
            _ => s.clone(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => td_string!(l(), your_data.none).into(),
        Value::Array(items) => items.iter().map(|item| value_words(key, item, time)).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", name_words(k), value_words(k, v, time)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The genres of a profile, which the database keeps as JSON text.
pub fn list_of_words(v: &Value) -> Vec<String> {
    let parsed;
    let list = match v {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
            &parsed
        }
        other => other,
    };
    list.as_array()
        .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Who sees a part of the profile: "Everyone", "Signed-in members", …
pub fn audience_words(stored: &str) -> String {
    Audience::parse(stored).map_or_else(|| name_words(stored), |a| audience_label(a).to_string())
}

/// The part of the profile an audience column is about:
/// `location_audience` -> "Location".
pub fn audience_field_words(key: &str) -> String {
    let field = key.strip_suffix("_audience").unwrap_or(key);
    ProfileField::ALL
        .iter()
        .find(|f| f.as_str() == field)
        .map_or_else(|| name_words(field), |f| field_label(*f).to_string())
}

/// What a privacy request asked for.
pub fn request_kind_words(kind: &str) -> String {
    match kind {
        "access" => td_string!(l(), your_data.request_access).into(),
        "correction" => td_string!(l(), your_data.request_correction).into(),
        "deletion" => td_string!(l(), your_data.request_deletion).into(),
        "objection" => td_string!(l(), your_data.request_objection).into(),
        "other" => td_string!(l(), your_data.request_other).into(),
        other => name_words(other),
    }
}

/// What kind of e-mail a copy is of.
pub fn mail_kind_words(kind: &str) -> String {
    match kind {
        "verify_email" => td_string!(l(), your_data.mail_verify).into(),
        "email_in_use" => td_string!(l(), your_data.mail_in_use).into(),
        "email_changed" => td_string!(l(), your_data.mail_changed).into(),
        "password_changed" => td_string!(l(), your_data.mail_password).into(),
        "newsletter" => td_string!(l(), your_data.mail_newsletter).into(),
        "product_updates" => td_string!(l(), your_data.mail_product_updates).into(),
        "partner_offers" => td_string!(l(), your_data.mail_partner_offers).into(),
        k if k.starts_with("policy") => td_string!(l(), your_data.mail_policy).into(),
        other => name_words(other),
    }
}

/// "Film" or "Series".
pub fn title_kind_words(kind: &str) -> String {
    match kind {
        "movie" => td_string!(l(), profile.kind_movie).into(),
        "show" => td_string!(l(), profile.kind_show).into(),
        other => name_words(other),
    }
}

/// When a policy version was accepted, in words.
pub fn acceptance_context_words(context: &str) -> String {
    match context {
        "signup" => td_string!(l(), your_data.when_joined).into(),
        "acknowledged" => td_string!(l(), your_data.after_asked).into(),
        other => name_words(other).to_lowercase(),
    }
}

/// The first eight characters of a long reference, for reading aloud or
/// comparing at a glance; the full value stays on the page to copy.
pub fn short_reference(full: &str) -> String {
    full.chars().take(8).collect()
}

/// "1 session", "3 sessions".
pub fn count_words(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fake_time(s: &str) -> String {
        format!("time {s}")
    }

    #[test]
    fn moments_and_days_read_as_dates() {
        assert_eq!(day_and_time(2026, 6, 3, 14, 5), "3 June 2026, 14:05");
        assert_eq!(day_and_time(2025, 12, 31, 0, 0), "31 December 2025, 00:00");
        assert_eq!(long_date("2026-06-01", curtain_ui::Lang::En), "1 June 2026");
        assert!(is_unset_time("1970-01-01T00:00:00Z"));
        assert!(!is_unset_time("2026-06-01T00:00:00Z"));
    }

    #[test]
    fn flags_read_from_either_engine() {
        assert_eq!(flag(&json!(true)), Some(true));
        assert_eq!(flag(&json!(0)), Some(false));
        assert_eq!(flag(&json!(1)), Some(true));
        assert_eq!(flag(&json!("1")), None, "text is not a flag");
        assert_eq!(yes_no(true), "Yes");
        assert_eq!(on_off(false), "Off");
    }

    #[test]
    fn cookie_answers_read_as_what_the_member_did() {
        assert_eq!(consent_answer("accept_all", true, true, false), "Accepted all");
        assert_eq!(consent_answer("reject_all", false, false, false), "Rejected all");
        assert_eq!(consent_answer("custom", true, false, false), "Chose: preferences on, analytics off");
        assert_eq!(consent_answer("custom", false, true, true), "Chose: preferences off, analytics on");
        assert!(consent_answer("accept_all", true, false, true).contains("Global Privacy Control"));
        assert_eq!(
            consent_answer("something_new", false, false, false),
            "Chose: preferences off, analytics off",
            "an unknown method still says what was chosen"
        );
    }

    fn period(kept: &str, days: Option<u32>, sections: &[&str]) -> RetentionPeriod {
        RetentionPeriod {
            kind: "k".into(),
            name: "K".into(),
            detail: String::new(),
            kept: kept.into(),
            days,
            export_sections: sections.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn periods_read_as_a_kept_sentence() {
        assert_eq!(kept_sentence(&period("one year after the sign-in", Some(365), &[])), "Kept for one year after the sign-in.");
        assert_eq!(kept_sentence(&period("as long as you have an account", None, &[])), "Kept as long as you have an account.");
        assert_eq!(kept_sentence(&period("until the session ends", None, &[])), "Kept until the session ends.");
        assert_eq!(kept_sentence(&period("for 30 days.", Some(30), &[])), "Kept for 30 days.", "never \"for for\", one full stop");
        assert_eq!(purge_delay_words(60), "within an hour");
        assert_eq!(purge_delay_words(15), "within 15 minutes");
        assert_eq!(purge_delay_words(120), "within 2 hours");
    }

    #[test]
    fn a_section_finds_the_period_that_names_it() {
        let retention = Retention {
            periods: vec![period("a", None, &["account", "profiles"]), period("b", Some(365), &["signin_log"])],
            purged_every_minutes: 60,
        };
        assert_eq!(period_for(Some(&retention), "profiles").map(|p| p.kept.as_str()), Some("a"));
        assert_eq!(period_for(Some(&retention), "signin_log").map(|p| p.kept.as_str()), Some("b"));
        assert!(period_for(Some(&retention), "film_reviews").is_none(), "a table with no period shows none");
        assert!(period_for(None, "account").is_none(), "nothing until the periods have loaded");
    }

    #[test]
    fn unknown_records_still_read_as_words() {
        assert_eq!(name_words("film_reviews"), "Film reviews");
        assert_eq!(name_words("reviewed_at"), "Reviewed");
        assert_eq!(name_words("followee_id"), "Followee");
        assert_eq!(name_words("ip"), "IP address");
        assert_eq!(value_words("stars", &json!(4), &fake_time), "4");
        assert_eq!(value_words("spoilers", &json!(false), &fake_time), "No");
        assert_eq!(value_words("note", &json!(""), &fake_time), "None");
        assert_eq!(value_words("note", &Value::Null, &fake_time), "None");
        assert_eq!(value_words("seen_on", &json!("2026-06-01"), &fake_time), "1 June 2026");
        assert_eq!(value_words("created_at", &json!("2026-06-01T10:00:00Z"), &fake_time), "time 2026-06-01T10:00:00Z");
        assert_eq!(value_words("tags", &json!("[\"Drama\",\"Noir\"]"), &fake_time), "Drama, Noir");
        assert_eq!(value_words("tags", &json!(["a", 1]), &fake_time), "a, 1");
        assert_eq!(value_words("extra", &json!({"shown_at": "x"}), &fake_time), "Shown: x");
        for raw in [json!(["a"]), json!({"a": "b"}), json!("[\"Drama\"]")] {
            let words = value_words("k", &raw, &fake_time);
            assert!(!words.contains(['[', '{', '"']), "no JSON left in {words:?}");
        }
    }

    #[test]
    fn profile_values_read_as_the_settings_name_them() {
        assert_eq!(list_of_words(&json!("[\"Drama\",\"Horror\"]")), ["Drama", "Horror"]);
        assert_eq!(list_of_words(&json!(["Drama"])), ["Drama"]);
        assert!(list_of_words(&json!("[]")).is_empty());
        assert!(list_of_words(&json!("not json")).is_empty());
        assert_eq!(audience_words("only_me"), "Only me");
        assert_eq!(audience_words("members"), "Signed-in members");
        assert_eq!(audience_field_words("location_audience"), "Location");
        assert_eq!(audience_field_words("history_audience"), "Watch history");
        assert_eq!(audience_field_words("pets_audience"), "Pets", "a field added later");
    }

    #[test]
    fn kinds_of_records_read_as_words() {
        assert_eq!(request_kind_words("access"), "A copy of what we hold about you");
        assert_eq!(mail_kind_words("verify_email"), "A link to confirm your address");
        assert_eq!(mail_kind_words("weekly_digest"), "Weekly digest");
        assert_eq!(title_kind_words("movie"), "Film");
        assert_eq!(title_kind_words("show"), "Series");
        assert_eq!(acceptance_context_words("signup"), "when you joined");
        assert_eq!(short_reference("0f8fad5b-d9cb-469f-a165-70867728950e"), "0f8fad5b");
        assert_eq!(count_words(1, "session", "sessions"), "1 session");
        assert_eq!(count_words(3, "session", "sessions"), "3 sessions");
    }
}
