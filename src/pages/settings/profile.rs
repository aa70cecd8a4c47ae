//! `/settings/profile`: every profile field with its audience beside it, a
//! preview of how each audience sees the saved profile, and watch history.
//!
//! Saving carries the ETag the form was loaded with. When another tab saved
//! in between, the server answers 412 and the person chooses: load the latest
//! (what they changed here stays as typed) or keep their version (and save
//! over the other). Typed text is never thrown away without being asked.

use curtain_api::profile::{
    self as rules, EditableProfile, FieldAudiences, PreviewAs, ProfileField, ProfileUpdate, ProfileView,
};
use curtain_api::FieldErrors;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, profiles::is_stale, ApiError};
use crate::components::field::FieldError;
use crate::components::form_alert::UnsavedNote;
use crate::components::profile_audience::{field_label, AudienceSelect};
use crate::components::profile_card::ProfileCard;
use crate::components::profile_history::HistoryEditor;
use crate::dom::{focus_soon, set_page_title};
use crate::forms::error_id;
use crate::pages::profile::{audience_name, preview_marker};
use leptos_i18n::td_string;

/// The form's contents, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDraft {
    pub display_name: String,
    pub location: String,
    pub about: String,
    pub gender: String,
    /// Comma-separated, as typed.
    pub genres: String,
    pub audiences: FieldAudiences,
}

impl ProfileDraft {
    pub fn from_saved(p: &EditableProfile) -> Self {
        ProfileDraft {
            display_name: p.display_name.clone(),
            location: p.location.clone(),
            about: p.about.clone(),
            gender: p.gender.clone(),
            genres: p.favourite_genres.join(", "),
            audiences: p.audiences,
        }
    }

    /// The whole form as one update.
    pub fn to_update(&self) -> ProfileUpdate {
        ProfileUpdate {
            display_name: Some(self.display_name.clone()),
            location: Some(self.location.clone()),
            about: Some(self.about.clone()),
            gender: Some(self.gender.clone()),
            favourite_genres: Some(rules::parse_genres(&self.genres)),
            audiences: ProfileField::ALL.iter().map(|f| (*f, self.audiences.get(*f))).collect(),
        }
    }
}

/// After a conflict, "load the latest": every field the person changed since
/// `base` (what the form was loaded with) keeps what they typed; every other
/// field takes the `latest` saved value.
pub fn merge_latest(base: &ProfileDraft, mine: &ProfileDraft, latest: &ProfileDraft) -> ProfileDraft {
    let pick = |b: &String, m: &String, l: &String| if m != b { m.clone() } else { l.clone() };
    let mut audiences = latest.audiences;
    for f in ProfileField::ALL {
        if mine.audiences.get(f) != base.audiences.get(f) {
            audiences.set(f, mine.audiences.get(f));
        }
    }
    ProfileDraft {
        display_name: pick(&base.display_name, &mine.display_name, &latest.display_name),
        location: pick(&base.location, &mine.location, &latest.location),
        about: pick(&base.about, &mine.about, &latest.about),
        gender: pick(&base.gender, &mine.gender, &latest.gender),
        genres: pick(&base.genres, &mine.genres, &latest.genres),
        audiences,
    }
}

/// Text fields in page order: wire name, control id, multi-line. Their
/// labels are [`field_label`], their hints [`field_hint`].
const TEXT_FIELDS: &[(ProfileField, &str, bool)] = &[
    (ProfileField::DisplayName, "profile-display-name", false),
    (ProfileField::Location, "profile-location-input", false),
    (ProfileField::About, "profile-about-input", true),
    (ProfileField::Gender, "profile-gender-input", false),
    (ProfileField::FavouriteGenres, "profile-genres-input", false),
];

/// Fields that have only an audience here.
const AUDIENCE_ONLY: &[ProfileField] = &[
    ProfileField::BirthDate,
    ProfileField::Joined,
    ProfileField::History,
    ProfileField::Followers,
    ProfileField::Following,
];

