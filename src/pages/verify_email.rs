//! `/verify-email/:token`: the page a confirmation link opens. It works
//! signed out (the token is the permission) and confirms only when the
//! person presses the button, so a mail scanner that opens links confirms
//! nothing.

use curtain_api::account::EmailVerified;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;
use crate::router::use_params_map;

use crate::api::{self, ApiError};
use crate::dom::{focus_soon, set_page_title};
use crate::session::use_session;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Ready,
    Confirming,
    Done(EmailVerified),
    /// The link is not (or no longer) valid, or the address is another account's.
    Refused(String),
    Failed(String),
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.heading)));
    let params = use_params_map();
    let session = use_session();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let state = RwSignal::new(State::Ready);

    let confirm = move || {
        if state.get_untracked() == State::Confirming {
            return;
        }
        state.set(State::Confirming);
        let token = token();
        spawn_local(async move {
            match api::account::verify_email(&token).await {
                Ok(done) => {
                    state.set(State::Done(done));
                    // A signed-in member's header and settings show the change.
                    session.check();
                    focus_soon("verify-email-done");
                }
                Err(e @ ApiError::Http { status: 404 | 409, .. }) => {
                    state.set(State::Refused(e.message()));
                    focus_soon("verify-email-refused");
                }
                Err(e) => state.set(State::Failed(e.message())),
            }
        });
    };

    view! {
        <div class="page page--narrow">
            <h1>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.heading)}</h1>
            {move || match state.get() {
                State::Ready | State::Confirming => {
                    let busy = move || state.get() == State::Confirming;
                    view! {
                        <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.press)}</p>
                        <button
                            id="verify-email-confirm"
                            type="button"
                            class="button button--primary"
                            disabled=busy
                            aria-busy=move || busy().then_some("true")
                            on:click=move |_| confirm()
                        >
                            {move || if busy() { leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.confirming) } else { leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.confirm) }}
                        </button>
                    }
                    .into_any()
                }
                State::Done(done) => view! {
                    <div id="verify-email-done" class="card card--form" role="status" tabindex="-1">
                        <p>
                            {leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.thanks)} <strong>{done.masked_email}</strong> {leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.confirmed_of)}
                            <strong>{done.username}</strong> "."
                        </p>
                        <p><A href="/settings/account">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.to_settings)}</A></p>
                    </div>
                }
                .into_any(),
                State::Refused(message) => view! {
                    <div id="verify-email-refused" class="form-error" role="alert" tabindex="-1">
                        <p class="form-error__message">{message}</p>
                    </div>
                    <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.new_link)} <A href="/settings/account">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), verify_email.settings_account)}</A> "."</p>
                }
                .into_any(),
                State::Failed(message) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{message}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| confirm()>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), shell.try_again)}</button>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}
