//! `/settings/account`: change the e-mail address or the password (each needs
//! the current password), choose the account's language, and see every
//! device signed in, with a way to end any of them.

use curtain_api::account::{self as rules, ChangeEmailRequest, ChangePasswordRequest, SessionInfo};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::email::Load;
use crate::api;
use crate::components::field::TextField;
use crate::components::form_alert::{show_feedback, FormAlert, SubmitButton, UnsavedNote};
use crate::forms::Alert;
use curtain_ui::Lang;
use crate::dom::{focus_soon, set_page_title};
use crate::forms::{Feedback, FieldSpec};
use crate::session::{use_session, SessionView};

const EMAIL_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "new_email", id: "account-new-email", focus: "account-new-email" },
    FieldSpec { wire: "current_password", id: "account-email-password", focus: "account-email-password" },
];

const PASSWORD_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "current_password", id: "account-current-password", focus: "account-current-password" },
    FieldSpec { wire: "new_password", id: "account-new-password", focus: "account-new-password" },
];

#[component]
pub fn AccountSettings() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), titles.account_settings)));
    let l = crate::lang::page_lang().locale();
    // Bumped after a password change, which ends other sessions.
    let sessions_changed = RwSignal::new(0u32);
    view! {
        <h1>{leptos_i18n::td_string!(l, settings.account)}</h1>
        <ChangeEmailForm />
        <ChangePasswordForm on_done=Callback::new(move |()| sessions_changed.update(|n| *n += 1)) />
        <LanguageForm />
        <SessionsList changed=sessions_changed />
    }
}

#[component]
fn ChangeEmailForm() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::default());
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));
    let current = move || match session.view() {
        SessionView::SignedIn(user) => user.email,
        _ => String::new(),
    };

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let request = ChangeEmailRequest { current_password: password.get_untracked(), new_email: new_email.get_untracked().trim().to_string() };
        let errors = rules::change_email(&request);
        done.set(None);
        if !errors.is_empty() {
            show_feedback(feedback, Feedback::invalid_input(errors), EMAIL_FIELDS, "account-email-error");
            return;
        }
        feedback.set(Feedback::default());
        busy.set(true);
        spawn_local(async move {
            let result = api::account::change_email(&request).await;
            busy.set(false);
            match result {
                Ok(user) => {
                    done.set(Some(match &user.pending_email {
                        Some(new) => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.pending_done), &[("new", new), ("email", &user.email)]),
                        None => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.email_is), &[("email", &user.email)]),
                    }));
                    session.signed_in(user);
                    new_email.set(String::new());
                    password.set(String::new());
                    // In sight and read out, whatever the screen's size.
                    crate::dom::focus_soon("account-email-status");
                }
                Err(e) => {
                    session.note_error(&e);
                    show_feedback(feedback, Feedback::from_api_error(&e, EMAIL_FIELDS), EMAIL_FIELDS, "account-email-error");
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };

    view! {
        <section class="settings-block" aria-labelledby="account-email-heading">
            <h2 id="account-email-heading">{leptos_i18n::td_string!(l, settings_account.email_heading)}</h2>
            <p>{leptos_i18n::td_string!(l, settings_account.email_now_before)} <strong id="account-current-email">{current}</strong> {leptos_i18n::td_string!(l, settings_account.email_now_after)}</p>
            <AddressConfirmation />
            <form id="account-email-form" class="form" novalidate=true on:submit=on_submit>
                <FormAlert
                    id="account-email-error"
                    alert=Signal::derive(move || feedback.with(|f| f.alert.clone()))
                    busy=Signal::derive(move || busy.get())
                    on_retry=Callback::new(move |()| submit())
                />
                <TextField
                    id="account-new-email"
                    name="email"
                    label=leptos_i18n::td_string!(l, settings_account.new_email)
                    input_type="email"
                    autocomplete="email"
                    value=new_email
                    errors=errors_for("new_email")
                />
                <TextField
                    id="account-email-password"
                    name="current-password"
                    label=leptos_i18n::td_string!(l, settings_account.email_password)
                    input_type="password"
                    autocomplete="current-password"
                    value=password
                    errors=errors_for("current_password")
                    hint=leptos_i18n::td_string!(l, settings_account.email_password_hint)
                />
                <div class="form__actions">
                    <SubmitButton id="account-email-submit" label=leptos_i18n::td_string!(l, settings_account.change_email) busy_label=leptos_i18n::td_string!(l, settings_account.changing) busy=Signal::derive(move || busy.get()) />
                </div>
                <p id="account-email-status" class="status-message" role="status" tabindex="-1">{move || done.get()}</p>
            </form>
        </section>
    }
}

