//! A policy version as written: a Markdown file with front matter, split into
//! sections on its `##` headings.
//!
//! ```text
//! ---
//! version: 3
//! effective: 2026-06-01
//! material: yes
//! summary: One line saying what changed.
//! ---
//!
//! ## Children {#children}
//! ...
//! ```

use curtain_api::CivilDate;
use curtain_ui::Lang;

/// A parsed version file.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySource {
    pub version: u32,
    pub effective: CivilDate,
    pub material: bool,
    pub summary: String,
    pub sections: Vec<SectionSource>,
    /// Why a material version took effect with less than 30 days' notice.
    /// Not part of the file: given when publishing, and kept beside it.
    pub urgent_reason: Option<String>,
    /// The language it is written in: English (the authoritative text)
    /// unless the front matter names another (`language: de`), which makes
    /// the file a translation of the English version with its number.
    pub language: Lang,
}

/// One `##` section: a stable id, the heading text, and the Markdown under it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionSource {
    pub id: String,
    pub title: String,
    pub markdown: String,
}

impl PolicySource {
    /// 00:00 UTC of the effective date, in Unix seconds.
    pub fn effective_at(&self) -> i64 {
        effective_at(self.effective)
    }
}

/// 00:00 UTC of `date`, in Unix seconds.
pub fn effective_at(date: CivilDate) -> i64 {
    unix_days(date) * 86_400
}

/// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
fn unix_days(d: CivilDate) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Why a version file could not be read. Each message names what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the file must start with a front matter block: a line `---`, the fields, and another `---`")]
    MissingFrontMatter,
    #[error("the front matter is not closed: add a line `---` after its last field")]
    UnclosedFrontMatter,
    #[error("front matter line {line} is not `name: value`")]
    BadLine { line: usize },
    #[error("the front matter has no `{0}` field")]
    MissingField(&'static str),
    #[error("the front matter names `{0}` twice")]
    DuplicateField(String),
    #[error("the front matter field `{0}` is not one of version, effective, material, summary, language")]
    UnknownField(String),
    #[error("`{field}: {value}` is not valid: {expected}")]
    BadValue { field: &'static str, value: String, expected: &'static str },
    #[error("text before the first `##` heading: every part of the policy belongs to a section")]
    TextBeforeFirstSection,
    #[error("the policy has no `##` sections")]
    NoSections,
    #[error("section heading `{0}` has an id that is not lowercase letters, digits and hyphens")]
    BadSectionId(String),
    #[error("two sections have the id `{0}`; ids must be unique")]
    DuplicateSectionId(String),
    #[error("section `{section}`: {message}")]
    BadPromise { section: String, message: String },
    #[error("two statements carry the promise id `{0}`; each promise is made once")]
    DuplicatePromise(String),
}

/// A statement of the policy that makes a promise (see
/// [`super::render::promise_marker`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseSource {
    pub id: String,
    pub section_id: String,
    pub section_title: String,
    /// The statement, as plain text.
    pub statement: String,
}

impl PolicySource {
    /// Every promise the version makes, in order.
    pub fn promises(&self) -> Vec<PromiseSource> {
        self.sections
            .iter()
            .flat_map(|section| {
                // `parse` checked every marker, so this cannot fail here.
                super::render::promises(&section.markdown).unwrap_or_default().into_iter().map(|(id, statement)| {
                    PromiseSource { id, section_id: section.id.clone(), section_title: section.title.clone(), statement }
                })
            })
            .collect()
    }
}

