//! One switch per category and the three ways to answer: the same controls in
//! the dialog and on the settings page.

use curtain_api::consent::{Category, CategoryInfo, Choices, ConsentMethod};
use leptos::prelude::*;

use super::use_consent;

/// The ids of the controls, so the dialog and the settings page can both be
/// on the page at once.
#[derive(Clone, Copy)]
pub struct ChoiceIds {
    /// Prefix of the switches: `PREFIX-necessary`, `PREFIX-preferences`, `PREFIX-analytics`.
    pub switches: &'static str,
    pub save: &'static str,
    pub accept_all: &'static str,
    pub reject_all: &'static str,
}

/// The switches and buttons. `draft` holds the switches' state until an
/// answer is given; `on_answer` runs after one is.
#[component]
pub fn ConsentChoices(ids: ChoiceIds, draft: RwSignal<Choices>, on_answer: Callback<()>) -> impl IntoView {
    let consent = use_consent();
    let categories = move || consent.categories();
    let answer = move |choices: Choices, method: ConsentMethod| {
        consent.answer(choices, method);
        draft.set(choices);
        on_answer.run(());
    };
    view! {
        <div class="consent-choices">
            <ul class="consent-categories">
                <For each=categories key=|c| c.id let:info>
                    <CategorySwitch ids=ids info=info draft=draft />
                </For>
            </ul>
            <div class="consent-actions">
                <button
                    type="button"
                    id=ids.save
                    class="button button--primary consent-actions__button"
                    on:click=move |_| answer(draft.get_untracked(), ConsentMethod::Custom)
                >
                    "Save my choices"
                </button>
                <button
                    type="button"
                    id=ids.accept_all
                    class="button button--secondary consent-actions__button"
                    on:click=move |_| answer(curtain_api::consent::accept_all(consent.gpc()), ConsentMethod::AcceptAll)
                >
                    "Accept all"
                </button>
                <button
                    type="button"
                    id=ids.reject_all
                    class="button button--secondary consent-actions__button"
                    on:click=move |_| answer(Choices::NONE, ConsentMethod::RejectAll)
                >
                    "Reject all"
                </button>
            </div>
        </div>
    }
}

#[component]
fn CategorySwitch(ids: ChoiceIds, info: CategoryInfo, draft: RwSignal<Choices>) -> impl IntoView {
    let id = format!("{}-{}", ids.switches, info.id.as_str());
    let description_id = format!("{id}-description");
    let category = info.id;
    let checked = move || draft.with(|d| d.grants(category));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        draft.update(|d| match category {
            Category::Preferences => d.preferences = on,
            Category::Analytics => d.analytics = on,
            Category::Necessary => {}
        });
    };
    let cookies = (!info.cookies.is_empty()).then(|| {
        view! {
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
                                <span class="consent-category__lasts">"Lasts: " {c.lasts.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
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
                    aria-describedby=description_id.clone()
                    disabled=info.always_on
                    prop:checked=checked
                    on:change=toggle
                />
                <label class="consent-switch__label" for=id>
                    {info.name.clone()}
                    {info.always_on.then(|| view! { <span class="consent-switch__state">" (always on)"</span> })}
                </label>
            </div>
            <div class="consent-category__text" id=description_id>
                <p class="hint">{info.description.clone()}</p>
                {cookies}
            </div>
        </li>
    }
}
