//! The audience picker that sits beside each profile field.

use curtain_api::profile::{Audience, FieldAudiences, ProfileField};
use leptos::prelude::*;
use leptos_i18n::td_string;

/// A field's name in the page's language ("Display name", "Anzeigename").
pub fn field_label(field: ProfileField) -> &'static str {
    let l = crate::lang::page_lang().locale();
    match field {
        ProfileField::DisplayName => td_string!(l, settings_profile.display_name),
        ProfileField::Location => td_string!(l, settings_profile.location),
        ProfileField::About => td_string!(l, settings_profile.about),
        ProfileField::BirthDate => td_string!(l, settings_profile.birth_date),
        ProfileField::Gender => td_string!(l, settings_profile.gender),
        ProfileField::FavouriteGenres => td_string!(l, settings_profile.genres),
        ProfileField::Joined => td_string!(l, settings_profile.joined),
        ProfileField::History => td_string!(l, settings_profile.history),
        ProfileField::Followers => td_string!(l, settings_profile.followers),
        ProfileField::Following => td_string!(l, settings_profile.following),
    }
}

/// An audience's name in the page's language ("Everyone", "Alle").
pub fn audience_label(audience: Audience) -> &'static str {
    let l = crate::lang::page_lang().locale();
    match audience {
        Audience::Everyone => td_string!(l, settings_profile.audience_everyone),
        Audience::Members => td_string!(l, settings_profile.audience_members),
        Audience::Followers => td_string!(l, settings_profile.audience_followers),
        Audience::OnlyMe => td_string!(l, settings_profile.audience_only_me),
    }
}

/// "Who sees display name" (the field's name in lower case in English only:
/// German nouns keep their capital).
fn who_sees(field: ProfileField) -> String {
    let lang = crate::lang::page_lang();
    let name = match lang {
        curtain_ui::Lang::En => field_label(field).to_lowercase(),
        _ => field_label(field).to_string(),
    };
    curtain_ui::lang::fill(td_string!(lang.locale(), settings_profile.who_sees), &[("field", &name)])
}

/// The sentence under a picker while a private account narrows its choice.
pub fn narrowed_note(audience: Audience, private: bool) -> Option<&'static str> {
    (private && audience.effective(true) != audience)
        .then_some(td_string!(crate::lang::page_lang().locale(), settings_profile.narrowed))
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
                {who_sees(field)}
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
                                {audience_label(a)}
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
    fn labels_read_as_the_api_names_them_in_english() {
        for field in ProfileField::ALL {
            assert_eq!(field_label(field), field.label());
        }
        for audience in Audience::ALL {
            assert_eq!(audience_label(audience), audience.label());
        }
        assert_eq!(who_sees(ProfileField::DisplayName), "Who sees display name");
    }

    #[test]
    fn the_note_appears_only_when_private_narrows_the_choice() {
        assert!(narrowed_note(Audience::Everyone, true).is_some());
        assert!(narrowed_note(Audience::Members, true).is_some());
        assert_eq!(narrowed_note(Audience::Followers, true), None);
        assert_eq!(narrowed_note(Audience::OnlyMe, true), None);
        assert_eq!(narrowed_note(Audience::Everyone, false), None);
    }
}
