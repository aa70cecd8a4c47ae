//! Follow, request to follow, withdraw a request, unfollow.

use curtain_api::profile::Relation;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::components::link::A;

use crate::api;

/// What the control offers for a relation: the button's words and whether
/// pressing it follows (`true`) or unfollows / withdraws (`false`).
pub fn follow_action(relation: Relation, private: bool) -> Option<(&'static str, bool)> {
    match relation {
        Relation::Member if private => Some(("Request to follow", true)),
        Relation::Member => Some(("Follow", true)),
        Relation::Requested => Some(("Withdraw request", false)),
        Relation::Follower => Some(("Unfollow", false)),
        Relation::Anonymous | Relation::Owner => None,
    }
}

/// A sentence about where the viewer stands, beside the button.
pub fn follow_state(relation: Relation) -> Option<&'static str> {
    match relation {
        Relation::Requested => Some("Request sent. You will see more once it is approved."),
        Relation::Follower => Some("You follow this member."),
        _ => None,
    }
}

/// `on_change` hears the new relation, so the page can fetch what it now allows.
#[component]
pub fn FollowControl(username: String, relation: Relation, private: bool, on_change: Callback<Relation>) -> impl IntoView {
    let relation = RwSignal::new(relation);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let username = StoredValue::new(username);

    let press = move |_| {
        let Some((_, follows)) = follow_action(relation.get_untracked(), private) else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let name = username.get_value();
            let result = if follows { api::profiles::follow(&name).await } else { api::profiles::unfollow(&name).await };
            busy.set(false);
            match result {
                Ok(status) => {
                    relation.set(status.relation);
                    on_change.run(status.relation);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    if relation.get_untracked() == Relation::Anonymous {
        return view! {
            <p class="follow">
                <A href="/signin" attr:id="follow-signin">"Sign in to follow"</A>
            </p>
        }
        .into_any();
    }
    // One button whose words follow the relation, so it keeps keyboard focus.
    view! {
        <div class="follow">
            <button
                id="follow-button"
                type="button"
                class="button"
                class:button--primary=move || matches!(relation.get(), Relation::Member)
                class:button--secondary=move || !matches!(relation.get(), Relation::Member)
                disabled=move || busy.get()
                aria-busy=move || busy.get().then_some("true")
                aria-describedby="follow-state follow-error"
                on:click=press
            >
                {move || follow_action(relation.get(), private).map(|(label, _)| label)}
            </button>
            <p class="follow__state" id="follow-state" role="status">{move || follow_state(relation.get())}</p>
            <p class="field-error" id="follow-error" role="alert">
                {move || error.get().map(|e| view! { <span class="field-error__message">{e}</span> })}
            </p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_says_what_pressing_it_does() {
        assert_eq!(follow_action(Relation::Member, false), Some(("Follow", true)));
        assert_eq!(follow_action(Relation::Member, true), Some(("Request to follow", true)));
        assert_eq!(follow_action(Relation::Requested, true), Some(("Withdraw request", false)));
        assert_eq!(follow_action(Relation::Follower, true), Some(("Unfollow", false)));
        assert_eq!(follow_action(Relation::Owner, false), None);
        assert_eq!(follow_action(Relation::Anonymous, false), None);
        assert!(follow_state(Relation::Requested).unwrap().contains("approved"));
    }
}