/// The line under a field: what it is, in the page's language.
fn field_hint(field: ProfileField) -> &'static str {
    let l = crate::lang::page_lang().locale();
    match field {
        ProfileField::DisplayName => td_string!(l, settings_profile.display_name_hint),
        ProfileField::Location => td_string!(l, settings_profile.location_hint),
        ProfileField::About => td_string!(l, settings_profile.about_hint),
        ProfileField::Gender => td_string!(l, settings_profile.gender_hint),
        ProfileField::FavouriteGenres => td_string!(l, settings_profile.genres_hint),
        ProfileField::BirthDate => td_string!(l, settings_profile.birth_date_hint),
        ProfileField::Joined => td_string!(l, settings_profile.joined_hint),
        ProfileField::History => td_string!(l, settings_profile.history_hint),
        ProfileField::Followers => td_string!(l, settings_profile.followers_hint),
        ProfileField::Following => td_string!(l, settings_profile.following_hint),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Saved,
    Invalid(String),
    Failed(String),
    /// Someone saved since this form was loaded.
    Conflict,
    Merged,
    KeptMine,
}

#[component]
pub fn ProfileSettings() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    set_page_title(Some(td_string!(l, settings_profile.title)));
    let loaded = RwSignal::new(None::<Result<String, String>>); // Ok(username) or the load error
    let display_name = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let about = RwSignal::new(String::new());
    let gender = RwSignal::new(String::new());
    let genres = RwSignal::new(String::new());
    let audiences = RwSignal::new(FieldAudiences::default());
    let private = RwSignal::new(false);
    let birth_date = RwSignal::new(String::new());
    // What the form was loaded with, and the version that was.
    let base = RwSignal::new(ProfileDraft::default());
    let etag = StoredValue::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    // Bumped after each save, so the preview shows the saved state.
    let saved_count = RwSignal::new(0u32);

    let draft = move || ProfileDraft {
        display_name: display_name.get_untracked(),
        location: location.get_untracked(),
        about: about.get_untracked(),
        gender: gender.get_untracked(),
        genres: genres.get_untracked(),
        audiences: audiences.get_untracked(),
    };
    // Whether the form differs from what it was loaded or last saved with.
    let dirty = Memo::new(move |_| {
        let now = ProfileDraft {
            display_name: display_name.get(),
            location: location.get(),
            about: about.get(),
            gender: gender.get(),
            genres: genres.get(),
            audiences: audiences.get(),
        };
        base.with(|b| *b != now)
    });
    let show = move |d: ProfileDraft| {
        display_name.set(d.display_name);
        location.set(d.location);
        about.set(d.about);
        gender.set(d.gender);
        genres.set(d.genres);
        audiences.set(d.audiences);
    };
    let adopt = move |v: api::profiles::Versioned| {
        let saved = ProfileDraft::from_saved(&v.profile);
        base.set(saved.clone());
        etag.set_value(v.etag);
        birth_date.set(v.profile.birth_date.clone());
        saved
    };

    let load = move || {
        spawn_local(async move {
            let (profile, privacy) = (api::profiles::my_profile().await, api::profiles::privacy().await);
            match (profile, privacy) {
                (Ok(v), Ok(p)) => {
                    private.set(p.private);
                    let username = v.profile.username.clone();
                    show(adopt(v));
                    loaded.set(Some(Ok(username)));
                }
                (Err(e), _) | (_, Err(e)) => loaded.set(Some(Err(e.message()))),
            }
        });
    };
    load();

    let save = move || {
        if busy.get_untracked() {
            return;
        }
        let update = draft().to_update();
        let mut problems = rules::profile_update(&update);
        crate::forms::localise_rules(&mut problems, crate::lang::page_lang());
        if !problems.is_empty() {
            focus_first_invalid(&problems);
            errors.set(problems);
            notice.set(Some(Notice::Invalid(td_string!(l, settings_profile.check_fields).into())));
            return;
        }
        busy.set(true);
        errors.set(FieldErrors::new());
        notice.set(None);
        spawn_local(async move {
            let result = api::profiles::save_profile(&etag.get_value(), &update).await;
            busy.set(false);
            match result {
                Ok(v) => {
                    show(adopt(v));
                    saved_count.update(|n| *n += 1);
                    notice.set(Some(Notice::Saved));
                    focus_soon("settings-profile-status");
                }
                Err(e) if is_stale(&e) => {
                    notice.set(Some(Notice::Conflict));
                    focus_soon("profile-conflict");
                }
                Err(e) => {
                    let fields = e.field_errors().clone();
                    if fields.is_empty() {
                        notice.set(Some(Notice::Failed(e.message())));
                        focus_soon("settings-profile-status");
                    } else {
                        focus_first_invalid(&fields);
                        errors.set(fields);
                        notice.set(Some(Notice::Invalid(e.message())));
                    }
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save();
    };

    // Both answers to a conflict fetch the latest version first.
    let resolve = move |merge: bool| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::profiles::my_profile().await;
            busy.set(false);
            match result {
                Ok(v) => {
                    let mine = draft();
                    let old_base = base.get_untracked();
                    let latest = adopt(v);
                    if merge {
                        show(merge_latest(&old_base, &mine, &latest));
                        saved_count.update(|n| *n += 1);
                        notice.set(Some(Notice::Merged));
                    } else {
                        notice.set(Some(Notice::KeptMine));
                    }
                    focus_soon("settings-profile-status");
                }
                Err(e) => notice.set(Some(Notice::Failed(e.message()))),
            }
        });
    };

    let field_errors = move |wire: &'static str| Signal::derive(move || errors.with(|e| e.get(wire).cloned().unwrap_or_default()));
    let text_rows = move || TEXT_FIELDS
        .iter()
        .map(|&(field, id, multiline)| {
            let (label, hint) = (field_label(field), field_hint(field));
            let value = match field {
                ProfileField::DisplayName => display_name,
                ProfileField::Location => location,
                ProfileField::About => about,
                ProfileField::Gender => gender,
                _ => genres,
            };
            let errs = field_errors(field.as_str());
            let invalid = move || errs.with(|e| !e.is_empty());
            let hint_id = format!("{id}-hint");
            let described = move || {
                if invalid() {
                    format!("{id}-hint {}", error_id(id))
                } else {
                    format!("{id}-hint")
                }
            };
            let control = if multiline {
                view! {
                    <textarea
                        class="input input--area"
                        id=id
                        name=field.as_str()
                        rows="5"
                        aria-invalid=move || invalid().then_some("true")
                        aria-describedby=described
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    ></textarea>
                }
                .into_any()
            } else {
                view! {
                    <input
                        class="input"
                        id=id
                        name=field.as_str()
                        type="text"
                        aria-invalid=move || invalid().then_some("true")
                        aria-describedby=described
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                }
                .into_any()
            };
            view! {
                <div class="profile-row" class:field--invalid=invalid>
                    <div class="profile-row__field">
                        <label class="field__label" for=id>{label}</label>
                        <p class="hint" id=hint_id>{hint}</p>
                        {control}
                        <FieldError id=error_id(id) errors=errs />
                    </div>
                    <AudienceSelect field=field audiences=audiences private=private />
                </div>
            }
        })
        .collect_view();
    let audience_rows = move || AUDIENCE_ONLY
        .iter()
        .map(|&field| {
            view! {
                <div class="profile-row">
                    <div class="profile-row__field">
                        <p class="field__label">{field_label(field)}</p>
                        <p class="hint">
                            {field_hint(field)}
                            {(field == ProfileField::BirthDate)
                                .then_some(move || on_file(&birth_date.get()))}
                        </p>
                    </div>
                    <AudienceSelect field=field audiences=audiences private=private />
                </div>
            }
        })
        .collect_view();

    let status = move || {
        notice.get().map(|n| match n {
            Notice::Conflict => view! {
                <div class="form-error conflict" id="profile-conflict" role="alert" tabindex="-1">
                    <p class="form-error__message">{td_string!(l, settings_profile.conflict)}</p>
                    <p class="conflict__help">{td_string!(l, settings_profile.conflict_help)}</p>
                    <div class="form__actions">
                        <button type="button" class="button button--secondary" id="profile-conflict-reload" on:click=move |_| resolve(true)>
                            {td_string!(l, settings_profile.reload_latest)}
                        </button>
                        <button type="button" class="button button--secondary" id="profile-conflict-keep" on:click=move |_| resolve(false)>
                            {td_string!(l, settings_profile.keep_editing)}
                        </button>
                    </div>
                </div>
            }
            .into_any(),
            other => {
                let (class, text) = match other {
                    Notice::Saved => ("form-success", td_string!(l, settings_profile.saved).to_string()),
                    Notice::Merged => ("form-success", td_string!(l, settings_profile.merged).to_string()),
                    Notice::KeptMine => ("form-success", td_string!(l, settings_profile.kept_mine).to_string()),
                    Notice::Invalid(m) | Notice::Failed(m) => ("form-error", m),
                    Notice::Conflict => unreachable!(),
                };
                view! {
                    <div class=class id="settings-profile-status" role="status" tabindex="-1">
                        <p class="form-error__message">{text}</p>
                    </div>
                }
                .into_any()
            }
        })
    };

    move || match loaded.get() {
        None => view! { <p class="muted" aria-busy="true">{td_string!(l, settings_profile.loading)}</p> }.into_any(),
        Some(Err(message)) => view! {
            <h1>{td_string!(l, settings.profile)}</h1>
            <div class="form-error" role="alert">
                <p class="form-error__message">{message}</p>
                <button type="button" class="button button--secondary retry" on:click=move |_| load()>{td_string!(l, shell.try_again)}</button>
            </div>
        }
        .into_any(),
        Some(Ok(username)) => view! {
            <h1>{td_string!(l, settings.profile)}</h1>
            <p class="lede">
                {td_string!(l, settings_profile.lede)}
                <a href=crate::lang::page().path(&format!("/u/{username}")) id="settings-profile-view">{td_string!(l, settings_profile.see_profile)}</a>
            </p>
            <form class="form profile-form" id="settings-profile-form" novalidate=true on:submit=on_submit>
                {status}
                {text_rows()}
                {audience_rows()}
                <div class="form__actions">
                    <button
                        type="submit"
                        class="button button--primary"
                        id="settings-profile-save"
                        disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                    >
                        {move || if busy.get() { td_string!(l, settings_profile.saving) } else { td_string!(l, settings_profile.save) }}
                    </button>
                    <UnsavedNote id="settings-profile-unsaved" dirty=dirty />
                </div>
            </form>
            <PreviewPanel username=username.clone() saved_count=saved_count />
            <HistoryEditor username=username />
        }
        .into_any(),
    }
}

