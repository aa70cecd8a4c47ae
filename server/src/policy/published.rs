//! The policy versions this release ships, compiled into the binary so the
//! server needs no extra files, and the demonstration's upcoming version.

use curtain_api::CivilDate;

/// `(file name, contents)` of every published version, oldest first.
pub const PUBLISHED: &[(&str, &str)] = &[
    ("policies/privacy/v1.md", include_str!("../../../policies/privacy/v1.md")),
    ("policies/privacy/v2.md", include_str!("../../../policies/privacy/v2.md")),
    ("policies/privacy/v3.md", include_str!("../../../policies/privacy/v3.md")),
    ("policies/privacy/v4.md", include_str!("../../../policies/privacy/v4.md")),
    ("policies/privacy/v5.md", include_str!("../../../policies/privacy/v5.md")),
];

/// `(file name, contents)` of every published translation. English is the
/// authoritative text; versions 1 to 3 were never translated, so their pages
/// show the English text and say so.
pub const TRANSLATIONS: &[(&str, &str)] = &[
    ("policies/privacy/v4.de.md", include_str!("../../../policies/privacy/v4.de.md")),
    ("policies/privacy/v4.pt-BR.md", include_str!("../../../policies/privacy/v4.pt-BR.md")),
    ("policies/privacy/v5.de.md", include_str!("../../../policies/privacy/v5.de.md")),
    ("policies/privacy/v5.pt-BR.md", include_str!("../../../policies/privacy/v5.pt-BR.md")),
];

const UPCOMING_DEMO_TRANSLATIONS: [&str; 2] = [
    include_str!("../../../policies/privacy/upcoming-demo.de.md"),
    include_str!("../../../policies/privacy/upcoming-demo.pt-BR.md"),
];

const UPCOMING_DEMO: &str = include_str!("../../../policies/privacy/upcoming-demo.md");
const DEMO_DATE_MARK: &str = "DEMO_EFFECTIVE_DATE";

/// The demonstration's upcoming version, effective on `effective` (the demo
/// picks a date a month ahead, so the notice always has something to show).
pub fn upcoming_demo(effective: CivilDate) -> String {
    UPCOMING_DEMO.replace(DEMO_DATE_MARK, &effective.to_string())
}

/// The demonstration's upcoming version in German and Portuguese.
pub fn upcoming_demo_translations(effective: CivilDate) -> Vec<String> {
    UPCOMING_DEMO_TRANSLATIONS.iter().map(|t| t.replace(DEMO_DATE_MARK, &effective.to_string())).collect()
}

/// The shipped version in effect at `now`: what a sign-up must name on a
/// server that has published nothing else.
pub fn current_version(now: i64) -> u32 {
    let versions: Vec<_> = PUBLISHED.iter().filter_map(|(_, text)| super::document::parse(text).ok()).collect();
    super::current(&versions, now).map_or(0, |v| v.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{document, pending_change};

    #[test]
    fn the_shipped_versions_parse_are_numbered_from_one_and_dated_in_order() {
        let versions: Vec<_> = PUBLISHED
            .iter()
            .map(|(name, text)| document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}")))
            .collect();
        for (i, v) in versions.iter().enumerate() {
            assert_eq!(v.version as usize, i + 1, "{}", PUBLISHED[i].0);
            if i > 0 {
                assert!(v.effective >= versions[i - 1].effective, "{} is dated before its predecessor", PUBLISHED[i].0);
            }
        }
        // What the issue asks of them: a non-material wording change, then a material one.
        assert!(!versions[1].material && versions[2].material);
        assert!(pending_change(&versions, 1, versions[2].effective_at()).is_some());
    }

    #[test]
    fn every_version_has_the_sections_people_link_to() {
        for (name, text) in PUBLISHED.iter().copied().chain([("upcoming", UPCOMING_DEMO)]) {
            let text = text.replace(DEMO_DATE_MARK, "2030-01-01");
            let v = document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for id in ["information-we-collect", "how-we-use-information", "cookies", "sharing-and-disclosure",
                "your-choices", "your-information", "security", "children", "changes", "contact"]
            {
                assert!(v.sections.iter().any(|s| s.id == id), "{name} lacks #{id}");
            }
        }
    }

    #[test]
    fn every_shipped_translation_keeps_its_versions_frame() {
        let english = |n: u32| {
            PUBLISHED.iter().map(|(_, t)| document::parse(t).unwrap()).find(|v| v.version == n).unwrap()
        };
        for (name, text) in TRANSLATIONS {
            let t = document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            document::check_translation(&english(t.version), &t).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let date = CivilDate::parse("2030-01-01").unwrap();
        let demo = document::parse(&upcoming_demo(date)).unwrap();
        for text in upcoming_demo_translations(date) {
            let t = document::parse(&text).unwrap();
            document::check_translation(&demo, &t).unwrap_or_else(|e| panic!("{}: {e}", t.language.tag()));
        }
    }

    #[test]
    fn the_demo_version_follows_the_last_published_one() {
        let demo = document::parse(&upcoming_demo(CivilDate::parse("2030-01-01").unwrap())).unwrap();
        assert_eq!(demo.version as usize, PUBLISHED.len() + 1);
        assert_eq!(demo.effective.to_string(), "2030-01-01");
    }
}