/// Parses a version file.
pub fn parse(source: &str) -> Result<PolicySource, SourceError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Err(SourceError::MissingFrontMatter);
    }
    let mut version = None;
    let mut effective = None;
    let mut material = None;
    let mut summary = None;
    let mut language = None;
    let mut closed = false;
    // Line numbers count from 1, and the opening `---` was line 1.
    for (line_no, line) in (2..).zip(lines.by_ref()) {
        let line = line.trim_end();
        if line == "---" {
            closed = true;
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or(SourceError::BadLine { line: line_no })?;
        let (name, value) = (name.trim(), value.trim());
        let slot_taken = |taken: bool| if taken { Err(SourceError::DuplicateField(name.to_string())) } else { Ok(()) };
        match name {
            "version" => {
                slot_taken(version.is_some())?;
                version = Some(value.parse::<u32>().ok().filter(|v| *v > 0).ok_or_else(|| SourceError::BadValue {
                    field: "version",
                    value: value.into(),
                    expected: "a whole number from 1 up",
                })?);
            }
            "effective" => {
                slot_taken(effective.is_some())?;
                effective = Some(CivilDate::parse(value).ok_or_else(|| SourceError::BadValue {
                    field: "effective",
                    value: value.into(),
                    expected: "a date written YYYY-MM-DD",
                })?);
            }
            "material" => {
                slot_taken(material.is_some())?;
                material = Some(match value {
                    "yes" | "true" => true,
                    "no" | "false" => false,
                    _ => {
                        return Err(SourceError::BadValue { field: "material", value: value.into(), expected: "yes or no" })
                    }
                });
            }
            "summary" => {
                slot_taken(summary.is_some())?;
                if value.is_empty() {
                    return Err(SourceError::BadValue { field: "summary", value: String::new(), expected: "one line of text" });
                }
                summary = Some(value.to_string());
            }
            "language" => {
                slot_taken(language.is_some())?;
                language = Some(Lang::from_tag(value).ok_or_else(|| SourceError::BadValue {
                    field: "language",
                    value: value.into(),
                    expected: "one of en, de, pt-BR",
                })?);
            }
            other => return Err(SourceError::UnknownField(other.to_string())),
        }
    }
    if !closed {
        return Err(SourceError::UnclosedFrontMatter);
    }
    let body: Vec<&str> = lines.collect();
    let parsed = PolicySource {
        version: version.ok_or(SourceError::MissingField("version"))?,
        effective: effective.ok_or(SourceError::MissingField("effective"))?,
        material: material.ok_or(SourceError::MissingField("material"))?,
        summary: summary.ok_or(SourceError::MissingField("summary"))?,
        sections: split_sections(&body)?,
        urgent_reason: None,
        language: language.unwrap_or(Lang::En),
    };
    let mut ids = std::collections::BTreeSet::new();
    for section in &parsed.sections {
        let found = super::render::promises(&section.markdown)
            .map_err(|message| SourceError::BadPromise { section: section.id.clone(), message })?;
        for (id, _) in found {
            if !ids.insert(id.clone()) {
                return Err(SourceError::DuplicatePromise(id));
            }
        }
    }
    Ok(parsed)
}

/// Why a file cannot stand as a translation of an English version. Each
/// message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslationError {
    #[error("the file is in English: a translation names its language in the front matter (`language: de` or `language: pt-BR`)")]
    NotATranslation,
    #[error("there is no version {0} of the policy to translate; publish the English version first, or with it")]
    NoSuchVersion(u32),
    #[error("the translation says `{field}: {translated}`, but version {version} says `{english}`; a translation carries the English version's own values")]
    Differs { version: u32, field: &'static str, english: String, translated: String },
    #[error("the translation's sections ({translated}) are not the English version's ({english}): keep every `{{#id}}`, in the same order")]
    Sections { english: String, translated: String },
    #[error("the translation's promise markers ({translated}) are not the English version's ({english}): keep every `<!-- promise: id -->`, in the same order")]
    Promises { english: String, translated: String },
}

