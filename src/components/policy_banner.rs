//! The banner a signed-in member sees on every page while a material change
//! of the privacy policy awaits their acknowledgement. It is a region, not a
//! dialog: nothing is blocked, and "I have read it" records the
//! acknowledgement on the server, so it does not come back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::policy_document::{compare_href, long_date};
use crate::api;
use crate::dom::focus_soon;
use crate::session::{use_session, SessionView};

#[component]
pub fn PolicyBanner() -> impl IntoView {
    let session = use_session();
    // Asked again whenever who is signed in changes.
    let status = LocalResource::new(move || {
        let signed_in = match session.view() {
            SessionView::SignedIn(user) => Some(user.username),
            _ => None,
        };
        async move {
            match signed_in {
                Some(_) => api::policy::status().await.ok().flatten(),
                None => None,
            }
        }
    });
    let acknowledged = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A new member or a different one: start afresh.
    Effect::new(move |_| {
        session.view();
        acknowledged.set(false);
        error.set(None);
    });

    move || {
        if acknowledged.get() || !matches!(session.view(), SessionView::SignedIn(_)) {
            return None;
        }
        let pending = status.get().flatten()?.pending?;
        let to = pending.to_version;
        let acknowledge = move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            spawn_local(async move {
                let result = api::policy::acknowledge(to).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        error.set(None);
                        acknowledged.set(true);
                        // The button is gone; keep keyboard users in the page.
                        focus_soon("main");
                    }
                    Err(e) => {
                        error.set(Some(e.message()));
                        focus_soon("policy-banner-error");
                    }
                }
            });
        };
        Some(view! {
            <section id="policy-banner" class="banner banner--policy" aria-labelledby="policy-banner-message">
                <div class="banner__inner">
                    <p id="policy-banner-message" class="banner__message">
                        <span>
                            {format!("Our privacy policy changed on {}: ", long_date(&pending.changed_on))}
                            <A href=compare_href(pending.from_version, to) attr:id="policy-banner-link">
                                "see what changed"
                            </A>
                            "."
                        </span>
                    </p>
                    <button
                        id="policy-acknowledge"
                        type="button"
                        class="button button--small button--secondary"
                        disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                        on:click=acknowledge
                    >
                        "I have read it"
                    </button>
                    {move || {
                        error
                            .get()
                            .map(|message| {
                                view! {
                                    <p id="policy-banner-error" class="field-error" role="alert" tabindex="-1">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                </div>
            </section>
        })
    }
}