/// " On file: 1991-04-12." under the birth date's audience; the date in
/// the page's words outside English.
fn on_file(iso: &str) -> String {
    let lang = crate::lang::page_lang();
    let date = match lang {
        curtain_ui::Lang::En => iso.to_string(),
        _ => crate::components::policy_document::long_date(iso, lang),
    };
    curtain_ui::lang::fill(td_string!(lang.locale(), settings_profile.on_file), &[("date", &date)])
}

fn focus_first_invalid(errors: &FieldErrors) {
    if let Some(&(_, id, ..)) = TEXT_FIELDS.iter().find(|(f, ..)| errors.contains_key(f.as_str())) {
        focus_soon(id);
    }
}

/// "How others see it": the saved profile, fetched from the server's preview.
#[component]
fn PreviewPanel(username: String, saved_count: RwSignal<u32>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let preview_as = RwSignal::new(PreviewAs::Public);
    let shown = RwSignal::new(None::<Result<ProfileView, ApiError>>);
    let username = StoredValue::new(username);
    Effect::new(move |_| {
        let p = preview_as.get();
        saved_count.track();
        spawn_local(async move {
            let result = api::profiles::profile(&username.get_value(), Some(p)).await;
            if preview_as.get_untracked() == p {
                shown.set(Some(result));
            }
        });
    });
    view! {
        <section class="preview-panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{td_string!(l, settings_profile.preview_heading)}</h2>
            <div class="owner-tools__row">
                <label class="field__label" for="settings-view-as">{td_string!(l, settings_profile.view_as)}</label>
                <select
                    class="input owner-tools__select"
                    id="settings-view-as"
                    on:change=move |ev| {
                        if let Some(p) = PreviewAs::parse(&event_target_value(&ev)) {
                            preview_as.set(p);
                        }
                    }
                >
                    {PreviewAs::ALL
                        .into_iter()
                        .map(|p| view! { <option value=p.as_str() selected=p == PreviewAs::Public>{audience_name(p, crate::lang::page_lang())}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="preview-banner" id="settings-preview-banner" role="status">
                <p class="preview-banner__text">
                    <strong>{move || preview_marker(preview_as.get(), crate::lang::page_lang())}</strong>
                    {td_string!(l, settings_profile.as_last_saved)}
                </p>
            </div>
            {move || match shown.get() {
                None => view! { <p class="muted" aria-busy="true">{td_string!(l, settings_profile.loading_preview)}</p> }.into_any(),
                Some(Ok(view)) => view! { <ProfileCard view=view main=false /> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message()}</p> }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use curtain_api::profile::Audience;

    use super::*;

    fn draft(location: &str, about: &str, loc_audience: Audience) -> ProfileDraft {
        let mut d = ProfileDraft { location: location.into(), about: about.into(), ..Default::default() };
        d.audiences.location = loc_audience;
        d
    }

    #[test]
    fn loading_the_latest_keeps_what_was_typed_here() {
        let base = draft("Lisbon", "old about", Audience::OnlyMe);
        // Here: the location was edited. Elsewhere: the about text and the location's audience.
        let mine = draft("Porto", "old about", Audience::OnlyMe);
        let latest = draft("Lisbon", "new about from the other tab", Audience::Followers);
        let merged = merge_latest(&base, &mine, &latest);
        assert_eq!(merged.location, "Porto", "typed text survives");
        assert_eq!(merged.about, "new about from the other tab", "untouched fields catch up");
        assert_eq!(merged.audiences.location, Audience::Followers);

        let mine_audience = draft("Lisbon", "old about", Audience::Everyone);
        assert_eq!(merge_latest(&base, &mine_audience, &latest).audiences.location, Audience::Everyone);
    }

    #[test]
    fn the_form_becomes_one_full_update() {
        let saved = EditableProfile {
            username: "ana".into(),
            display_name: "Ana".into(),
            location: "".into(),
            about: "".into(),
            gender: "".into(),
            favourite_genres: vec!["Noir".into(), "Musicals".into()],
            birth_date: "1991-04-12".into(),
            joined_on: "2026-01-01".into(),
            audiences: FieldAudiences::default(),
        };
        let d = ProfileDraft::from_saved(&saved);
        assert_eq!(d.genres, "Noir, Musicals");
        let update = d.to_update();
        assert_eq!(update.favourite_genres, Some(vec!["Noir".to_string(), "Musicals".to_string()]));
        assert_eq!(update.audiences.len(), ProfileField::ALL.len());
        assert_eq!(update.display_name.as_deref(), Some("Ana"));
    }
}
