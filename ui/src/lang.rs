//! The languages Curtain speaks, and which one a visitor gets.
//!
//! English is the default and the authoritative text; German and Brazilian
//! Portuguese are translations. A page's language is in its address: English
//! pages have no prefix (or `/en`, when a visitor chose English over what
//! their browser asks for), the others start with `/de` or `/pt-BR`. Nothing
//! is stored in a cookie, so choosing a language needs no optional consent.
//!
//! The words themselves are in `ui/locales/*.json`, loaded at compile time by
//! `leptos_i18n` (the `i18n` module), which checks every key and
//! interpolation against English.

/// A language of the interface and of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    De,
    PtBr,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::PtBr];

    /// The BCP 47 tag: `<html lang>`, `hreflang`, the address prefix and what receipts record.
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's own name for itself, as the switcher shows it.
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// A tag as a page, a form or a stored preference gives it: exact
    /// (ASCII case aside) for ours, `pt` for Brazilian Portuguese.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        Lang::ALL
            .into_iter()
            .find(|lang| lang.tag().eq_ignore_ascii_case(tag))
            .or_else(|| tag.eq_ignore_ascii_case("pt").then_some(Lang::PtBr))
    }

    /// The address prefix: empty for English.
    pub const fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::De => "/de",
            Lang::PtBr => "/pt-BR",
        }
    }

    /// `path` (starting with `/`) in this language.
    pub fn path(self, path: &str) -> String {
        match (self.prefix(), path) {
            ("", path) => path.to_string(),
            (prefix, "/") => prefix.to_string(),
            (prefix, path) => format!("{prefix}{path}"),
        }
    }

    /// Splits a language prefix off `path`: `/de/privacy` is German
    /// `/privacy`; `/en/privacy` is English chosen on purpose. `None` for a
    /// path with no language in it.
    pub fn split_path(path: &str) -> Option<(Lang, &str)> {
        let rest = path.strip_prefix('/')?;
        let end = rest.find('/').unwrap_or(rest.len());
        let lang = match &rest[..end] {
            "en" => Lang::En,
            "de" => Lang::De,
            "pt-BR" => Lang::PtBr,
            _ => return None,
        };
        let tail = &rest[end..];
        Some((lang, if tail.is_empty() { "/" } else { tail }))
    }

    /// The best of our languages for a browser's preferences, in the form of
    /// an `Accept-Language` header (`de-AT,de;q=0.9,en;q=0.5`) or of
    /// `navigator.languages` joined by commas. `None` when it names none of
    /// ours; a `q=0` language is refused, not chosen.
    pub fn negotiate(accept: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, item) in accept.split(',').enumerate() {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if !(q > 0.0) {
                continue;
            }
            let Some(lang) = Lang::for_range(range) else { continue };
            // Higher q wins; for equal q, the one named first.
            let better = match best {
                None => true,
                Some((best_q, best_pos, _)) => q > best_q || (q == best_q && position < best_pos),
            };
            if better {
                best = Some((q, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }

    /// One language range: `de`, `de-CH`, `pt`, `pt-BR`, `pt-PT`, `en-GB`...
    /// Any Portuguese gets Brazilian Portuguese, the one we have.
    fn for_range(range: &str) -> Option<Lang> {
        let primary = range.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            "pt" => Some(Lang::PtBr),
            _ => None,
        }
    }

    /// The `leptos_i18n` locale with this language's words. In an app built
    /// for one language (`BUILT_FOR`), that language's, whatever is asked:
    /// the choice is then a constant, and the other languages' words are
    /// left out of the wasm.
    pub const fn locale(self) -> crate::i18n::Locale {
        let lang = match BUILT_FOR {
            Some(lang) => lang,
            None => self,
        };
        match lang {
            Lang::En => crate::i18n::Locale::en,
            Lang::De => crate::i18n::Locale::de,
            Lang::PtBr => crate::i18n::Locale::pt_BR,
        }
    }
}

/// The one language the wasm app was built for: the release build makes an
/// app per language (`CURTAIN_LANG=de` at compile time), so a visitor
/// downloads the words of their language only, and the server sends each
/// language's pages with its app. Unset (the Trunk dev loop, and the server,
/// which renders every language), every language is in and the page's
/// address chooses.
#[cfg(target_arch = "wasm32")]
pub const BUILT_FOR: Option<Lang> = built_for(option_env!("CURTAIN_LANG"));
#[cfg(not(target_arch = "wasm32"))]
pub const BUILT_FOR: Option<Lang> = None;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const fn built_for(tag: Option<&str>) -> Option<Lang> {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    match tag {
        None => None,
        Some(tag) if same(tag, "") => None,
        Some(tag) if same(tag, "en") => Some(Lang::En),
        Some(tag) if same(tag, "de") => Some(Lang::De),
        Some(tag) if same(tag, "pt-BR") => Some(Lang::PtBr),
        Some(_) => panic!("CURTAIN_LANG is one of en, de and pt-BR"),
    }
}

/// The language of the page being rendered, and whether its address names
/// it (`/en/...` is English chosen over what the browser asks for, and its
/// links keep the `/en`). Views read it from the context (`page_lang()`);
/// the server provides it while rendering (`html::in_language`), the SPA at
/// its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageLang {
    pub lang: Lang,
    /// The address carries the prefix (always so for German and Portuguese).
    pub explicit: bool,
}

