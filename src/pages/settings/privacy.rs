//! `/settings/privacy`: a private account, search discoverability, search
//! engine indexing; follow requests to approve or deny; followers to remove.
//! The switches save together with "Save", as every settings page does.

use curtain_api::profile::{FollowRequest, PrivacySettings, PrivacyUpdate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;

use crate::api;
use crate::components::profile_avatar::Avatar;
use crate::components::form_alert::UnsavedNote;
use crate::dom::{focus_soon, set_page_title};

/// Which switch, for saving one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Private,
    Discoverable,
    Indexable,
}

impl Switch {
    pub fn update(self, on: bool) -> PrivacyUpdate {
        let mut u = PrivacyUpdate::default();
        match self {
            Switch::Private => u.private = Some(on),
            Switch::Discoverable => u.discoverable = Some(on),
            Switch::Indexable => u.indexable = Some(on),
        }
        u
    }

    fn read(self, p: &PrivacySettings) -> bool {
        match self {
            Switch::Private => p.private,
            Switch::Discoverable => p.discoverable,
            Switch::Indexable => p.indexable,
        }
    }

    /// What the status line says after a change was saved.
    pub fn saved_sentence(self, on: bool) -> &'static str {
        let l = crate::lang::page_lang().locale();
        match (self, on) {
            (Switch::Private, true) => leptos_i18n::td_string!(l, settings_privacy.private_on),
            (Switch::Private, false) => leptos_i18n::td_string!(l, settings_privacy.private_off),
            (Switch::Discoverable, true) => leptos_i18n::td_string!(l, settings_privacy.discoverable_on),
            (Switch::Discoverable, false) => leptos_i18n::td_string!(l, settings_privacy.discoverable_off),
            (Switch::Indexable, true) => leptos_i18n::td_string!(l, settings_privacy.indexable_on),
            (Switch::Indexable, false) => leptos_i18n::td_string!(l, settings_privacy.indexable_off),
        }
    }
}