/// Checks that `translation` is a faithful frame of `english`: the same
/// version, date and materiality, the same section ids in the same order (so
/// a link to `#cookies` works in every language) and the same promises.
pub fn check_translation(english: &PolicySource, translation: &PolicySource) -> Result<(), TranslationError> {
    if translation.language == Lang::En {
        return Err(TranslationError::NotATranslation);
    }
    let version = english.version;
    let differs = |field, english: String, translated: String| {
        (english != translated).then(|| TranslationError::Differs { version, field, english, translated })
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    if let Some(e) = differs("version", english.version.to_string(), translation.version.to_string())
        .or_else(|| differs("effective", english.effective.to_string(), translation.effective.to_string()))
        .or_else(|| differs("material", yes_no(english.material), yes_no(translation.material)))
    {
        return Err(e);
    }
    let ids = |v: &PolicySource| v.sections.iter().map(|s| format!("#{}", s.id)).collect::<Vec<_>>().join(", ");
    if ids(english) != ids(translation) {
        return Err(TranslationError::Sections { english: ids(english), translated: ids(translation) });
    }
    let promises = |v: &PolicySource| v.promises().into_iter().map(|p| p.id).collect::<Vec<_>>().join(", ");
    if promises(english) != promises(translation) {
        return Err(TranslationError::Promises { english: promises(english), translated: promises(translation) });
    }
    Ok(())
}

/// Splits the body on `## ` headings (outside fenced code).
fn split_sections(lines: &[&str]) -> Result<Vec<SectionSource>, SourceError> {
    let mut sections: Vec<SectionSource> = Vec::new();
    let mut in_fence = false;
    for line in lines {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(heading) = line.strip_prefix("## ") {
                let (title, id) = heading_id(heading)?;
                if sections.iter().any(|s| s.id == id) {
                    return Err(SourceError::DuplicateSectionId(id));
                }
                sections.push(SectionSource { id, title, markdown: String::new() });
                continue;
            }
        }
        match sections.last_mut() {
            Some(section) => {
                section.markdown.push_str(line);
                section.markdown.push('\n');
            }
            None if line.trim().is_empty() => {}
            None => return Err(SourceError::TextBeforeFirstSection),
        }
    }
    for section in &mut sections {
        section.markdown = section.markdown.trim().to_string();
    }
    if sections.is_empty() {
        return Err(SourceError::NoSections);
    }
    Ok(sections)
}

/// `Heading text {#id}` -> (`Heading text`, `id`); without an explicit id the
/// id is made from the text. Explicit ids let a heading be reworded while
/// links to it keep working.
fn heading_id(heading: &str) -> Result<(String, String), SourceError> {
    let heading = heading.trim();
    if let Some(open) = heading.rfind("{#") {
        if let Some(id) = heading[open + 2..].strip_suffix('}') {
            let valid = !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && id.as_bytes()[0].is_ascii_lowercase();
            if !valid {
                return Err(SourceError::BadSectionId(heading.to_string()));
            }
            return Ok((heading[..open].trim().to_string(), id.to_string()));
        }
    }
    let id = slug(heading);
    if id.is_empty() || !id.as_bytes()[0].is_ascii_lowercase() {
        return Err(SourceError::BadSectionId(heading.to_string()));
    }
    Ok((heading.to_string(), id))
}