impl PageLang {
    /// From a page's path: the language its prefix names, or English.
    pub fn of_path(path: &str) -> PageLang {
        match Lang::split_path(path) {
            Some((lang, _)) => PageLang { lang, explicit: true },
            None => PageLang::default(),
        }
    }

    /// The prefix this page's links keep.
    pub const fn prefix(self) -> &'static str {
        match (self.lang, self.explicit) {
            (Lang::En, true) => "/en",
            (lang, _) => lang.prefix(),
        }
    }

    /// `path` (starting with `/`) in this page's language.
    pub fn path(self, path: &str) -> String {
        match (self.prefix(), path) {
            ("", path) => path.to_string(),
            (prefix, "/") => prefix.to_string(),
            (prefix, path) => format!("{prefix}{path}"),
        }
    }
}

/// Words from the locale files with their `{name}` placeholders filled in:
/// for sentences that are used as text (an attribute, a title, a message
/// kept in a signal), where `td!`'s view interpolation cannot go.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The language of the page being rendered (English outside any).
pub fn page_lang() -> PageLang {
    leptos::prelude::use_context::<PageLang>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("Version {version}, {date}", &[("version", &3), ("date", &"1 June 2026")]), "Version 3, 1 June 2026");
        assert_eq!(fill("{a}{a} {b}", &[("a", &"x")]), "xx {b}");
    }

    #[test]
    fn a_build_names_its_language() {
        assert_eq!(built_for(None), None);
        assert_eq!(built_for(Some("")), None);
        assert_eq!(built_for(Some("de")), Some(Lang::De));
        assert_eq!(built_for(Some("pt-BR")), Some(Lang::PtBr));
        assert_eq!(built_for(Some("en")), Some(Lang::En));
    }

    #[test]
    fn tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag("PT-br"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn paths_gain_and_lose_their_prefix() {
        assert_eq!(Lang::De.path("/privacy"), "/de/privacy");
        assert_eq!(Lang::De.path("/"), "/de");
        assert_eq!(Lang::En.path("/privacy"), "/privacy");
        assert_eq!(Lang::split_path("/de/privacy/v/2"), Some((Lang::De, "/privacy/v/2")));
        assert_eq!(Lang::split_path("/pt-BR"), Some((Lang::PtBr, "/")));
        assert_eq!(Lang::split_path("/de/"), Some((Lang::De, "/")));
        assert_eq!(Lang::split_path("/en/u/ana"), Some((Lang::En, "/u/ana")));
        assert_eq!(Lang::split_path("/privacy"), None);
        assert_eq!(Lang::split_path("/dev/null"), None);
        assert_eq!(Lang::split_path("/pt-br/privacy"), None, "the prefix is exact");
    }

    #[test]
    fn pages_keep_their_prefix() {
        let chosen_english = PageLang::of_path("/en/privacy");
        assert_eq!(chosen_english, PageLang { lang: Lang::En, explicit: true });
        assert_eq!(chosen_english.path("/privacy/versions"), "/en/privacy/versions");
        assert_eq!(PageLang::of_path("/privacy").path("/u/ana"), "/u/ana");
        assert_eq!(PageLang::of_path("/pt-BR/u/ana").path("/"), "/pt-BR");
    }

    #[test]
    fn negotiation_follows_the_browser() {
        assert_eq!(Lang::negotiate("de-AT,de;q=0.9,en;q=0.5"), Some(Lang::De));
        assert_eq!(Lang::negotiate("fr-FR,fr;q=0.9,pt-BR;q=0.8,en;q=0.7"), Some(Lang::PtBr));
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,de;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::negotiate("de;q=0.5,pt-PT;q=0.8"), Some(Lang::PtBr));
        assert_eq!(Lang::negotiate("fr,es"), None);
        assert_eq!(Lang::negotiate(""), None);
        assert_eq!(Lang::negotiate("de;q=0,en"), Some(Lang::En), "q=0 refuses");
        assert_eq!(Lang::negotiate("*"), None);
        assert_eq!(Lang::negotiate("de;q=abc"), Some(Lang::De), "a bad q counts as 1");
    }
}
