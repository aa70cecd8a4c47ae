//! The consent banner: a labelled region under the header (not a modal, so
//! the page stays readable), with three answers of equal size and weight.
//!
//! It is a real form posting to `POST /consent`, so it works without
//! JavaScript: "Accept all" and "Reject all" answer at once; "Choose" comes
//! back with the categories as plain switches and a "Save my choices"
//! button. The SPA renders the same form and answers in place instead.

use curtain_api::consent::{Category, CategoryInfo, Choices};
use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::Lang;

/// The form fields `POST /consent` reads.
pub mod fields {
    /// `accept_all`, `reject_all`, `choose` (show the switches) or `custom` (save them).
    pub const ANSWER: &str = "answer";
    /// The consent revision the banner was shown for.
    pub const REVISION: &str = "revision";
    /// The page to go back to: a path on this site.
    pub const RETURN_TO: &str = "return_to";
    /// A signed-in visitor's CSRF token (a form cannot send the header).
    pub const CSRF: &str = "csrf";
    /// The language the banner was shown in (`en`, `de`, `pt-BR`), for the receipt.
    pub const LANGUAGE: &str = "language";
}

/// The query parameter that asks the page to show the switches in the banner.
pub const CHOOSE_QUERY: &str = "consent=choose";

/// What a visitor did with the banner, as the SPA handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerAnswer {
    AcceptAll,
    RejectAll,
    /// Open the preferences (the SPA's dialog).
    Choose,
}

/// Everything the banner shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BannerContent {
    /// The consent revision the answer is given to.
    pub revision: u32,
    /// What changed since the visitor's last answer, when it was to an older revision.
    pub changes: Option<String>,
    /// The browser sends Global Privacy Control.
    pub gpc: bool,
    /// The categories, with their switches shown (the server's "Choose" step).
    pub choosing: Option<Vec<CategoryInfo>>,
    /// The switches' starting state when choosing.
    pub choices: Choices,
    /// Where the form's answer returns.
    pub return_to: String,
    /// The signed-in visitor's CSRF token, for the form.
    pub csrf: Option<String>,
    /// The page's language: the banner's words, and what the receipt records.
    pub lang: Lang,
}

#[component]
pub fn ConsentBannerView(
    content: BannerContent,
    /// The SPA's handler. Without one (on the server) the buttons submit the form.
    #[prop(optional)]
    on_answer: Option<Callback<BannerAnswer>>,
) -> impl IntoView {
    let lang = content.lang;
    let l = lang.locale();
    let changes = content.changes.clone().map(|changes| {
        view! {
            <p id="consent-changes" class="consent-banner__changes">
                <strong>{td_string!(l, banner.changes)}</strong>
                {changes}
            </p>
        }
    });
    let gpc = content.gpc.then(|| {
        view! {
            <p id="consent-gpc-note" class="consent-banner__gpc">
                {td_string!(l, banner.gpc)}
            </p>
        }
    });
    let choosing = content.choosing.clone().map(|categories| {
        let choices = content.choices;
        view! {
            <fieldset id="consent-banner-choices" class="consent-banner__choices">
                <legend class="consent-banner__legend">{td_string!(l, banner.legend)}</legend>
                <ul class="consent-categories">
                    {categories
                        .into_iter()
                        .map(|info| {
                            let checked = info.always_on || choices.grants(info.id);
                            view! { <CategorySwitch prefix="consent-banner" info=info checked=Signal::stored(checked) lang=lang /> }
                        })
                        .collect_view()}
                </ul>
                <button
                    type="submit"
                    name=fields::ANSWER
                    value="custom"
                    id="consent-banner-save"
                    class="button button--primary"
                >
                    {td_string!(l, banner.save)}
                </button>
            </fieldset>
        }
    });
    view! {
        <section id="consent-banner" class="consent-banner" role="region" aria-labelledby="consent-banner-title">
            <form class="consent-banner__inner" method="post" action="/consent">
                <input type="hidden" name=fields::REVISION value=content.revision.to_string() />
                <input type="hidden" name=fields::RETURN_TO value=content.return_to.clone() />
                <input type="hidden" name=fields::LANGUAGE value=lang.tag() />
                {content.csrf.clone().map(|token| view! { <input type="hidden" name=fields::CSRF value=token /> })}
                <div class="consent-banner__text">
                    <h2 id="consent-banner-title" class="consent-banner__title">{td_string!(l, banner.title)}</h2>
                    <p>{td_string!(l, banner.lede)}</p>
                    {changes}
                    {gpc}
                </div>
                <div class="consent-banner__actions">
                    {answer_button(BannerAnswer::AcceptAll, lang, on_answer)}
                    {answer_button(BannerAnswer::RejectAll, lang, on_answer)}
                    {answer_button(BannerAnswer::Choose, lang, on_answer)}
                </div>
                {choosing}
            </form>
        </section>
    }
}

/// One of the three answers, all of the same size and weight: a submit
/// button of the form (its `answer` field), which the SPA answers in place.
fn answer_button(answer: BannerAnswer, lang: Lang, on_answer: Option<Callback<BannerAnswer>>) -> impl IntoView {
    let l = lang.locale();
    let (value, id, label) = match answer {
        BannerAnswer::AcceptAll => ("accept_all", "consent-accept-all", td_string!(l, banner.accept_all)),
        BannerAnswer::RejectAll => ("reject_all", "consent-reject-all", td_string!(l, banner.reject_all)),
        BannerAnswer::Choose => ("choose", "consent-choose", td_string!(l, banner.choose)),
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(on_answer) = on_answer {
            ev.prevent_default();
            on_answer.run(answer);
        }
    };
    view! {
        <button
            type="submit"
            name=fields::ANSWER
            value=value
            id=id
            class="button button--secondary consent-banner__button"
            aria-haspopup=(answer == BannerAnswer::Choose).then_some("dialog")
            on:click=on_click
        >
            {label}
        </button>
    }
}

