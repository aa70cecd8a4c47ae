//! `/settings/data`: "Your data". What Curtain holds about the member, in
//! words, grouped as the privacy policy groups it: each kind of data with
//! what it is for, how long it is kept (from the server's retention table),
//! the member's own values and a link to the control that changes them. All
//! of it is read from the same export the download gives, which stays the
//! complete, machine-readable copy. Then how long every kind of record is
//! kept, and deleting the account.

mod cards;
mod kinds;
mod words;

use curtain_api::account::{self as rules, DeleteAccountRequest};
use curtain_api::retention::Retention;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::use_navigate;
use serde_json::Value;

use self::kinds::{Ctx, Group};
use self::words::{kept_sentence, purge_delay_words, time_words};
use super::email::Load;
use crate::api;
use crate::components::field::TextField;
use crate::components::form_alert::{show_feedback, FormAlert};
use crate::dom::set_page_title;
use crate::forms::{Feedback, FieldSpec};
use crate::session::{use_session, SessionView};
use curtain_ui::lang::fill;
use leptos_i18n::td_string;

const DELETE_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "confirm_username", id: "delete-username", focus: "delete-username" },
    FieldSpec { wire: "password", id: "delete-password", focus: "delete-password" },
];

#[component]
pub fn YourData() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    set_page_title(Some(td_string!(l, settings.data)));
    let session = use_session();
    let data = RwSignal::new(Value::Null);
    let load = RwSignal::new(Load::Loading);
    let fetch = move || {
        load.set(Load::Loading);
        spawn_local(async move {
            match api::account::export().await {
                Ok(v) => {
                    data.set(v);
                    load.set(Load::Ready);
                }
                Err(e) => {
                    session.note_error(&e);
                    load.set(Load::Failed(e.message()));
                }
            }
        });
    };
    fetch();
    let retention = RwSignal::new(None::<Retention>);
    let retention_load = RwSignal::new(Load::Loading);
    let fetch_retention = move || {
        retention_load.set(Load::Loading);
        spawn_local(async move {
            match api::account::retention().await {
                Ok(r) => {
                    retention.set(Some(r));
                    retention_load.set(Load::Ready);
                }
                Err(e) => retention_load.set(Load::Failed(e.message())),
            }
        });
    };
    fetch_retention();

    view! {
        <h1>{td_string!(l, settings.data)}</h1>
        <p class="lede">
            {td_string!(l, your_data.lede_before)}
            <a href=crate::lang::page().path("/privacy#information-we-collect")>{td_string!(l, your_data.policy_link)}</a>
            {td_string!(l, your_data.lede_after)}
        </p>
        <p>
            <a id="export-download" class="button button--primary" href=api::account::EXPORT_URL download="">
                {td_string!(l, your_data.download_all)}
            </a>
        </p>
        <p class="hint">{td_string!(l, your_data.download_hint)}</p>
        {move || match load.get() {
            Load::Loading => view! { <p class="muted" aria-busy="true">{td_string!(l, your_data.gathering)}</p> }.into_any(),
            Load::Failed(message) => view! {
                <div class="form-error" role="alert">
                    <p class="form-error__message">{message}</p>
                    <button type="button" class="button button--secondary retry" on:click=move |_| fetch()>{td_string!(l, shell.try_again)}</button>
                </div>
            }
            .into_any(),
            Load::Ready => retention.with(|r| data.with(|d| groups(d, r.as_ref()))).into_any(),
        }}
        <section id="retention" class="data-retention" aria-labelledby="retention-heading">
            <h2 id="retention-heading">{td_string!(l, your_data.retention_heading)}</h2>
            {move || match retention_load.get() {
                Load::Loading => view! { <p class="muted" aria-busy="true">{td_string!(l, your_data.retention_loading)}</p> }.into_any(),
                Load::Failed(message) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{message}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| fetch_retention()>
                            {td_string!(l, shell.try_again)}
                        </button>
                    </div>
                }
                .into_any(),
                Load::Ready => retention.with(|r| r.as_ref().map(periods)).into_any(),
            }}
        </section>
        <DeleteAccount />
    }
}

