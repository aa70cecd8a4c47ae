//! Every word in every language: the same keys in each locale file, and no
//! English left in a translation (apart from words that are the same in
//! both languages, listed here).

use std::collections::BTreeMap;

use serde_json::Value;

const LOCALES: [(&str, &str); 3] = [
    ("en", include_str!("../locales/en.json")),
    ("de", include_str!("../locales/de.json")),
    ("pt-BR", include_str!("../locales/pt-BR.json")),
];

/// Keys whose translation may read as the English does.
const SAME_AS_ENGLISH: [(&str, &str); 22] = [
    ("pt-BR", "header.menu"),
    ("de", "profile.kind_movie"),
    ("de", "policy.col_version"),
    ("de", "policy.col_status"),
    ("de", "policy.version_n"),
    ("de", "settings.cookies"),
    ("pt-BR", "settings.cookies"),
    ("pt-BR", "settings.email"),
    ("de", "settings_cookies.col_version"),
    // Month names German shares with English.
    ("de", "dates.april"),
    ("de", "dates.august"),
    ("de", "dates.september"),
    ("de", "dates.november"),
    // "Your data": a loanword both languages use, a version number, a
    // standard's own name, and nouns Portuguese borrowed.
    ("de", "your_data.newsletter"),
    ("pt-BR", "your_data.newsletter"),
    ("de", "your_data.version_n"),
    ("de", "your_data.gpc"),
    ("pt-BR", "your_data.gpc"),
    ("pt-BR", "your_data.noun_link"),
    ("pt-BR", "your_data.noun_links"),
    ("pt-BR", "your_data.noun_email"),
    ("pt-BR", "your_data.noun_emails"),
];

/// Every leaf of a locale file, by its dotted key.
fn leaves(value: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                leaves(value, &key, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn words(json: &str) -> BTreeMap<String, String> {
    let value: Value = serde_json::from_str(json).expect("a locale file is JSON");
    let mut out = BTreeMap::new();
    leaves(&value, "", &mut out);
    out
}

#[test]
fn every_key_is_in_every_language() {
    let english = words(LOCALES[0].1);
    assert!(english.len() > 20, "the English file has the words");
    for (tag, json) in &LOCALES[1..] {
        let theirs = words(json);
        let missing: Vec<_> = english.keys().filter(|k| !theirs.contains_key(*k)).collect();
        let extra: Vec<_> = theirs.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{tag} lacks {missing:?}");
        assert!(extra.is_empty(), "{tag} has keys English does not: {extra:?}");
    }
}

#[test]
fn no_english_is_left_in_a_translation() {
    let english = words(LOCALES[0].1);
    for (tag, json) in &LOCALES[1..] {
        let left: Vec<_> = words(json)
            .into_iter()
            .filter(|(key, value)| english.get(key) == Some(value))
            .filter(|(key, _)| !SAME_AS_ENGLISH.contains(&(tag, key.as_str())))
            .map(|(key, _)| key)
            .collect();
        assert!(left.is_empty(), "{tag} still says in English: {left:?}");
    }
}
