//! `/unsubscribe/:token`: the page an e-mail's unsubscribe link opens. It
//! works signed out: the token is the permission. It shows which address
//! (mostly hidden) and which lists are on, and one click turns them all off.

use curtain_api::account::{EmailPreferences, UnsubscribeStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;
use crate::router::use_params_map;

use crate::api::{self, ApiError};
use crate::dom::{focus_soon, set_page_title};

#[derive(Debug, Clone, PartialEq)]
enum State {
    Loading,
    Found(UnsubscribeStatus),
    Done(UnsubscribeStatus),
    /// The link is not (or no longer) valid.
    Unknown(String),
    Failed(String),
}

/// The lists that are on, in words.
pub fn lists_on(lists: EmailPreferences) -> Vec<&'static str> {
    [
        (lists.newsletter, leptos_i18n::td_string!(crate::lang::page_lang().locale(), settings_email.newsletter)),
        (lists.product_updates, leptos_i18n::td_string!(crate::lang::page_lang().locale(), settings_email.product_updates)),
        (lists.partner_offers, leptos_i18n::td_string!(crate::lang::page_lang().locale(), settings_email.partner_offers)),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name)
    .collect()
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.heading)));
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let state = RwSignal::new(State::Loading);
    let busy = RwSignal::new(false);

    let classify = |e: ApiError| match &e {
        ApiError::Http { status: 404, .. } => State::Unknown(e.message()),
        _ => State::Failed(e.message()),
    };
    let fetch = move || {
        let token = token();
        state.set(State::Loading);
        spawn_local(async move {
            state.set(match api::account::unsubscribe_status(&token).await {
                Ok(s) => State::Found(s),
                Err(e) => classify(e),
            });
        });
    };
    Effect::new(move |_| fetch());

    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let token = token();
        spawn_local(async move {
            let result = api::account::unsubscribe(&token).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    state.set(State::Done(s));
                    focus_soon("unsubscribe-done");
                }
                Err(e) => state.set(classify(e)),
            }
        });
    };

    view! {
        <div class="page page--narrow">
            <h1>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.heading)}</h1>
            {move || match state.get() {
                State::Loading => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.checking)}</p> }.into_any(),
                State::Found(s) => {
                    let on = lists_on(s.lists);
                    if on.is_empty() {
                        view! {
                            <p id="unsubscribe-nothing">
                                {leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.nothing_before)} <strong>{s.masked_email}</strong> {leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.nothing_after)}
                            </p>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.link_for)} <strong id="unsubscribe-address">{s.masked_email}</strong> {leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.receives)}</p>
                            <ul id="unsubscribe-lists">{on.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}</ul>
                            <button
                                id="unsubscribe-confirm"
                                type="button"
                                class="button button--primary"
                                disabled=move || busy.get()
                                aria-busy=move || busy.get().then_some("true")
                                on:click=confirm
                            >
                                {move || if busy.get() { leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.unsubscribing) } else { leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.all) }}
                            </button>
                            <p class="hint">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.no_sign_in)}</p>
                        }
                        .into_any()
                    }
                }
                State::Done(s) => view! {
                    <div id="unsubscribe-done" class="card card--form" role="status" tabindex="-1">
                        <p>
                            {leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.done_before)} <strong>{s.masked_email}</strong> {leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.done_after)}
                        </p>
                        <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.changed_mind)} <A href="/settings/email">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.settings_email)}</A> "."</p>
                    </div>
                }
                .into_any(),
                State::Unknown(message) => view! {
                    <div id="unsubscribe-unknown" class="form-error" role="alert">
                        <p class="form-error__message">{message}</p>
                    </div>
                    <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.member_also)} <A href="/settings/email">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), unsubscribe.settings_email)}</A> "."</p>
                }
                .into_any(),
                State::Failed(message) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{message}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| fetch()>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), shell.try_again)}</button>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lists_that_are_on_are_named() {
        assert!(lists_on(EmailPreferences::default()).is_empty());
        let some = EmailPreferences { newsletter: true, partner_offers: true, ..Default::default() };
        assert_eq!(lists_on(some), ["The newsletter", "Partner offers"]);
    }
}