/// One category: its switch (a checkbox named after the category, so a form
/// sends it), what it is for, and its cookies. The SPA's preferences dialog
/// and settings page use it too, with `on_toggle`.
#[component]
pub fn CategorySwitch(
    /// Prefix of the switch's id: `PREFIX-preferences`.
    prefix: &'static str,
    info: CategoryInfo,
    checked: Signal<bool>,
    #[prop(optional)] on_toggle: Option<Callback<(Category, bool)>>,
    /// The language of the words around the category's own.
    #[prop(optional)]
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let info = localized(&info, lang);
    let id = format!("{prefix}-{}", info.id.as_str());
    let description_id = format!("{id}-description");
    let category = info.id;
    let toggle = move |ev: leptos::ev::Event| {
        if let Some(on_toggle) = on_toggle {
            on_toggle.run((category, event_target_checked(&ev)));
        }
    };
    // Folded, as a summary with its count: the switches and the answers
    // stay close together, and the details are one press away.
    let cookies = (!info.cookies.is_empty()).then(|| {
        let count = i32::try_from(info.cookies.len()).unwrap_or(i32::MAX);
        let summary = leptos_i18n::td!(l, category.cookies, count = move || count);
        view! {
            <details class="consent-category__details">
                <summary>{summary}</summary>
                <ul class="consent-category__cookies">
                    {info
                        .cookies
                        .iter()
                        .map(|c| {
                            view! {
                                <li>
                                    <code>{c.name.clone()}</code>
                                    ": "
                                    {c.purpose.clone()}
                                    " "
                                    <span class="consent-category__lasts">{td_string!(l, category.lasts)} {c.lasts.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });
    view! {
        <li class="consent-category">
            <div class="consent-switch">
                <input
                    type="checkbox"
                    role="switch"
                    class="consent-switch__input"
                    id=id.clone()
                    name=info.id.as_str()
                    aria-describedby=description_id.clone()
                    disabled=info.always_on
                    checked=checked.get_untracked()
                    prop:checked=checked
                    on:change=toggle
                />
                <label class="consent-switch__label" for=id>
                    {info.name.clone()}
                    {info.always_on.then(|| view! { <span class="consent-switch__state">{td_string!(l, category.always_on)}</span> })}
                </label>
            </div>
            <div class="consent-category__text">
                <p class="hint" id=description_id>{info.description.clone()}</p>
                {cookies}
            </div>
        </li>
    }
}

/// A category's words in `lang`: its name, what it is for, and what each of
/// its cookies does and how long it lasts. The server's descriptions are the
/// English ones (a test keeps the two the same); a cookie this table does
/// not know keeps the server's words.
pub fn localized(info: &CategoryInfo, lang: Lang) -> CategoryInfo {
    let l = lang.locale();
    let mut out = info.clone();
    let (name, description) = match info.id {
        Category::Necessary => (td_string!(l, categories.necessary.name), td_string!(l, categories.necessary.description)),
        Category::Preferences => (td_string!(l, categories.preferences.name), td_string!(l, categories.preferences.description)),
        Category::Analytics => (td_string!(l, categories.analytics.name), td_string!(l, categories.analytics.description)),
    };
    out.name = name.to_string();
    out.description = description.to_string();
    for cookie in &mut out.cookies {
        let words = match (info.id, cookie.name.as_str()) {
            (Category::Necessary, "curtain_session") => {
                Some((td_string!(l, categories.necessary.session_purpose), td_string!(l, categories.necessary.session_lasts)))
            }
            (Category::Necessary, "curtain_csrf") => {
                Some((td_string!(l, categories.necessary.csrf_purpose), td_string!(l, categories.necessary.csrf_lasts)))
            }
            (Category::Necessary, "curtain_consent") => {
                Some((td_string!(l, categories.necessary.consent_purpose), td_string!(l, categories.necessary.consent_lasts)))
            }
            (Category::Preferences, "curtain_session") => {
                Some((td_string!(l, categories.preferences.session_purpose), td_string!(l, categories.preferences.session_lasts)))
            }
            (Category::Preferences, "curtain_theme") => {
                Some((td_string!(l, categories.preferences.theme_purpose), td_string!(l, categories.preferences.theme_lasts)))
            }
            _ => None,
        };
        if let Some((purpose, lasts)) = words {
            cookie.purpose = purpose.to_string();
            cookie.lasts = lasts.to_string();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// English is the server's own text: the table of words says the same.
    #[test]
    fn english_words_are_the_servers() {
        for info in curtain_api::consent::category_descriptions() {
            assert_eq!(localized(&info, Lang::En), info);
        }
    }

    #[test]
    fn every_category_and_cookie_is_translated() {
        for info in curtain_api::consent::category_descriptions() {
            for lang in [Lang::De, Lang::PtBr] {
                let words = localized(&info, lang);
                assert_ne!(words.name, info.name, "{lang:?} {:?}", info.id);
                assert_ne!(words.description, info.description, "{lang:?} {:?}", info.id);
                for (theirs, ours) in words.cookies.iter().zip(&info.cookies) {
                    assert_ne!(theirs.purpose, ours.purpose, "{lang:?} {}", ours.name);
                }
            }
        }
    }
}
