//! The Atom feed of policy versions (RFC 4287), one entry per version.

use curtain_api::policy::PolicyStatus;
use curtain_ui::Lang;

use super::document::PolicySource;
use super::store::Translations;
use crate::clock;

/// Ids are tag URIs (RFC 4151), so they stay the same whatever host name or
/// scheme the site is reached by.
const FEED_ID: &str = "tag:curtain.example,2025:privacy-policy";

/// The feed for `versions` (any order), newest first, in `lang`: its words,
/// the summaries of the versions translated into it (`translations`) and
/// links to the pages in that language. `base` is the site's origin
/// (`https://host`), used for links. An entry is *updated* when the version
/// was announced: its publication, or its effective date for versions
/// published after they took effect (the ones the release shipped).
pub fn atom(
    versions: &[PolicySource],
    translations: &Translations,
    lang: Lang,
    published_at: &[(u32, i64)],
    base: &str,
    now: i64,
) -> String {
    let words = curtain_ui::policy::feed_words(lang);
    let fill = curtain_ui::lang::fill;
    let mut sorted: Vec<&PolicySource> = versions.iter().collect();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.version));
    let announced = |v: &PolicySource| {
        let published = published_at.iter().find(|(n, _)| *n == v.version).map_or(v.effective_at(), |(_, at)| *at);
        published.min(v.effective_at())
    };
    let updated = sorted.iter().map(|v| announced(v)).max().unwrap_or(0);

    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.tag()
    );
    xml.push_str(&format!("  <title>{}</title>\n", escape(words.title)));
    xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(words.subtitle)));
    // Each language's feed is a feed of its own, with an id of its own.
    match lang {
        Lang::En => xml.push_str(&format!("  <id>{FEED_ID}</id>\n")),
        other => xml.push_str(&format!("  <id>{FEED_ID}:{}</id>\n", other.tag())),
    }
    xml.push_str(&format!("  <updated>{}</updated>\n", clock::rfc3339(updated)));
    xml.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", escape(&format!("{base}{}", curtain_ui::policy::feed_href(lang)))));
    xml.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(&format!("{base}{}", lang.path("/privacy")))));
    xml.push_str("  <author><name>Curtain</name><email>privacy@curtain.example</email></author>\n");
    for v in sorted {
        let state = match super::status(versions, v, now) {
            PolicyStatus::Upcoming => "upcoming",
            PolicyStatus::Current => "current",
            PolicyStatus::Past => "past",
        };
        let kind = if v.material { words.material } else { words.not_material };
        let title = fill(words.entry, &[("version", &v.version), ("date", &v.effective), ("kind", &kind)]);
        let one_line = translations.get(&v.version).map_or(v.summary.as_str(), |t| t.source.summary.as_str());
        let effective = fill(words.effective, &[("date", &v.effective)]);
        let summary = format!("{one_line} {effective} {}.", capitalise(kind));
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&title)));
        match lang {
            Lang::En => xml.push_str(&format!("    <id>{FEED_ID}:v{}</id>\n", v.version)),
            other => xml.push_str(&format!("    <id>{FEED_ID}:v{}:{}</id>\n", v.version, other.tag())),
        }
        xml.push_str(&format!("    <published>{}</published>\n", clock::rfc3339(announced(v))));
        xml.push_str(&format!("    <updated>{}</updated>\n", clock::rfc3339(announced(v))));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&format!("{base}{}", lang.path(&format!("/privacy/v/{}", v.version))))
        ));
        let materiality = if v.material { "material" } else { "non-material" };
        xml.push_str(&format!("    <category term=\"{materiality}\" label=\"{}\"/>\n", capitalise(kind)));
        xml.push_str(&format!("    <category term=\"{state}\"/>\n"));
        xml.push_str(&format!("    <summary type=\"text\">{}</summary>\n", escape(&summary)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// XML and HTML text and attribute escaping (the first paint uses it too).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::document::parse;

    #[test]
    fn entries_are_newest_first_with_escaped_text() {
        let v1 = parse("---\nversion: 1\neffective: 2025-03-01\nmaterial: yes\nsummary: First <one> & only\n---\n## A\n\nx\n").unwrap();
        let v2 = parse("---\nversion: 2\neffective: 2025-09-15\nmaterial: no\nsummary: Wording\n---\n## A\n\ny\n").unwrap();
        let xml = atom(&[v1.clone(), v2.clone()], &Translations::new(), Lang::En, &[], "https://c.example", 2_000_000_000);
        assert!(xml.find(":v2</id>").unwrap() < xml.find(":v1</id>").unwrap());
        assert!(xml.contains("First &lt;one&gt; &amp; only"), "{xml}");
        assert!(xml.contains("href=\"https://c.example/privacy/v/1\""));
        assert!(xml.contains("<updated>2025-09-15T00:00:00Z</updated>"), "{xml}");
        assert!(xml.contains("Wording Effective 2025-09-15. Not a material change."), "{xml}");

        // In German: German words, the German summary where there is one,
        // links to the German pages, and an id of its own.
        let de = parse("---\nversion: 2\neffective: 2025-09-15\nmaterial: no\nsummary: Nur Worte\nlanguage: de\n---\n## A\n\ny\n").unwrap();
        let rendered = crate::policy::store::RenderedVersion { source: de, sections_html: vec![] };
        let translations = Translations::from([(2, std::sync::Arc::new(rendered))]);
        let xml = atom(&[v1, v2], &translations, Lang::De, &[], "https://c.example", 2_000_000_000);
        assert!(xml.contains("xml:lang=\"de\""), "{xml}");
        assert!(xml.contains("Nur Worte Gültig ab 2025-09-15. Keine wesentliche Änderung."), "{xml}");
        assert!(xml.contains("First &lt;one&gt; &amp; only Gültig ab 2025-03-01. Wesentliche Änderung."), "{xml}");
        assert!(xml.contains("href=\"https://c.example/de/privacy/v/1\""), "{xml}");
        assert!(xml.contains("href=\"https://c.example/policies/privacy.atom?lang=de\""), "{xml}");
        assert!(xml.contains(":v2:de</id>"), "{xml}");
    }
}