/// Every kind of data the export holds, group by group.
fn groups(export: &Value, retention: Option<&Retention>) -> AnyView {
    let ctx = Ctx { me: export["account"]["username"].as_str().unwrap_or(""), time: &time_words };
    let as_of = export["exported_at"].as_str().map(|at| {
        let l = crate::lang::page_lang().locale();
        view! { <p class="hint data-as-of">{fill(td_string!(l, your_data.as_of), &[("when", &time_words(at))])}</p> }
    });
    let groups = Group::ALL
        .into_iter()
        .filter_map(|group| {
            let cards = cards::cards(group, export, &ctx, retention);
            if cards.is_empty() {
                return None;
            }
            let heading = format!("{}-heading", group.id());
            let labelled_by = heading.clone();
            Some(view! {
                <section class="data-group" id=group.id() aria-labelledby=labelled_by>
                    <h2 id=heading>{group.title()}</h2>
                    <p class="data-group__intro">{group.intro()}</p>
                    {cards}
                </section>
            })
        })
        .collect_view();
    view! {
        {as_of}
        <div id="your-data" class="data-groups">{groups}</div>
    }
    .into_any()
}

/// Every kind of record Curtain keeps, the member's or not, and for how long.
fn periods(retention: &Retention) -> AnyView {
    let l = crate::lang::page_lang().locale();
    view! {
        <p>
            {fill(td_string!(l, your_data.purged), &[("within", &purge_delay_words(retention.purged_every_minutes))])}
            {td_string!(l, your_data.purged_policy_before)}
            <a href=crate::lang::page().path("/privacy#retention")>{td_string!(l, your_data.policy_link)}</a>
            {td_string!(l, your_data.purged_policy_after)}
        </p>
        <ul id="retention-periods" class="data-periods">
            {retention
                .periods
                .iter()
                .map(|p| {
                    view! {
                        <li id=format!("retention-{}", p.kind.replace('_', "-"))>
                            <strong>{p.name.clone()}</strong>
                            {format!(": {}. ", p.detail)}
                            <span class="data-periods__kept">{kept_sentence(p)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn DeleteAccount() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::default());
    let busy = RwSignal::new(false);
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));
    let own_name = move || match session.view() {
        SessionView::SignedIn(user) => user.username,
        _ => String::new(),
    };

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let request = DeleteAccountRequest { password: password.get_untracked(), confirm_username: username.get_untracked() };
        let mut errors = rules::delete_account(&request, &own_name());
        crate::forms::localise_rules(&mut errors, crate::lang::page_lang());
        if !errors.is_empty() {
            show_feedback(feedback, Feedback::invalid_input(errors), DELETE_FIELDS, "delete-error");
            return;
        }
        feedback.set(Feedback::default());
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api::account::delete_account(&request).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    session.signed_out();
                    navigate("/account-deleted", Default::default());
                }
                Err(e) => {
                    session.note_error(&e);
                    show_feedback(feedback, Feedback::from_api_error(&e, DELETE_FIELDS), DELETE_FIELDS, "delete-error");
                }
            }
        });
    };
    let submit_again = submit.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };

    view! {
        <section id="delete-account" class="settings-block danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">{td_string!(l, your_data.delete_heading)}</h2>
            <p>{td_string!(l, your_data.delete_when)}</p>
            <ul>
                <li>{td_string!(l, your_data.delete_profile)}</li>
                <li>{td_string!(l, your_data.delete_sessions)}</li>
                <li>{td_string!(l, your_data.delete_mail)}</li>
                <li>{td_string!(l, your_data.delete_username)}</li>
            </ul>
            <p>
                {td_string!(l, your_data.copy_first)} <a href=api::account::EXPORT_URL download="">{td_string!(l, your_data.download_yours)}</a>
                {td_string!(l, your_data.before_you_go)}
            </p>
            <form id="delete-form" class="form" novalidate=true on:submit=on_submit>
                <FormAlert
                    id="delete-error"
                    alert=Signal::derive(move || feedback.with(|f| f.alert.clone()))
                    busy=Signal::derive(move || busy.get())
                    on_retry=Callback::new(move |()| submit_again())
                />
                <TextField
                    id="delete-username"
                    name="confirm-username"
                    label=td_string!(l, your_data.confirm_username)
                    autocomplete="off"
                    value=username
                    errors=errors_for("confirm_username")
                />
                <TextField
                    id="delete-password"
                    name="current-password"
                    label=td_string!(l, your_data.your_password)
                    input_type="password"
                    autocomplete="current-password"
                    value=password
                    errors=errors_for("password")
                />
                <div class="form__actions">
                    <button
                        id="delete-confirm"
                        type="submit"
                        class="button button--danger"
                        disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                    >
                        {move || if busy.get() { td_string!(l, your_data.deleting) } else { td_string!(l, your_data.delete_submit) }}
                    </button>
                </div>
            </form>
        </section>
    }
}
