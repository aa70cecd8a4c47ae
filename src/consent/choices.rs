//! One switch per category and the three ways to answer: the same controls in
//! the dialog and on the settings page.

use curtain_api::consent::{Category, Choices, ConsentMethod};
use curtain_ui::banner::CategorySwitch;
use leptos::prelude::*;
use leptos_i18n::td_string;

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
    let toggle = Callback::new(move |(category, on): (Category, bool)| {
        draft.update(|d| match category {
            Category::Preferences => d.preferences = on,
            Category::Analytics => d.analytics = on,
            Category::Necessary => {}
        });
    });
    let answer = move |choices: Choices, method: ConsentMethod| {
        // Kept only if the browser keeps the cookie; otherwise the note below
        // says why, and the choices stay open.
        if consent.answer(choices, method) {
            draft.set(choices);
            on_answer.run(());
        }
    };
    let lang = crate::lang::page_lang();
    let l = lang.locale();
    let blocked_id = format!("{}-blocked", ids.switches);
    let blocked = move || {
        consent.cookies_blocked().then(|| {
            view! {
                <p id=blocked_id.clone() class="form-error consent-choices__blocked" role="alert">
                    {td_string!(l, dialog.blocked)}
                </p>
            }
        })
    };
    view! {
        <div class="consent-choices">
            <ul class="consent-categories">
                <For each=categories key=|c| c.id let:info>
                    <CategorySwitch
                        prefix=ids.switches
                        checked=Signal::derive({
                            let category = info.id;
                            move || draft.with(|d| d.grants(category))
                        })
                        info=info
                        on_toggle=toggle
                        lang=lang
                    />
                </For>
            </ul>
            {blocked}
            <div class="consent-actions">
                <button
                    type="button"
                    id=ids.save
                    class="button button--primary consent-actions__button"
                    on:click=move |_| answer(draft.get_untracked(), ConsentMethod::Custom)
                >
                    {td_string!(l, banner.save)}
                </button>
                <button
                    type="button"
                    id=ids.accept_all
                    class="button button--secondary consent-actions__button"
                    on:click=move |_| answer(curtain_api::consent::accept_all(consent.gpc()), ConsentMethod::AcceptAll)
                >
                    {td_string!(l, banner.accept_all)}
                </button>
                <button
                    type="button"
                    id=ids.reject_all
                    class="button button--secondary consent-actions__button"
                    on:click=move |_| answer(Choices::NONE, ConsentMethod::RejectAll)
                >
                    {td_string!(l, banner.reject_all)}
                </button>
            </div>
        </div>
    }
}
