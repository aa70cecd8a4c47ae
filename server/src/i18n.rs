//! The sentences the server writes (API errors, field messages, e-mails) in
//! the reader's language. English stays the one source: the code writes its
//! English sentence as before, and `locales/de.json` and `locales/pt-BR.json`
//! map each English sentence, as written in the source, to its translation.
//!
//! A sentence that carries values is written in the catalogue as its format
//! string (`"Use {USERNAME_MIN} to {USERNAME_MAX} characters."`, `"Version {}
//! takes effect on {}."`): every `{...}` is a placeholder. A translation
//! places them with the same names, or `{0}`, `{1}`… by position, or `{}` in
//! order. [`translate`] recognises a finished English sentence by its
//! template and writes the translation with the same values, so the error
//! type can translate whatever message it carries when the answer is built;
//! [`text`] fills a template in a language directly (e-mails).
//!
//! The language of a request is [`request_lang`]: what its `Accept-Language`
//! prefers of ours (the app sends its page's language on every request),
//! English otherwise. It is set for the whole request by [`scope`], which
//! `language::route` runs around every request, and English outside one (a
//! command-line job). A unit test extracts every English sentence from the
//! source and requires a German and a Portuguese entry for each, and no entry
//! for a sentence that is gone.

use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::sync::OnceLock;

use curtain_api::FieldErrors;
use curtain_ui::Lang;

tokio::task_local! {
    static REQUEST_LANG: Lang;
}

/// The language of the request being answered; English outside a request.
pub fn request_lang() -> Lang {
    REQUEST_LANG.try_with(|lang| *lang).unwrap_or(Lang::En)
}

/// Runs `future` with `lang` as its request language.
pub async fn scope<F: Future>(lang: Lang, future: F) -> F::Output {
    REQUEST_LANG.scope(lang, future).await
}

/// The language an `Accept-Language` header asks for, of ours; English when
/// it names none.
pub fn from_accept_language(accept: Option<&str>) -> Lang {
    accept.and_then(Lang::negotiate).unwrap_or(Lang::En)
}

/// One part of a template: text, or a placeholder with its name (`""` for `{}`).
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Hole(String),
}

fn parse(template: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if !closed || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '.') {
                    // Not a placeholder: keep it as text.
                    text.push('{');
                    text.push_str(&name);
                    if closed {
                        text.push('}');
                    }
                    continue;
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                // A format spec (`{:02}`) does not name the value.
                let name = name.split(':').next().unwrap_or("").to_string();
                parts.push(Part::Hole(name));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    parts
}

/// The placeholders of a template, in order.
fn holes(parts: &[Part]) -> Vec<&str> {
    parts.iter().filter_map(|p| if let Part::Hole(name) = p { Some(name.as_str()) } else { None }).collect()
}

/// The values of `english` if it is `template` filled in.
fn matches(template: &[Part], english: &str) -> Option<Vec<String>> {
    let mut rest = english;
    let mut values = Vec::new();
    let mut pending_hole = false;
    for (i, part) in template.iter().enumerate() {
        match part {
            Part::Hole(_) => pending_hole = true,
            Part::Text(text) => {
                if pending_hole {
                    let at = if i == template.len() - 1 {
                        // The last text ends the sentence.
                        rest.strip_suffix(text.as_str()).map(|before| before.len())?
                    } else {
                        rest.find(text.as_str())?
                    };
                    values.push(rest[..at].to_string());
                    rest = &rest[at + text.len()..];
                    pending_hole = false;
                } else {
                    rest = rest.strip_prefix(text.as_str())?;
                }
            }
        }
    }
    if pending_hole {
        values.push(rest.to_string());
        rest = "";
    }
    rest.is_empty().then_some(values)
}

/// `translation` with the values put in its placeholders, found by the
/// template's names, by position (`{0}`) or in order (`{}`).
fn fill(translation: &[Part], names: &[&str], values: &[String]) -> String {
    let mut out = String::new();
    let mut next = 0;
    for part in translation {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Hole(name) => {
                let index = if name.is_empty() {
                    next += 1;
                    Some(next - 1)
                } else if let Ok(n) = name.parse::<usize>() {
                    Some(n)
                } else {
                    names.iter().position(|n| n == name)
                };
                match index.and_then(|i| values.get(i)) {
                    Some(value) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
            }
        }
    }
    out
}

