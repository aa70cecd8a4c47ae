//! `/settings/cookies`: the current cookie answer, with the same controls as
//! the dialog, and the member's consent receipts.

use curtain_api::consent::{Choices, ConsentReceipt};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::consent::choices::{ChoiceIds, ConsentChoices};
use crate::consent::use_consent;
use crate::dom::set_page_title;

#[component]
pub fn CookieSettings() -> impl IntoView {
    set_page_title(Some("Cookies"));
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
        Some(record) => format!(
            "Your current answer was given on {} to version {} of our cookie information.",
            crate::dom::local_date(record.given_at),
            record.revision
        ),
        None => "You have not answered yet on this device, so nothing optional is stored or counted.".to_string(),
    };

    view! {
        <h1>"Cookies"</h1>
        <p class="lede">"What Curtain may store on this device and count about your visits. A change takes effect at once."</p>
        <section aria-labelledby="cookie-choices-heading" class="settings-cookies__section">
            <h2 id="cookie-choices-heading">"Your choices"</h2>
            <p id="settings-consent-current">{current}</p>
            <ConsentChoices ids=ids draft=draft on_answer=Callback::new(move |()| saved.set(true)) />
            <p id="settings-consent-status" class="settings-cookies__status" role="status">
                {move || saved.get().then_some("Saved. Your new choices apply now, in every open tab.")}
            </p>
        </section>
        <section aria-labelledby="consent-receipts-heading" class="settings-cookies__section">
            <h2 id="consent-receipts-heading">"Your consent receipts"</h2>
            <p class="hint">"Each time you answer while signed in, we keep a receipt: when, which version, what you chose and how."</p>
            {move || match receipts.get() {
                None => view! { <p class="muted" aria-busy="true">"Loading your receipts…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{error.message()}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| load()>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p id="consent-receipts-empty">"No receipts yet."</p> }.into_any()
                }
                Some(Ok(list)) => view! { <ReceiptTable receipts=list /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ReceiptTable(receipts: Vec<ConsentReceipt>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table id="consent-receipts" class="consent-receipts">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Choices"</th>
                        <th scope="col">"How given"</th>
                    </tr>
                </thead>
                <tbody>
                    {receipts
                        .into_iter()
                        .map(|r| {
                            let choices = Choices::from_categories(&r.categories);
                            let allowed = describe(choices);
                            let how = if r.gpc {
                                format!("{} (Global Privacy Control on)", r.method.label())
                            } else {
                                r.method.label().to_string()
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
    let mut parts = vec!["Necessary"];
    if choices.preferences {
        parts.push("preferences");
    }
    if choices.analytics {
        parts.push("analytics");
    }
    if parts.len() == 1 {
        "Necessary only".into()
    } else {
        parts.join(", ")
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