#[component]
pub fn PrivacySettingsPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), titles.privacy_settings)));
    let l = crate::lang::page_lang().locale();
    let settings = RwSignal::new(None::<Result<PrivacySettings, String>>);
    let status = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let requests = RwSignal::new(None::<Result<Vec<FollowRequest>, String>>);
    let followers = RwSignal::new(None::<Result<Vec<String>, String>>);

    let load_people = move || {
        spawn_local(async move {
            requests.set(Some(api::profiles::follow_requests().await.map(|r| r.requests).map_err(|e| e.message())));
        });
        spawn_local(async move {
            let me = match api::session().await {
                Ok(Some(user)) => user.username,
                Ok(None) => return,
                Err(e) => {
                    followers.set(Some(Err(e.message())));
                    return;
                }
            };
            let result = api::profiles::profile(&me, None).await;
            followers.set(Some(result.map(|v| v.followers.unwrap_or_default()).map_err(|e| e.message())));
        });
    };
    spawn_local(async move {
        settings.set(Some(api::profiles::privacy().await.map_err(|e| e.message())));
    });
    load_people();
    // The header's count of waiting requests follows this list.
    let session = crate::session::use_session();
    let scrolled = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(list)) = requests.get() {
            session.set_follow_requests(u32::try_from(list.len()).unwrap_or(u32::MAX));
            if !scrolled.get_value() {
                scrolled.set_value(true);
                // The header's link names the requests' heading.
                crate::dom::scroll_to_location_hash();
            }
        }
    });

    // The switches are a draft until "Save" (as every settings page saves):
    // the page says when there are unsaved changes.
    let draft = RwSignal::new(None::<PrivacySettings>);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = settings.get() {
            draft.set(Some(saved));
        }
    });
    let dirty = Memo::new(move |_| match (settings.get(), draft.get()) {
        (Some(Ok(saved)), Some(draft)) => saved != draft,
        _ => false,
    });
    // Going public is asked about first: it is easy to do in one click and
    // hard to undo once others have seen the profile.
    let confirming = RwSignal::new(false);
    let save = move |confirmed: bool| {
        let (Some(Ok(saved)), Some(wanted)) = (settings.get_untracked(), draft.get_untracked()) else { return };
        if busy.get_untracked() || saved == wanted {
            return;
        }
        if saved.private && !wanted.private && !confirmed {
            confirming.set(true);
            focus_soon("privacy-public-title");
            return;
        }
        confirming.set(false);
        let changed: Vec<Switch> = [Switch::Private, Switch::Discoverable, Switch::Indexable]
            .into_iter()
            .filter(|s| s.read(&saved) != s.read(&wanted))
            .collect();
        let mut update = PrivacyUpdate::default();
        for s in &changed {
            let one = s.update(s.read(&wanted));
            update.private = update.private.or(one.private);
            update.discoverable = update.discoverable.or(one.discoverable);
            update.indexable = update.indexable.or(one.indexable);
        }
        busy.set(true);
        status.set(None);
        spawn_local(async move {
            let result = api::profiles::save_privacy(update).await;
            busy.set(false);
            match result {
                Ok(p) => {
                    let said: Vec<&str> = changed.iter().map(|s| s.saved_sentence(s.read(&p))).collect();
                    status.set(Some((true, curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.saved), &[("said", &said.join(" "))]))));
                    settings.set(Some(Ok(p)));
                }
                // The draft stays as it is, to save again.
                Err(e) => status.set(Some((false, curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.not_saved), &[("error", &e.message())])))),
            }
            focus_soon("privacy-status");
        });
    };
    let set_draft = move |switch: Switch, on: bool| {
        draft.update(|d| {
            if let Some(d) = d {
                match switch {
                    Switch::Private => d.private = on,
                    Switch::Discoverable => d.discoverable = on,
                    Switch::Indexable => d.indexable = on,
                }
            }
        });
        status.set(None);
    };

    let switch = move |switch: Switch, id: &'static str, label: &'static str, hint: &'static str| {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field field--checkbox switch">
                <div class="checkbox">
                    <input
                        class="checkbox__input switch__input"
                        type="checkbox"
                        role="switch"
                        id=id
                        aria-describedby=hint_id.clone()
                        disabled=move || busy.get()
                        prop:checked=move || draft.with(|d| d.as_ref().is_some_and(|p| switch.read(p)))
                        on:change=move |ev| set_draft(switch, event_target_checked(&ev))
                    />
                    <label class="checkbox__label" for=id>{label}</label>
                </div>
                <p class="hint hint--checkbox" id=hint_id>{hint}</p>
            </div>
        }
    };

    // Only loading, failing or arriving re-renders the switches: re-rendering
    // them on every change would take keyboard focus away.
    let phase = Memo::new(move |_| {
        settings.with(|s| match s {
            None => None,
            Some(Ok(_)) => Some(Ok(())),
            Some(Err(m)) => Some(Err(m.clone())),
        })
    });

    let answer = move |request: FollowRequest, approve: bool| {
        spawn_local(async move {
            match api::profiles::answer_follow_request(request.id, approve).await {
                Ok(()) => {
                    let said = if approve { leptos_i18n::td_string!(l, settings_privacy.approved) } else { leptos_i18n::td_string!(l, settings_privacy.declined) };
                    status.set(Some((true, curtain_ui::lang::fill(said, &[("name", &request.username)]))));
                    load_people();
                    focus_soon("privacy-status");
                }
                Err(e) => status.set(Some((false, e.message()))),
            }
        });
    };
    let remove = move |username: String| {
        spawn_local(async move {
            match api::profiles::remove_follower(&username).await {
                Ok(()) => {
                    status.set(Some((true, curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.removed), &[("name", &username)]))));
                    load_people();
                    focus_soon("privacy-status");
                }
                Err(e) => status.set(Some((false, e.message()))),
            }
        });
    };

    let requests_view = move || match requests.get() {
        None => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings_privacy.loading)}</p> }.into_any(),
        Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="muted" id="follow-requests-empty">{leptos_i18n::td_string!(l, settings_privacy.no_requests)}</p> }.into_any(),
        Some(Ok(list)) => view! {
            <ul class="people-list people-list--actions" id="follow-requests">
                {list
                    .into_iter()
                    .map(|r| {
                        let (a, d) = (r.clone(), r.clone());
                        let name = r.username.clone();
                        let href = format!("/u/{name}");
                        let (approve_id, approve_label) = (format!("approve-{name}"), curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.approve_name), &[("name", &name)]));
                        let (deny_id, deny_label) = (format!("deny-{name}"), curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.deny_name), &[("name", &name)]));
                        view! {
                            <li class="people-list__row">
                                <A href=href attr:class="people-list__link">
                                    <Avatar username=name.clone() />
                                    <span>{name}</span>
                                </A>
                                <span class="people-list__actions">
                                    <button type="button" class="button button--small button--primary" id=approve_id
                                        aria-label=approve_label on:click=move |_| answer(a.clone(), true)>
                                        {leptos_i18n::td_string!(l, settings_privacy.approve)}
                                    </button>
                                    <button type="button" class="button button--small button--secondary" id=deny_id
                                        aria-label=deny_label on:click=move |_| answer(d.clone(), false)>
                                        {leptos_i18n::td_string!(l, settings_privacy.deny)}
                                    </button>
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    let followers_view = move || match followers.get() {
        None => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings_privacy.loading)}</p> }.into_any(),
        Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! { <p class="muted" id="followers-empty">{leptos_i18n::td_string!(l, settings_privacy.no_followers)}</p> }.into_any(),
        Some(Ok(list)) => view! {
            <ul class="people-list people-list--actions" id="followers-list">
                {list
                    .into_iter()
                    .map(|name| {
                        let who = name.clone();
                        let href = format!("/u/{name}");
                        let id = format!("remove-follower-{name}");
                        let label = curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_privacy.remove_name), &[("name", &name)]);
                        view! {
                            <li class="people-list__row">
                                <A href=href attr:class="people-list__link">
                                    <Avatar username=name.clone() />
                                    <span>{name}</span>
                                </A>
                                <button type="button" class="button button--small button--secondary" id=id
                                    aria-label=label on:click=move |_| remove(who.clone())>
                                    {leptos_i18n::td_string!(l, settings_privacy.remove)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };

    view! {
        <h1>{leptos_i18n::td_string!(l, settings.privacy)}</h1>
        <p class="status-line" id="privacy-status" role="status" tabindex="-1">
            {move || status.get().map(|(ok, m)| view! { <span class:field-error=!ok>{m}</span> })}
        </p>
        {move || match phase.get() {
            None => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings.loading)}</p> }.into_any(),
            Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
            Some(Ok(_)) => view! {
                <div class="form privacy-switches">
                    {switch(Switch::Private, "privacy-private", leptos_i18n::td_string!(l, settings_privacy.private),
                        leptos_i18n::td_string!(l, settings_privacy.private_hint))}
                    {switch(Switch::Discoverable, "privacy-discoverable", leptos_i18n::td_string!(l, settings_privacy.discoverable),
                        leptos_i18n::td_string!(l, settings_privacy.discoverable_hint))}
                    {switch(Switch::Indexable, "privacy-indexable", leptos_i18n::td_string!(l, settings_privacy.indexable),
                        leptos_i18n::td_string!(l, settings_privacy.indexable_hint))}
                    <div class="form__actions">
                        <button id="privacy-save" type="button" class="button button--primary"
                            disabled=move || busy.get() || !dirty.get()
                            aria-busy=move || busy.get().then_some("true")
                            on:click=move |_| save(false)>
                            {move || if busy.get() { leptos_i18n::td_string!(l, settings_privacy.saving) } else { leptos_i18n::td_string!(l, settings_privacy.save) }}
                        </button>
                        <UnsavedNote id="privacy-unsaved" dirty=dirty />
                    </div>
                </div>
            }
            .into_any(),
        }}
        {move || confirming.get().then(|| {
            let minor = matches!(session.view(), crate::session::SessionView::SignedIn(u) if u.minor);
            view! {
                <section id="privacy-public-confirm" class="notice notice--warning" aria-labelledby="privacy-public-title">
                    <h2 id="privacy-public-title" class="notice__title" tabindex="-1">{leptos_i18n::td_string!(l, settings_privacy.public_title)}</h2>
                    <ul>
                        <li>{leptos_i18n::td_string!(l, settings_privacy.public_anyone)}</li>
                        <li>{leptos_i18n::td_string!(l, settings_privacy.public_everyone)}</li>
                        <li>{leptos_i18n::td_string!(l, settings_privacy.public_waiting)}</li>
                    </ul>
                    {minor.then(|| view! {
                        <p id="privacy-public-minor">
                            {leptos_i18n::td_string!(l, settings_privacy.public_minor)}
                            {leptos_i18n::td_string!(l, settings_privacy.public_minor_think)}
                        </p>
                    })}
                    <p class="notice__actions">
                        <button id="privacy-public-yes" type="button" class="button button--primary"
                            on:click=move |_| save(true)>
                            {leptos_i18n::td_string!(l, settings_privacy.public_yes)}
                        </button>
                        " "
                        <button id="privacy-public-no" type="button" class="button button--secondary"
                            on:click=move |_| {
                                confirming.set(false);
                                set_draft(Switch::Private, true);
                                focus_soon("privacy-private");
                            }>
                            {leptos_i18n::td_string!(l, settings_privacy.public_no)}
                        </button>
                    </p>
                </section>
            }
        })}
        <section class="privacy-people" aria-labelledby="requests-heading">
            <h2 id="requests-heading">{leptos_i18n::td_string!(l, settings_privacy.requests)}</h2>
            {requests_view}
        </section>
        <section class="privacy-people" aria-labelledby="followers-heading">
            <h2 id="followers-heading">{leptos_i18n::td_string!(l, profile.followers)}</h2>
            {followers_view}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_switch_changes_only_itself() {
        assert_eq!(Switch::Private.update(true), PrivacyUpdate { private: Some(true), ..Default::default() });
        assert_eq!(Switch::Indexable.update(false), PrivacyUpdate { indexable: Some(false), ..Default::default() });
        assert!(Switch::Private.saved_sentence(false).contains("still need your answer"));
    }
}