/// One language's catalogue: exact sentences, and templates with placeholders.
struct Catalogue {
    exact: HashMap<String, String>,
    templates: Vec<(Vec<Part>, Vec<Part>)>,
}

impl Catalogue {
    fn load(json: &str) -> Catalogue {
        let entries: std::collections::BTreeMap<String, String> =
            serde_json::from_str(json).expect("a server catalogue is a JSON object of strings");
        let mut exact = HashMap::new();
        let mut templates = Vec::new();
        for (english, translation) in entries {
            let parts = parse(&english);
            if parts.iter().any(|p| matches!(p, Part::Hole(_))) {
                templates.push((parts, parse(&translation)));
            }
            exact.insert(english, translation);
        }
        // The most specific template first: the one with the most text.
        templates.sort_by_key(|(parts, _)| {
            std::cmp::Reverse(parts.iter().map(|p| if let Part::Text(t) = p { t.len() } else { 0 }).sum::<usize>())
        });
        Catalogue { exact, templates }
    }
}

const DE: &str = include_str!("../locales/de.json");
const PT_BR: &str = include_str!("../locales/pt-BR.json");

fn catalogue(lang: Lang) -> Option<&'static Catalogue> {
    static CATALOGUES: OnceLock<[Catalogue; 2]> = OnceLock::new();
    let [de, pt] = CATALOGUES.get_or_init(|| [Catalogue::load(DE), Catalogue::load(PT_BR)]);
    match lang {
        Lang::En => None,
        Lang::De => Some(de),
        Lang::PtBr => Some(pt),
    }
}

/// A finished English sentence in `lang`: its translation, with the values
/// it carries (each translated too when it is a sentence of its own). A
/// sentence the catalogue does not know stays English.
pub fn translate(lang: Lang, english: &str) -> String {
    let Some(catalogue) = catalogue(lang) else { return english.to_string() };
    if let Some(translation) = catalogue.exact.get(english) {
        return translation.clone();
    }
    for (template, translation) in &catalogue.templates {
        if let Some(values) = matches(template, english) {
            let values: Vec<String> =
                values.into_iter().map(|v| catalogue.exact.get(&v).cloned().unwrap_or(v)).collect();
            return fill(translation, &holes(template), &values);
        }
    }
    english.to_string()
}

/// Every field message in `lang`.
pub fn translate_fields(lang: Lang, fields: &FieldErrors) -> FieldErrors {
    if lang == Lang::En {
        return fields.clone();
    }
    fields.iter().map(|(field, messages)| (field.clone(), messages.iter().map(|m| translate(lang, m)).collect())).collect()
}

