//! The app-wide alert under the header: the server could not be reached, or
//! refused something that is not tied to a form. Either way it offers to try
//! the failed step again.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos::task::spawn_local;
use crate::router::use_navigate;

use crate::api::ApiError;
use crate::session::{use_session, Retry};

#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let l = crate::lang::page_lang().locale();

    let try_again = move |retry: Retry| {
        let navigate = navigate.clone();
        move |_| match retry {
            Retry::SessionCheck => session.check(),
            Retry::SignOut => {
                let navigate = navigate.clone();
                spawn_local(async move {
                    if session.sign_out().await {
                        navigate("/", Default::default());
                    }
                });
            }
        }
    };

    move || {
        session.problem().map(|problem| {
            // Distinct ids: "cannot reach" and "refused" call for different fixes.
            let (id, tone, message) = match problem.refusal {
                None => ("connection-error", "banner banner--warning", ApiError::Unreachable.message()),
                Some(message) => ("app-error", "banner banner--error", message),
            };
            view! {
                <div id=id class=tone role="alert">
                    <div class="banner__inner">
                        <p class="banner__message">{message}</p>
                        <button
                            type="button"
                            class="button button--small button--secondary retry"
                            disabled=move || session.busy()
                            aria-busy=move || session.busy().then_some("true")
                            on:click=try_again(problem.retry)
                        >
                            {td_string!(l, shell.try_again)}
                        </button>
                    </div>
                </div>
            }
        })
    }
}
