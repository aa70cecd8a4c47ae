//! The banner a signed-in member sees on every page about material changes
//! of the privacy policy: first a change in effect that awaits their
//! acknowledgement, else a change announced ahead of its date. It is a
//! region, not a dialog: nothing is blocked, and its button records the
//! acknowledgement on the server, so it does not come back (a version
//! acknowledged ahead brings no banner when it takes effect).

use curtain_api::policy::{PendingPolicyChange, PolicyStatusReply, PolicyVersionSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;

use super::policy_document::{compare_href, long_date, urgent_sentence};
use crate::api;
use crate::dom::focus_soon;
use crate::session::{use_session, SessionView};

/// What the banner is about, most pressing first.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    /// A material change in effect, not acknowledged yet.
    Pending(PendingPolicyChange),
    /// A material change announced but not in effect yet; `current` is the
    /// version in effect, to compare with.
    Announced { current: u32, version: PolicyVersionSummary },
}

impl Notice {
    fn of(status: &PolicyStatusReply) -> Option<Notice> {
        if let Some(pending) = &status.pending {
            return Some(Notice::Pending(pending.clone()));
        }
        let next = status.announced.first()?;
        Some(Notice::Announced { current: status.current_version, version: next.clone() })
    }

    /// The version the button acknowledges.
    fn version(&self) -> u32 {
        match self {
            Notice::Pending(pending) => pending.to_version,
            Notice::Announced { version, .. } => version.version,
        }
    }
}

#[component]
pub fn PolicyBanner() -> impl IntoView {
    let session = use_session();
    let l = crate::lang::page_lang().locale();
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
    // The server's answer to the last acknowledgement: newer than `status`.
    let acknowledged = RwSignal::new(None::<PolicyStatusReply>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A new member or a different one: start afresh.
    Effect::new(move |_| {
        session.view();
        acknowledged.set(None);
        error.set(None);
    });
    let notice = Memo::new(move |_| {
        if !matches!(session.view(), SessionView::SignedIn(_)) {
            return None;
        }
        let latest = acknowledged.get().or_else(|| status.get().flatten())?;
        Notice::of(&latest)
    });

    move || {
        let notice = notice.get()?;
        let version = notice.version();
        let acknowledge = move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            spawn_local(async move {
                let result = api::policy::acknowledge(version).await;
                busy.set(false);
                match result {
                    Ok(reply) => {
                        error.set(None);
                        let next = Notice::of(&reply);
                        acknowledged.set(Some(reply));
                        // The button is gone: keep keyboard users in the page,
                        // or on the next notice when there is one.
                        focus_soon(if next.is_some() { "policy-banner-message" } else { "main" });
                    }
                    Err(e) => {
                        error.set(Some(e.message()));
                        focus_soon("policy-banner-error");
                    }
                }
            });
        };
        let (message, button_id, button_label) = match notice {
            Notice::Pending(pending) => (
                view! {
                    <span>
                        {curtain_ui::lang::fill(leptos_i18n::td_string!(l, policy_banner.changed), &[("date", &long_date(&pending.changed_on, crate::lang::page_lang()))])}
                        <A href=compare_href(pending.from_version, version) attr:id="policy-banner-link">
                            {leptos_i18n::td_string!(l, policy_banner.see_changed)}
                        </A>
                        "."
                    </span>
                }
                .into_any(),
                "policy-acknowledge",
                leptos_i18n::td_string!(l, policy_banner.read),
            ),
            Notice::Announced { current, version: announced } => (
                view! {
                    <span>
                        {curtain_ui::lang::fill(
                            leptos_i18n::td_string!(l, policy_banner.announced),
                            &[
                                ("version", &announced.version),
                                ("date", &long_date(&announced.effective_date, crate::lang::page_lang())),
                                ("summary", &announced.summary),
                            ],
                        )}
                        <A href=compare_href(current, announced.version) attr:id="policy-announcement-link">
                            {leptos_i18n::td_string!(l, policy_banner.see_will_change)}
                        </A>
                        "."
                        {announced.urgent_reason.as_deref().map(|reason| format!(" {}", urgent_sentence(reason, crate::lang::page_lang())))}
                    </span>
                }
                .into_any(),
                "policy-announcement-acknowledge",
                leptos_i18n::td_string!(l, policy_banner.got_it),
            ),
        };
        Some(view! {
            <section id="policy-banner" class="banner banner--policy" aria-labelledby="policy-banner-message">
                <div class="banner__inner">
                    <p id="policy-banner-message" class="banner__message" tabindex="-1">
                        {message}
                    </p>
                    <button
                        id=button_id
                        type="button"
                        class="button button--small button--secondary"
                        disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                        on:click=acknowledge
                    >
                        {button_label}
                    </button>
                    {move || {
                        error
                            .get()
                            .map(|message| {
                                view! {
                                    <p id="policy-banner-error" class="field-error" role="alert" tabindex="-1">
                                        {message}
                                        " "
                                        <button
                                            type="button"
                                            class="link-button"
                                            disabled=move || busy.get()
                                            on:click=acknowledge
                                        >
                                            {leptos_i18n::td_string!(l, shell.try_again)}
                                        </button>
                                    </p>
                                }
                            })
                    }}
                </div>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use curtain_api::policy::PolicyStatus;

    fn announced(version: u32) -> PolicyVersionSummary {
        PolicyVersionSummary {
            version,
            effective_date: "2027-01-15".into(),
            status: PolicyStatus::Upcoming,
            material: true,
            summary: "New.".into(),
            urgent_reason: None,
            language: "en".into(),
        }
    }

    fn status(pending: Option<PendingPolicyChange>, announced: Vec<PolicyVersionSummary>) -> PolicyStatusReply {
        PolicyStatusReply { acknowledged_version: 3, current_version: 4, pending, announced }
    }

    #[test]
    fn a_change_in_effect_comes_before_an_announced_one() {
        let pending = PendingPolicyChange {
            from_version: 3,
            to_version: 4,
            changed_on: "2026-11-30".into(),
            summary: "Changed.".into(),
        };
        let both = status(Some(pending.clone()), vec![announced(5)]);
        assert_eq!(Notice::of(&both), Some(Notice::Pending(pending)));
        assert_eq!(Notice::of(&both).unwrap().version(), 4);
    }

    #[test]
    fn the_soonest_announced_version_is_told_first() {
        let two = status(None, vec![announced(5), announced(6)]);
        let notice = Notice::of(&two).unwrap();
        assert_eq!(notice.version(), 5);
        assert!(matches!(notice, Notice::Announced { current: 4, .. }));
        assert_eq!(Notice::of(&status(None, vec![])), None);
    }
}
