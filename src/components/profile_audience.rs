//! The audience picker that sits beside each profile field.

use curtain_api::profile::{Audience, FieldAudiences, ProfileField};
use leptos::prelude::*;

/// The sentence under a picker while a private account narrows its choice.
pub fn narrowed_note(audience: Audience, private: bool) -> Option<&'static str> {
    (private && audience.effective(true) != audience)
        .then_some("Your account is private, so only your followers see this for now.")
}

/// `<select id="audience-FIELD">`, labelled "Who sees LABEL".
#[component]
pub fn AudienceSelect(
    field: ProfileField,
    audiences: RwSignal<FieldAudiences>,
    #[prop(into)] private: Signal<bool>,
) -> impl IntoView {
    let id = format!("audience-{}", field.as_str().replace('_', "-"));
    let note_id = format!("{id}-note");
    let current = move || audiences.with(|a| a.get(field));
    view! {
        <div class="audience">
            <label class="audience__label" for=id.clone()>
                "Who sees " {field.label().to_lowercase()}
            </label>
            <select
                class="input audience__select"
                id=id.clone()
                name=id.clone()
                aria-describedby=note_id.clone()
                prop:value=move || current().as_str()
                on:change=move |ev| {
                    if let Some(a) = Audience::parse(&event_target_value(&ev)) {
                        audiences.update(|all| all.set(field, a));
                    }
                }
            >
                {Audience::ALL
                    .into_iter()
                    .map(|a| {
                        view! {
                            <option value=a.as_str() selected=move || current() == a>
                                {a.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="hint audience__note" id=note_id>{move || narrowed_note(current(), private.get())}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_appears_only_when_private_narrows_the_choice() {
        assert!(narrowed_note(Audience::Everyone, true).is_some());
        assert!(narrowed_note(Audience::Members, true).is_some());
        assert_eq!(narrowed_note(Audience::Followers, true), None);
        assert_eq!(narrowed_note(Audience::OnlyMe, true), None);
        assert_eq!(narrowed_note(Audience::Everyone, false), None);
    }
}