/// The account's language: each of ours by its own name, or none (the
/// address and the browser decide). Saved with its own button; once saved,
/// the same page loads again in the chosen language.
#[component]
fn LanguageForm() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let stored = move || match session.view() {
        SessionView::SignedIn(user) => Some(user.language.as_deref().and_then(Lang::from_tag)),
        _ => None,
    };
    // `None` until the member picks: the form shows what is saved.
    let picked = RwSignal::new(None::<Option<Lang>>);
    let chosen = move || picked.get().or_else(stored).flatten();
    let alert = RwSignal::new(None::<Alert>);
    let busy = RwSignal::new(false);
    let dirty = Signal::derive(move || picked.get().is_some_and(|p| Some(p) != stored()));

    let save = move || {
        if busy.get_untracked() {
            return;
        }
        let language = picked.get_untracked().or_else(stored).flatten();
        busy.set(true);
        alert.set(None);
        spawn_local(async move {
            let result = api::account::save_language(language).await;
            match result {
                Ok(user) => {
                    session.signed_in(user);
                    // The same page in the chosen language: a new page load.
                    move_to_language(language);
                }
                Err(e) => {
                    busy.set(false);
                    session.note_error(&e);
                    alert.set(Some(if e.is_unreachable() { Alert::Unreachable } else { Alert::Problem(e.message()) }));
                    focus_soon("account-language-error");
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save();
    };
    let option = move |value: Option<Lang>| {
        let id = format!("account-language-{}", value.map_or("none", Lang::tag));
        let (label, lang_attr) = match value {
            Some(lang) => (lang.native_name(), Some(lang.tag())),
            None => (leptos_i18n::td_string!(l, settings_account.language_follow), None),
        };
        view! {
            <div class="choice">
                <input
                    class="choice__input"
                    type="radio"
                    name="language"
                    id=id.clone()
                    value=value.map_or("", Lang::tag)
                    prop:checked=move || chosen() == value
                    on:change=move |_| picked.set(Some(value))
                />
                <label class="choice__label" for=id lang=lang_attr>{label}</label>
            </div>
        }
    };

    view! {
        <section class="settings-block" aria-labelledby="account-language-heading">
            <h2 id="account-language-heading">{leptos_i18n::td_string!(l, settings_account.language_heading)}</h2>
            <p id="account-language-lede">{leptos_i18n::td_string!(l, settings_account.language_lede)}</p>
            <form id="account-language-form" class="form" novalidate=true on:submit=on_submit>
                <FormAlert
                    id="account-language-error"
                    alert=Signal::derive(move || alert.get())
                    busy=Signal::derive(move || busy.get())
                    on_retry=Callback::new(move |()| save())
                />
                <fieldset class="field" aria-describedby="account-language-lede">
                    <legend class="field__label">{leptos_i18n::td_string!(l, settings_account.language_heading)}</legend>
                    {option(None)}
                    {Lang::ALL.into_iter().map(|lang| option(Some(lang))).collect_view()}
                </fieldset>
                <div class="form__actions">
                    <SubmitButton id="account-language-save" label=leptos_i18n::td_string!(l, settings_account.language_save) busy_label=leptos_i18n::td_string!(l, settings_account.language_saving) busy=Signal::derive(move || busy.get()) />
                    <UnsavedNote id="account-language-unsaved" dirty=dirty />
                </div>
            </form>
        </section>
    }
}

/// Loads this page in `language` (its address with that prefix; without a
/// language, the address without one, where the server decides).
fn move_to_language(language: Option<Lang>) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let target = address_in(&path, language);
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let _ = location.assign(&format!("{target}{search}{hash}"));
}

/// `path` (as the address bar has it, prefix or not) in `language`.
pub fn address_in(path: &str, language: Option<Lang>) -> String {
    let bare = Lang::split_path(path).map_or(path, |(_, rest)| rest);
    match language {
        Some(lang) => lang.path(bare),
        None => bare.to_string(),
    }
}

/// What waits for a confirmation link, if anything, with "Send the link again".
#[component]
fn AddressConfirmation() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let sent = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let awaiting = move || match session.view() {
        SessionView::SignedIn(user) => match user.pending_email {
            Some(new) => Some(curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.pending), &[("new", &new)])),
            None if !user.email_verified => Some(curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.unconfirmed), &[("email", &user.email)])),
            None => None,
        },
        _ => None,
    };
    let resend = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        sent.set(None);
        spawn_local(async move {
            match api::account::resend_verification().await {
                Ok(r) => sent.set(Some(curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.resent), &[("email", &r.email)]))),
                Err(e) => {
                    session.note_error(&e);
                    failed.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };
    move || {
        awaiting().map(|text| {
            view! {
                <div class="notice" id="account-email-pending">
                    <p>{text}</p>
                    <button class="button" type="button" id="account-email-resend" on:click=resend
                        disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                        {leptos_i18n::td_string!(l, settings_account.resend)}
                    </button>
                    <p class="status-message" role="status">{move || sent.get()}</p>
                    {move || failed.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                </div>
            }
        })
    }
}

#[component]
fn ChangePasswordForm(on_done: Callback<()>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::default());
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let request = ChangePasswordRequest { current_password: current.get_untracked(), new_password: new_password.get_untracked() };
        let errors = rules::change_password(&request);
        done.set(None);
        if !errors.is_empty() {
            show_feedback(feedback, Feedback::invalid_input(errors), PASSWORD_FIELDS, "account-password-error");
            return;
        }
        feedback.set(Feedback::default());
        busy.set(true);
        spawn_local(async move {
            let result = api::account::change_password(&request).await;
            busy.set(false);
            match result {
                Ok(changed) => {
                    done.set(Some(password_changed_sentence(changed.other_sessions_ended)));
                    current.set(String::new());
                    new_password.set(String::new());
                    on_done.run(());
                }
                Err(e) => {
                    session.note_error(&e);
                    show_feedback(feedback, Feedback::from_api_error(&e, PASSWORD_FIELDS), PASSWORD_FIELDS, "account-password-error");
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };

    view! {
        <section class="settings-block" aria-labelledby="account-password-heading">
            <h2 id="account-password-heading">{leptos_i18n::td_string!(l, settings_account.password_heading)}</h2>
            <p>{leptos_i18n::td_string!(l, settings_account.password_lede)}</p>
            <form id="account-password-form" class="form" novalidate=true on:submit=on_submit>
                <FormAlert
                    id="account-password-error"
                    alert=Signal::derive(move || feedback.with(|f| f.alert.clone()))
                    busy=Signal::derive(move || busy.get())
                    on_retry=Callback::new(move |()| submit())
                />
                <TextField
                    id="account-current-password"
                    name="current-password"
                    label=leptos_i18n::td_string!(l, settings_account.current_password)
                    input_type="password"
                    autocomplete="current-password"
                    value=current
                    errors=errors_for("current_password")
                />
                <TextField
                    id="account-new-password"
                    name="new-password"
                    label=leptos_i18n::td_string!(l, settings_account.new_password)
                    input_type="password"
                    autocomplete="new-password"
                    value=new_password
                    errors=errors_for("new_password")
                    hint=leptos_i18n::td_string!(l, settings_account.new_password_hint)
                />
                <div class="form__actions">
                    <SubmitButton id="account-password-submit" label=leptos_i18n::td_string!(l, settings_account.change_password) busy_label=leptos_i18n::td_string!(l, settings_account.changing) busy=Signal::derive(move || busy.get()) />
                </div>
                <p id="account-password-status" class="status-message" role="status">{move || done.get()}</p>
            </form>
        </section>
    }
}

/// The sentence after a password change.
pub fn password_changed_sentence(ended: u64) -> String {
    let l = crate::lang::page_lang().locale();
    match ended {
        0 => leptos_i18n::td_string!(l, settings_account.password_changed).into(),
        1 => leptos_i18n::td_string!(l, settings_account.password_changed_one).into(),
        n => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.password_changed_n), &[("n", &n)]),
    }
}

/// A moment from an RFC 3339 stamp, in the visitor's zone, written the
/// site's one way ("1 June 2026, 14:05").
pub fn local_time(rfc3339: &str) -> String {
    crate::dom::local_date_time(rfc3339)
}

#[component]
fn SessionsList(changed: RwSignal<u32>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let sessions = RwSignal::new(Vec::<SessionInfo>::new());
    let load = RwSignal::new(Load::Loading);
    let status = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let fetch = move || {
        spawn_local(async move {
            match api::account::sessions().await {
                Ok(list) => {
                    sessions.set(list);
                    load.set(Load::Ready);
                }
                Err(e) => {
                    session.note_error(&e);
                    load.set(Load::Failed(e.message()));
                }
            }
        });
    };
    Effect::new(move |_| {
        changed.track();
        fetch();
    });

    let revoke = move |info: SessionInfo| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let result = api::account::revoke_session(info.id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    sessions.update(|list| list.retain(|s| s.id != info.id));
                    status.set(Some(curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.revoked), &[("device", &info.device), ("ip", &info.ip)])));
                    focus_soon("sessions-heading");
                }
                Err(e) => {
                    session.note_error(&e);
                    problem.set(Some(e.message()));
                    fetch();
                }
            }
        });
    };
    let revoke_others = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let result = api::account::revoke_other_sessions().await;
            busy.set(false);
            match result {
                Ok(r) => {
                    status.set(Some(match r.revoked {
                        1 => leptos_i18n::td_string!(l, settings_account.revoked_one).to_string(),
                        n => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.revoked_n), &[("n", &n)]),
                    }));
                    fetch();
                }
                Err(e) => {
                    session.note_error(&e);
                    problem.set(Some(e.message()));
                }
            }
        });
    };

    view! {
        <section class="settings-block" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading" tabindex="-1">{leptos_i18n::td_string!(l, settings_account.sessions_heading)}</h2>
            <p>{leptos_i18n::td_string!(l, settings_account.sessions_lede)}</p>
            <p id="sessions-status" class="status-message" role="status">{move || status.get()}</p>
            {move || problem.get().map(|m| view! { <div class="form-error" role="alert"><p class="form-error__message">{m}</p></div> })}
            {move || match load.get() {
                Load::Loading => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings_account.sessions_loading)}</p> }.into_any(),
                Load::Failed(message) => view! { <div class="form-error" role="alert"><p class="form-error__message">{message}</p></div> }.into_any(),
                Load::Ready => view! {
                    <ul id="sessions-list" class="session-list">
                        <For each=move || sessions.get() key=|s| s.id let:info>
                            <SessionRow info=info.clone() busy=Signal::derive(move || busy.get()) on_revoke=Callback::new(move |()| revoke(info.clone())) />
                        </For>
                    </ul>
                    <button
                        id="revoke-others"
                        type="button"
                        class="button button--secondary"
                        disabled=move || busy.get() || sessions.with(|l| l.iter().all(|s| s.current))
                        on:click=revoke_others
                    >
                        {leptos_i18n::td_string!(l, settings_account.revoke_others)}
                    </button>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn SessionRow(info: SessionInfo, busy: Signal<bool>, on_revoke: Callback<()>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let label = curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_account.revoke_label), &[("device", &info.device), ("ip", &info.ip)]);
    view! {
        <li class="session" class:session--current=info.current data-session-id=info.id.to_string()>
            <div class="session__what">
                <strong class="session__device">{info.device.clone()}</strong>
                {info.current.then(|| view! { <span class="session__badge">{leptos_i18n::td_string!(l, settings_account.this_device)}</span> })}
            </div>
            <dl class="session__facts">
                <div><dt>{leptos_i18n::td_string!(l, settings_account.ip)}</dt><dd>{info.ip.clone()}</dd></div>
                <div><dt>{leptos_i18n::td_string!(l, settings_account.signed_in)}</dt><dd><time datetime=info.created_at.clone()>{local_time(&info.created_at)}</time></dd></div>
                <div><dt>{leptos_i18n::td_string!(l, settings_account.last_active)}</dt><dd><time datetime=info.last_seen_at.clone()>{local_time(&info.last_seen_at)}</time></dd></div>
                <div><dt>{leptos_i18n::td_string!(l, settings_account.kept)}</dt><dd>{if info.persistent { leptos_i18n::td_string!(l, settings_account.kept_yes) } else { leptos_i18n::td_string!(l, settings_account.kept_no) }}</dd></div>
            </dl>
            {(!info.current).then(|| view! {
                <button type="button" class="button button--small button--secondary revoke" aria-label=label.clone() disabled=move || busy.get() on:click=move |_| on_revoke.run(())>
                    {leptos_i18n::td_string!(l, settings_account.sign_out)}
                </button>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::address_in;
    use curtain_ui::Lang;

    #[test]
    fn the_page_moves_to_the_chosen_language() {
        assert_eq!(address_in("/settings/account", Some(Lang::De)), "/de/settings/account");
        assert_eq!(address_in("/pt-BR/settings/account", Some(Lang::De)), "/de/settings/account");
        assert_eq!(address_in("/de/settings/account", None), "/settings/account");
        assert_eq!(address_in("/de/settings/account", Some(Lang::En)), "/settings/account");
    }

    #[test]
    fn password_sentences_count_sessions() {
        assert_eq!(super::password_changed_sentence(0), "Password changed.");
        assert!(super::password_changed_sentence(1).contains("other session was"));
        assert!(super::password_changed_sentence(3).contains("3 other sessions"));
    }
}