/// `template` (an English sentence with `{}` or named placeholders, as the
/// catalogue has it) in `lang`, with `values` in its placeholders, in order.
pub fn text(lang: Lang, template: &str, values: &[&dyn Display]) -> String {
    let template_parts = parse(template);
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let names = holes(&template_parts);
    let translated = catalogue(lang).and_then(|c| c.exact.get(template));
    match translated {
        Some(translation) => fill(&parse(translation), &names, &values),
        None => fill(&template_parts, &names, &values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn templates_are_recognised_and_refilled() {
        let template = parse("Use {MIN} to {MAX} characters.");
        assert_eq!(matches(&template, "Use 3 to 30 characters."), Some(vec!["3".to_string(), "30".to_string()]));
        assert_eq!(matches(&template, "Use 3 to 30 letters."), None);
        let translation = parse("Zwischen {MIN} und {MAX} Zeichen.");
        assert_eq!(fill(&translation, &["MIN", "MAX"], &["3".into(), "30".into()]), "Zwischen 3 und 30 Zeichen.");
        let by_position = parse("{1}, dann {0}.");
        assert_eq!(fill(&by_position, &["", ""], &["a".into(), "b".into()]), "b, dann a.");
        assert_eq!(matches(&parse("{} Try again."), "Slow down. Try again."), Some(vec!["Slow down.".to_string()]));
    }

    #[test]
    fn english_is_left_as_it_is() {
        assert_eq!(translate(Lang::En, "Sign in to continue."), "Sign in to continue.");
        assert_eq!(text(Lang::En, "Read version {}: {}", &[&7, &"https://x"]), "Read version 7: https://x");
    }

    #[test]
    fn known_sentences_are_translated_with_their_values() {
        assert_eq!(translate(Lang::De, "Sign in to continue."), "Melden Sie sich an, um fortzufahren.");
        let de = translate(Lang::De, &curtain_api::validate::username("ab").unwrap_err());
        assert!(de.contains('3') && de.contains("30") && !de.contains("Use"), "{de}");
        assert_eq!(translate(Lang::De, "Not a sentence we know."), "Not a sentence we know.");
    }

    #[test]
    fn the_request_language_is_english_outside_a_request() {
        assert_eq!(request_lang(), Lang::En);
        let inside = tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(scope(Lang::De, async { request_lang() }));
        assert_eq!(inside, Lang::De);
    }

    /// Source files whose sentences reach people: API answers, field
    /// messages of the shared rules, e-mails.
    const SOURCES: &[&str] = &[
        "src/error.rs",
        "src/http/account.rs",
        "src/http/auth.rs",
        "src/http/consent.rs",
        "src/http/cross_site.rs",
        "src/http/mod.rs",
        "src/http/policy.rs",
        "src/http/profiles.rs",
        "src/accounts.rs",
        "src/consent.rs",
        "src/email_verification.rs",
        "src/outbox.rs",
        "src/privacy_requests.rs",
        "src/profiles.rs",
        "src/promises.rs",
        "src/rate_limit.rs",
        "src/retention.rs",
        "../api/src/validate.rs",
        "../api/src/account.rs",
        "../api/src/profile.rs",
        "../api/src/consent.rs",
    ];

    /// Literals in those files that look like sentences but no one reads as
    /// an answer: demonstration data; labels and cookie descriptions of the
    /// shared crate, which the app words itself in its own locale files;
    /// axum's own words, taken off its messages.
    const NOT_MESSAGES: &[&str] = &[
        "Ana Lima",
        "Bruno Costa",
        "Film noir",
        "Science fiction",
        "Singin' in the Rain",
        "The Bear",
        "Twin Peaks",
        "Signed-in members",
        "Only me",
        "Display name",
        "About you",
        "Favourite genres",
        "Date you joined",
        "Watch history",
        "Age (from your birth date)",
        "Followers list",
        "Following list",
        "Accept all",
        "Reject all",
        "Chosen one by one",
        "A random sign-in token; our server keeps only a fingerprint of it.",
        "A token that proves a change really comes from this site.",
        "As long as your sign-in.",
        "Your cookie answer: a random consent id, which categories you allowed, and when.",
        "Your theme: light, dark or the device's setting.",
        "Keep you signed in while you use the site, protect your forms from other sites, and remember the answer you give here. The site cannot work without them, so they are always on.",
        "Kept after you close the browser, when you tick \"keep me signed in\".",
        "Remember choices you make so you don't have to make them again: staying signed in on this device (\"keep me signed in\") and your light or dark theme.",
        "Count how often each page is viewed, so we know what people read. We count pages per day on our own server only: no cookie, no identifier, nothing about you, and nothing shared with anyone.",
        "Until you close the browser, or 30 days with \"keep me signed in\" (a preferences choice).",
        "Failed to deserialize query string: ",
        "Failed to deserialize the JSON body into the target type: ",
        "Film noir on Sundays, musicals when it rains. Working through every Hitchcock.",
        "Slow cinema and long series. Ask to follow and say hello.",
        "Animation and anything with dragons.",
        "This week on Curtain: what the community watched, and three films worth a second look.",
        "Curtain weekly",
    ];

    /// The string literals of Rust source, unescaped, outside comments and
    /// before the file's tests.
    fn literals(source: &str) -> Vec<String> {
        let source = source.split("#[cfg(test)]").next().unwrap_or(source);
        let chars: Vec<char> = source.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '/' if chars.get(i + 1) == Some(&'/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '/' if chars.get(i + 1) == Some(&'*') => {
                    while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                        i += 1;
                    }
                    i += 2;
                }
                '\'' => {
                    // A char literal, or a lifetime.
                    if chars.get(i + 1) == Some(&'\\') {
                        i += 2;
                        while i < chars.len() && chars[i] != '\'' {
                            i += 1;
                        }
                        i += 1;
                    } else if chars.get(i + 2) == Some(&'\'') {
                        i += 3;
                    } else {
                        i += 1;
                    }
                }
                'r' if chars.get(i + 1) == Some(&'"') || (chars.get(i + 1) == Some(&'#') && !chars[i.saturating_sub(1)].is_alphanumeric()) => {
                    let mut j = i + 1;
                    let mut hashes = 0;
                    while chars.get(j) == Some(&'#') {
                        hashes += 1;
                        j += 1;
                    }
                    if chars.get(j) != Some(&'"') {
                        i += 1;
                        continue;
                    }
                    j += 1;
                    let start = j;
                    loop {
                        if j >= chars.len() {
                            break;
                        }
                        if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                            break;
                        }
                        j += 1;
                    }
                    out.push(chars[start..j.min(chars.len())].iter().collect());
                    i = j + 1 + hashes;
                }
                '"' => {
                    let mut value = String::new();
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        if chars[i] == '\\' {
                            i += 1;
                            match chars.get(i) {
                                Some('n') => value.push('\n'),
                                Some('t') => value.push('\t'),
                                Some('\n') => {
                                    // A line continuation: the newline and the next line's indent go.
                                    while i + 1 < chars.len() && chars[i + 1].is_whitespace() {
                                        i += 1;
                                    }
                                }
                                Some('u') => {
                                    let end = (i..chars.len()).find(|&k| chars[k] == '}').unwrap_or(i);
                                    let hex: String = chars[i + 2..end].iter().collect();
                                    value.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                                    i = end;
                                }
                                Some(c) => value.push(*c),
                                None => {}
                            }
                        } else {
                            value.push(chars[i]);
                        }
                        i += 1;
                    }
                    out.push(value);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out
    }

    /// Whether a literal is a sentence for people: it starts like one (a
    /// capital, then a small letter, a space or an apostrophe; or a quote or
    /// a placeholder) and has words.
    fn is_sentence(literal: &str) -> bool {
        let mut chars = literal.chars();
        let (Some(first), Some(second)) = (chars.next(), chars.next()) else { return false };
        let starts = (first.is_uppercase() && (second.is_lowercase() || second == ' ' || second == '\'' || second == '\u{2019}'))
            || first == '"'
            || first == '\u{201c}';
        starts && literal.trim().contains(' ')
    }

    fn sentences_in_source() -> BTreeSet<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = BTreeSet::new();
        for file in SOURCES {
            let source = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            for literal in literals(&source) {
                if is_sentence(&literal) && !NOT_MESSAGES.contains(&literal.as_str()) {
                    found.insert(literal);
                }
            }
        }
        // Words put together from tables rather than written as sentences
        // (names, lower-case details and periods, labels such as "E-mail
        // settings", the retention line's template): each one the answer
        // can carry, exactly as it is looked up.
        found.extend(crate::retention::RULES.iter().flat_map(|rule| rule.sentences()));
        found.extend(crate::promises::sentences());
        found
    }

    #[test]
    fn every_sentence_has_each_translation_and_nothing_else_is_translated() {
        let sentences = sentences_in_source();
        assert!(sentences.len() > 100, "the extraction finds the sentences: {}", sentences.len());
        let mut problems = Vec::new();
        for (tag, json) in [("de", DE), ("pt-BR", PT_BR)] {
            let entries: std::collections::BTreeMap<String, String> = serde_json::from_str(json).unwrap();
            for sentence in &sentences {
                match entries.get(sentence) {
                    None => problems.push(format!("{tag}: missing {sentence:?}")),
                    Some(t) if t.trim().is_empty() || t == sentence => {
                        problems.push(format!("{tag}: not translated {sentence:?}"))
                    }
                    Some(t) => {
                        let parsed = parse(sentence);
                        let names = holes(&parsed).into_iter().filter(|n| !n.is_empty()).collect::<BTreeSet<_>>();
                        let template_holes = holes(&parse(sentence)).len();
                        for hole in holes(&parse(t)) {
                            let known = hole.is_empty()
                                || hole.parse::<usize>().is_ok_and(|n| n < template_holes)
                                || names.contains(hole);
                            if !known {
                                problems.push(format!("{tag}: {{{hole}}} is not a placeholder of {sentence:?}"));
                            }
                        }
                        if holes(&parse(t)).len() != template_holes {
                            problems.push(format!("{tag}: {sentence:?} has {template_holes} placeholders, its translation another number"));
                        }
                    }
                }
            }
            for english in entries.keys() {
                if !sentences.contains(english) {
                    problems.push(format!("{tag}: {english:?} is no longer in the source"));
                }
            }
        }
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}
