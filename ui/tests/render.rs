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
