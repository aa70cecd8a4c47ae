//! Follow, request to follow, withdraw a request, unfollow.

use curtain_api::profile::Relation;
use curtain_ui::Lang;
use leptos_i18n::td_string;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;

use crate::api;

/// What the control offers for a relation: the button's words and whether
/// pressing it follows (`true`) or unfollows / withdraws (`false`).
pub fn follow_action(relation: Relation, private: bool, lang: Lang) -> Option<(&'static str, bool)> {
    let l = lang.locale();
    match relation {
        Relation::Member if private => Some((td_string!(l, follow.request), true)),
        Relation::Member => Some((td_string!(l, follow.follow), true)),
        Relation::Requested => Some((td_string!(l, follow.withdraw), false)),
        Relation::Follower => Some((td_string!(l, follow.unfollow), false)),
        Relation::Anonymous | Relation::Owner => None,
    }
}

/// A sentence about where the viewer stands, beside the button.
pub fn follow_state(relation: Relation, lang: Lang) -> Option<&'static str> {
    let l = lang.locale();
    match relation {
        Relation::Requested => Some(td_string!(l, follow.requested)),
        Relation::Follower => Some(td_string!(l, follow.following)),
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
    let lang = crate::lang::page_lang();

    let press = move |_| {
        let Some((_, follows)) = follow_action(relation.get_untracked(), private, lang) else { return };
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
                <A href="/signin" attr:id="follow-signin">{td_string!(lang.locale(), follow.sign_in)}</A>
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
                {move || follow_action(relation.get(), private, lang).map(|(label, _)| label)}
            </button>
            <p class="follow__state" id="follow-state" role="status">{move || follow_state(relation.get(), lang)}</p>
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
        let en = Lang::En;
        assert_eq!(follow_action(Relation::Member, false, en), Some(("Follow", true)));
        assert_eq!(follow_action(Relation::Member, true, en), Some(("Request to follow", true)));
        assert_eq!(follow_action(Relation::Requested, true, en), Some(("Withdraw request", false)));
        assert_eq!(follow_action(Relation::Follower, true, en), Some(("Unfollow", false)));
        assert_eq!(follow_action(Relation::Owner, false, en), None);
        assert_eq!(follow_action(Relation::Anonymous, false, en), None);
        assert!(follow_state(Relation::Requested, en).unwrap().contains("approved"));
        assert_eq!(follow_action(Relation::Member, true, Lang::De), Some(("Folgen anfragen", true)));
        assert_eq!(follow_state(Relation::Follower, Lang::PtBr), Some("Você segue este membro."));
    }
}
