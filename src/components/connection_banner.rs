//! The app-wide alert under the header: the server could not be reached, or
//! refused something that is not tied to a form. Either way it offers to try
//! the failed step again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::UNREACHABLE_MESSAGE;
use crate::session::{use_session, Retry};

#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();

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
                None => ("connection-error", "banner banner--warning", UNREACHABLE_MESSAGE.to_string()),
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
                            "Try again"
                        </button>
                    </div>
                </div>
            }
        })
    }
}
