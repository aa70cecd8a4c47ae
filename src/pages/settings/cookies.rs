//! `/settings/cookies`: the current cookie answer, with the same controls as
//! the dialog, and the member's consent receipts.

use curtain_api::consent::{Choices, ConsentMethod, ConsentReceipt};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::consent::choices::{ChoiceIds, ConsentChoices};
use crate::consent::use_consent;
use crate::dom::set_page_title;

#[component]
pub fn CookieSettings() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), settings.cookies)));
    let l = crate::lang::page_lang().locale();
    let consent = use_consent();
    let draft = RwSignal::new(Choices::NONE);
    // Follow the answer wherever it changes: here, the dialog, another tab.
    Effect::new(move |_| draft.set(consent.choices()));
    let saved = RwSignal::new(false);

    let receipts = RwSignal::new(None::<Result<Vec<ConsentReceipt>, ApiError>>);
    let load = move || {
        spawn_local(async move {
            receipts.set(Some(api::consent::mine().await));
        });
    };
    // Once the server holds a new receipt, show it.
    Effect::new(move |_| {
        if consent.receipt_stored() {
            load();
        }
    });
    load();

    let ids = ChoiceIds {
        switches: "settings-consent",
        save: "settings-consent-save",
        accept_all: "settings-consent-accept-all",
        reject_all: "settings-consent-reject-all",
    };
    let current = move || match consent.record() {
        Some(record) => curtain_ui::lang::fill(
            leptos_i18n::td_string!(l, settings_cookies.current),
            &[("date", &crate::dom::local_date(record.given_at)), ("version", &record.revision)],
        ),
        None => leptos_i18n::td_string!(l, settings_cookies.unanswered).to_string(),
    };

    view! {
        <h1>{leptos_i18n::td_string!(l, settings.cookies)}</h1>
        <p class="lede">{leptos_i18n::td_string!(l, settings_cookies.lede)}</p>
        <section aria-labelledby="cookie-choices-heading" class="settings-cookies__section">
            <h2 id="cookie-choices-heading">{leptos_i18n::td_string!(l, settings_cookies.choices)}</h2>
            <p id="settings-consent-current">{current}</p>
            <ConsentChoices ids=ids draft=draft on_answer=Callback::new(move |()| saved.set(true)) />
            <p id="settings-consent-status" class="settings-cookies__status" role="status">
                {move || saved.get().then_some(leptos_i18n::td_string!(l, settings_cookies.saved))}
            </p>
        </section>
        <section aria-labelledby="consent-receipts-heading" class="settings-cookies__section">
            <h2 id="consent-receipts-heading">{leptos_i18n::td_string!(l, settings_cookies.receipts)}</h2>
            <p class="hint">{leptos_i18n::td_string!(l, settings_cookies.receipts_hint)}</p>
            {move || match receipts.get() {
                None => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings_cookies.loading)}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{error.message()}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| load()>
                            {leptos_i18n::td_string!(l, shell.try_again)}
                        </button>
                    </div>
                }
                .into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p id="consent-receipts-empty">{leptos_i18n::td_string!(l, settings_cookies.empty)}</p> }.into_any()
                }
                Some(Ok(list)) => view! { <ReceiptTable receipts=list /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ReceiptTable(receipts: Vec<ConsentReceipt>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    view! {
        <div class="table-scroll">
            <table id="consent-receipts" class="consent-receipts">
                <thead>
                    <tr>
                        <th scope="col">{leptos_i18n::td_string!(l, settings_cookies.col_date)}</th>
                        <th scope="col">{leptos_i18n::td_string!(l, settings_cookies.col_version)}</th>
                        <th scope="col">{leptos_i18n::td_string!(l, settings_cookies.col_choices)}</th>
                        <th scope="col">{leptos_i18n::td_string!(l, settings_cookies.col_how)}</th>
                    </tr>
                </thead>
                <tbody>
                    {receipts
                        .into_iter()
                        .map(|r| {
                            let choices = Choices::from_categories(&r.categories);
                            let allowed = describe(choices);
                            let method = method_label(r.method);
                            let how = if r.gpc {
                                curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_cookies.gpc), &[("method", &method)])
                            } else {
                                method.to_string()
                            };
                            view! {
                                <tr>
                                    <td>{r.recorded_at.replace('T', " ").trim_end_matches('Z').to_string()} " UTC"</td>
                                    <td>{r.revision}</td>
                                    <td>{allowed}</td>
                                    <td>{how}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// "Necessary, preferences" in words, so the table never relies on ticks or colour.
fn describe(choices: Choices) -> String {
    let l = crate::lang::page_lang().locale();
    let mut parts = vec![leptos_i18n::td_string!(l, settings_cookies.necessary)];
    if choices.preferences {
        parts.push(leptos_i18n::td_string!(l, settings_cookies.preferences));
    }
    if choices.analytics {
        parts.push(leptos_i18n::td_string!(l, settings_cookies.analytics));
    }
    if parts.len() == 1 {
        leptos_i18n::td_string!(l, settings_cookies.necessary_only).into()
    } else {
        parts.join(", ")
    }
}

/// How an answer was given, in the page's language.
fn method_label(method: ConsentMethod) -> &'static str {
    let l = crate::lang::page_lang().locale();
    match method {
        ConsentMethod::AcceptAll => leptos_i18n::td_string!(l, banner.accept_all),
        ConsentMethod::RejectAll => leptos_i18n::td_string!(l, banner.reject_all),
        ConsentMethod::Custom => leptos_i18n::td_string!(l, settings_cookies.custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_described_in_words() {
        assert_eq!(describe(Choices::NONE), "Necessary only");
        assert_eq!(describe(Choices { preferences: true, analytics: true }), "Necessary, preferences, analytics");
        assert_eq!(describe(Choices { preferences: false, analytics: true }), "Necessary, analytics");
    }
}
