//! The shared views render to HTML on the host, as the server needs them.

use curtain_api::consent::category_descriptions;
use curtain_ui::banner::BannerContent;

#[test]
fn the_banner_renders_as_a_form_with_its_three_answers() {
    let html = curtain_ui::html::consent_banner(BannerContent {
        revision: 3,
        return_to: "/privacy?x=<1>".into(),
        ..Default::default()
    });
    assert!(html.contains(r#"method="post" action="/consent""#), "{html}");
    for answer in ["accept_all", "reject_all", "choose"] {
        assert!(html.contains(&format!(r#"value="{answer}""#)), "{answer}: {html}");
    }
    assert!(html.contains(r#"name="revision" value="3""#), "{html}");
    assert!(html.contains("&lt;1&gt;") && !html.contains("<1>"), "values are escaped: {html}");
    assert!(!html.contains("consent-banner-choices"), "no switches until asked: {html}");
}

#[test]
fn choosing_shows_a_switch_per_optional_category() {
    let html = curtain_ui::html::consent_banner(BannerContent {
        revision: 1,
        choosing: Some(category_descriptions()),
        return_to: "/".into(),
        ..Default::default()
    });
    assert!(html.contains(r#"name="preferences""#) && html.contains(r#"name="analytics""#), "{html}");
    assert!(html.contains(r#"value="custom""#), "{html}");
}

fn versions() -> Vec<curtain_api::policy::PolicyVersionSummary> {
    use curtain_api::policy::{PolicyStatus, PolicyVersionSummary};
    let v = |version, effective_date: &str, status| PolicyVersionSummary {
        version,
        effective_date: effective_date.into(),
        status,
        material: version == 2,
        summary: "Summary".into(),
        urgent_reason: None,
        language: "en".into(),
    };
    vec![v(2, "2026-06-01", PolicyStatus::Current), v(1, "2026-03-01", PolicyStatus::Past)]
}

fn in_language(lang: curtain_ui::Lang, f: impl FnOnce() -> String) -> String {
    curtain_ui::html::in_language(curtain_ui::PageLang { lang, explicit: lang != curtain_ui::Lang::En }, f)
}

#[test]
fn the_policy_views_speak_the_page_language() {
    use curtain_ui::diff::DiffLayout;
    use curtain_ui::Lang;

    let english = in_language(Lang::En, || curtain_ui::html::versions_page("Privacy policy versions".into(), versions()));
    for words in ["1 June 2026", "Material", "Compare two versions", "Version 2, 1 June 2026 (current)", r#"href="/privacy/v/2""#] {
        assert!(english.contains(words), "{words}: {english}");
    }

    let german = in_language(Lang::De, || curtain_ui::html::versions_page("Versionen".into(), versions()));
    for words in ["1. Juni 2026", "1. März 2026", "Wesentlich", "Zwei Versionen vergleichen", "Version 2, 1. Juni 2026 (aktuell)", r#"href="/de/privacy/v/2""#] {
        assert!(german.contains(words), "{words}: {german}");
    }
    for english_words in ["June", "Compare two versions", "Material", "(current)"] {
        assert!(!german.contains(english_words), "{english_words}: {german}");
    }

    let portuguese = in_language(Lang::PtBr, || {
        curtain_ui::html::compare_page(versions(), None, None, DiffLayout::Inline, None)
    });
    for words in ["Comparar versões da política de privacidade", "Versão 1, 1 de março de 2026", "Lado a lado", "Escolha duas versões acima"] {
        assert!(portuguese.contains(words), "{words}: {portuguese}");
    }
}