/// Lowercase ASCII letters and digits, other runs become one hyphen.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\nversion: 2\neffective: 2025-09-15\nmaterial: no\nsummary: Clearer words.\n---\n\n## In short {#in-short}\n\nHello.\n\n## Children\n\nNot for under 13.\n\n### More\n\nDetail.\n";

    #[test]
    fn reads_front_matter_and_sections() {
        let p = parse(GOOD).unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(p.effective, CivilDate::parse("2025-09-15").unwrap());
        assert!(!p.material);
        assert_eq!(p.summary, "Clearer words.");
        let ids: Vec<_> = p.sections.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
        assert_eq!(ids, [("in-short", "In short"), ("children", "Children")]);
        assert_eq!(p.sections[1].markdown, "Not for under 13.\n\n### More\n\nDetail.");
    }

    #[test]
    fn a_translation_names_its_language_and_keeps_the_english_frame() {
        let english = parse(GOOD).unwrap();
        assert_eq!(english.language, Lang::En);
        let german = GOOD
            .replace("summary: Clearer words.", "summary: Klarere Worte.\nlanguage: de")
            .replace("## In short {#in-short}", "## Kurz gesagt {#in-short}")
            .replace("## Children", "## Kinder {#children}");
        let german = parse(&german).unwrap();
        assert_eq!(german.language, Lang::De);
        assert_eq!(check_translation(&english, &german), Ok(()));
        assert_eq!(check_translation(&english, &english), Err(TranslationError::NotATranslation));

        let later = parse(&GOOD.replace("2025-09-15", "2025-10-01").replace("Clearer words.", "X\nlanguage: de")).unwrap();
        assert!(matches!(check_translation(&english, &later), Err(TranslationError::Differs { field: "effective", .. })));
        let renamed = parse(&GOOD.replace("{#in-short}", "{#kurz}").replace("Clearer words.", "X\nlanguage: pt-BR")).unwrap();
        let err = check_translation(&english, &renamed).unwrap_err();
        assert!(err.to_string().contains("#kurz, #children"), "{err}");
        let promised = parse(&GOOD.replace("Hello.", "Hallo. <!-- promise: hello -->").replace("Clearer words.", "X\nlanguage: de")).unwrap();
        assert!(matches!(check_translation(&english, &promised), Err(TranslationError::Promises { .. })));
        assert!(matches!(parse(&GOOD.replace("Clearer words.", "X\nlanguage: fr")), Err(SourceError::BadValue { field: "language", .. })));
    }

    #[test]
    fn the_effective_instant_is_midnight_utc() {
        assert_eq!(effective_at(CivilDate::parse("1970-01-01").unwrap()), 0);
        assert_eq!(effective_at(CivilDate::parse("2026-06-01").unwrap()), 1_780_272_000);
        // Round trip with the calendar's own conversion.
        let d = CivilDate::parse("2024-02-29").unwrap();
        assert_eq!(CivilDate::from_unix_days(effective_at(d) / 86_400), d);
    }

    #[test]
    fn front_matter_errors_say_what_is_wrong() {
        let with = |fm: &str| parse(&format!("---\n{fm}\n---\n## A\n\nx\n"));
        assert_eq!(parse("## A\n"), Err(SourceError::MissingFrontMatter));
        assert_eq!(parse("---\nversion: 1\n## A\n"), Err(SourceError::BadLine { line: 3 }));
        assert_eq!(parse("---\nversion: 1\n"), Err(SourceError::UnclosedFrontMatter));
        assert_eq!(
            with("version: 1\neffective: 2025-01-01\nmaterial: yes"),
            Err(SourceError::MissingField("summary"))
        );
        assert!(matches!(
            with("version: one\neffective: 2025-01-01\nmaterial: yes\nsummary: s"),
            Err(SourceError::BadValue { field: "version", .. })
        ));
        assert!(matches!(
            with("version: 1\neffective: 2025-02-30\nmaterial: yes\nsummary: s"),
            Err(SourceError::BadValue { field: "effective", .. })
        ));
        assert!(matches!(
            with("version: 1\neffective: 2025-01-01\nmaterial: maybe\nsummary: s"),
            Err(SourceError::BadValue { field: "material", .. })
        ));
        assert_eq!(
            with("version: 1\nversion: 2\neffective: 2025-01-01\nmaterial: yes\nsummary: s"),
            Err(SourceError::DuplicateField("version".into()))
        );
        assert_eq!(
            with("version: 1\nauthor: me\neffective: 2025-01-01\nmaterial: yes\nsummary: s"),
            Err(SourceError::UnknownField("author".into()))
        );
        let err = with("version: 1\neffective: 2025-02-30\nmaterial: yes\nsummary: s").unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn section_errors_say_what_is_wrong() {
        let fm = "---\nversion: 1\neffective: 2025-01-01\nmaterial: yes\nsummary: s\n---\n";
        assert_eq!(parse(&format!("{fm}Intro\n## A\n")), Err(SourceError::TextBeforeFirstSection));
        assert_eq!(parse(fm), Err(SourceError::NoSections));
        assert_eq!(parse(&format!("{fm}## A {{#x}}\n## B {{#x}}\n")), Err(SourceError::DuplicateSectionId("x".into())));
        assert!(matches!(parse(&format!("{fm}## A {{#Bad Id}}\n")), Err(SourceError::BadSectionId(_))));
    }

    #[test]
    fn headings_inside_code_fences_are_not_sections() {
        let fm = "---\nversion: 1\neffective: 2025-01-01\nmaterial: yes\nsummary: s\n---\n";
        let p = parse(&format!("{fm}## A\n```\n## not a heading\n```\n")).unwrap();
        assert_eq!(p.sections.len(), 1);
    }

    #[test]
    fn slugs_are_lowercase_and_hyphenated() {
        assert_eq!(slug("Reviewing, updating & deleting"), "reviewing-updating-deleting");
        assert_eq!(slug("  Children  "), "children");
    }
}
