//! `/settings/data`: "Your data". What Curtain holds about the member,
//! section by section (read from the same export the download gives), how
//! long each kind is kept (from the server's retention table), the download
//! itself, and deleting the account.

use curtain_api::account::{self as rules, DeleteAccountRequest};
use curtain_api::retention::{Retention, RetentionPeriod};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::account::local_time;
use super::email::Load;
use crate::api;
use crate::components::field::TextField;
use crate::components::form_alert::{show_feedback, FormAlert};
use crate::dom::set_page_title;
use crate::forms::{Feedback, FieldSpec};
use crate::session::{use_session, SessionView};

const DELETE_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "confirm_username", id: "delete-username", focus: "delete-username" },
    FieldSpec { wire: "password", id: "delete-password", focus: "delete-password" },
];

#[component]
pub fn YourData() -> impl IntoView {
    set_page_title(Some("Your data"));
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
        <h1>"Your data"</h1>
        <p class="lede">
            "Everything Curtain holds about you, as it is stored. Nothing is recorded that this page does not show."
        </p>
        <p>
            <a id="export-download" class="button button--primary" href=api::account::EXPORT_URL download="">
                "Download all of it (JSON)"
            </a>
        </p>
        <p class="hint">"One file with every section below. Its format is described in the project's documentation."</p>
        {move || match load.get() {
            Load::Loading => view! { <p class="muted" aria-busy="true">"Gathering your data…"</p> }.into_any(),
            Load::Failed(message) => view! {
                <div class="form-error" role="alert">
                    <p class="form-error__message">{message}</p>
                    <button type="button" class="button button--secondary retry" on:click=move |_| fetch()>"Try again"</button>
                </div>
            }
            .into_any(),
            Load::Ready => retention.with(|r| data.with(|d| sections(d, r.as_ref()))).into_any(),
        }}
        <section id="retention" class="data-section" aria-labelledby="retention-heading">
            <h2 id="retention-heading">"How long we keep it"</h2>
            {move || match retention_load.get() {
                Load::Loading => view! { <p class="muted" aria-busy="true">"Loading how long each kind is kept…"</p> }.into_any(),
                Load::Failed(message) => view! {
                    <div class="form-error" role="alert">
                        <p class="form-error__message">{message}</p>
                        <button type="button" class="button button--secondary retry" on:click=move |_| fetch_retention()>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any(),
                Load::Ready => retention.with(|r| r.as_ref().map(periods_table)).into_any(),
            }}
        </section>
        <DeleteAccount />
    }
}

/// A section title for each part of the export.
pub fn section_title(key: &str) -> String {
    match key {
        "account" => "Account".into(),
        "email_preferences" => "E-mail settings".into(),
        "sessions" => "Sessions (where you're signed in)".into(),
        "signin_log" => "Sign-in log".into(),
        "ended_sessions" => "Sessions that have ended (deleted within the hour)".into(),
        "failed_signins" => "Failed sign-ins to your account".into(),
        "privacy_requests" => "Your privacy requests".into(),
        "reports_sent" => "Reports you sent about children's accounts".into(),
        "profiles" => "Profile and privacy settings".into(),
        "consent_receipts" => "Cookie consent receipts".into(),
        "policy_acceptances" => "Privacy policy acknowledgements".into(),
        "follows" => "Follows (both ways)".into(),
        "watch_history" => "Watch history".into(),
        "outbox" => "Messages we would have e-mailed you".into(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// A stored value as people read it.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "(empty)".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) if s.is_empty() => "(empty)".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A column name in words: `follower_id` -> "Follower".
fn field_name(key: &str) -> String {
    match key {
        "ip" => return "IP address".into(),
        "id" => return "Number".into(),
        _ => {}
    }
    let words = key.strip_suffix("_id").unwrap_or(key).replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn cell(key: &str, v: &Value) -> String {
    match v.as_str() {
        Some(s) if key == "at" || key.ends_with("_at") => local_time(s),
        _ => show_value(v),
    }
}

/// The columns of a list of rows: every key, in the order first seen.
pub fn columns(rows: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for row in rows {
        if let Some(map) = row.as_object() {
            for k in map.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

fn table(title: &str, rows: &[Value]) -> AnyView {
    let keys = columns(rows);
    // Its own name: the section around it is already a landmark named by its heading.
    let label = format!("{title}: table, scrolls sideways");
    view! {
        // Scrolls sideways on a narrow screen; focusable so keyboards can too.
        <div class="data-table-wrap" role="region" aria-label=label tabindex="0">
            <table class="data-table">
                <thead>
                    <tr>{keys.iter().map(|k| view! { <th scope="col">{field_name(k)}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {rows
                        .iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    {keys
                                        .iter()
                                        .map(|k| view! { <td>{cell(k, row.get(k).unwrap_or(&Value::Null))}</td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn record(id: String, v: &Value) -> AnyView {
    match v.as_object() {
        Some(map) => view! {
            <dl class="data-record" id=id>
                {map.iter()
                    .map(|(k, v)| view! { <div><dt>{field_name(k)}</dt><dd>{cell(k, v)}</dd></div> })
                    .collect_view()}
            </dl>
        }
        .into_any(),
        None => view! { <p>{show_value(v)}</p> }.into_any(),
    }
}

/// The period that applies to an export section, if the server named one.
pub fn period_for<'a>(retention: Option<&'a Retention>, key: &str) -> Option<&'a RetentionPeriod> {
    retention?.periods.iter().find(|p| p.export_sections.iter().any(|s| s == key))
}

/// "deleted within an hour" / "within 30 minutes", from the purge's schedule.
pub fn purge_delay_words(minutes: u32) -> String {
    match minutes {
        60 => "within an hour".into(),
        m if m.is_multiple_of(60) => format!("within {} hours", m / 60),
        1 => "within a minute".into(),
        m => format!("within {m} minutes"),
    }
}

fn periods_table(retention: &Retention) -> AnyView {
    view! {
        <p>
            "Each kind of record is deleted automatically "
            {purge_delay_words(retention.purged_every_minutes)}
            " of the end of its period. The "
            <a href="/privacy#retention">"privacy policy"</a>
            " says the same."
        </p>
        <div class="data-table-wrap" role="region" aria-label="How long we keep it: table, scrolls sideways" tabindex="0">
            <table class="data-table" id="retention-periods">
                <thead>
                    <tr>
                        <th scope="col">"What"</th>
                        <th scope="col">"What it holds"</th>
                        <th scope="col">"Kept"</th>
                    </tr>
                </thead>
                <tbody>
                    {retention
                        .periods
                        .iter()
                        .map(|p| {
                            view! {
                                <tr id=format!("retention-{}", p.kind.replace('_', "-"))>
                                    <th scope="row">{p.name.clone()}</th>
                                    <td>{p.detail.clone()}</td>
                                    <td>{p.kept.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn section(key: &str, v: &Value, retention: Option<&Retention>) -> AnyView {
    let id = format!("data-{}", key.replace('_', "-"));
    let title = section_title(key);
    let kept = period_for(retention, key).map(|p| view! { <p class="hint data-section__kept">{format!("Kept {}.", p.kept)}</p> });
    let body = match v {
        Value::Array(rows) if rows.is_empty() => view! { <p class="muted">"Nothing."</p> }.into_any(),
        Value::Array(rows) => view! {
            <p class="hint">{format!("{} {}", rows.len(), if rows.len() == 1 { "entry" } else { "entries" })}</p>
            {table(&title, rows)}
        }
        .into_any(),
        other => record(format!("{id}-0"), other),
    };
    view! {
        <section class="data-section" aria-labelledby=format!("{id}-heading") id=id.clone()>
            <h2 id=format!("{id}-heading")>{title}</h2>
            {kept}
            {body}
        </section>
    }
    .into_any()
}

fn sections(d: &Value, retention: Option<&Retention>) -> impl IntoView {
    let mut parts = Vec::new();
    for key in [
        "account",
        "email_preferences",
        "sessions",
        "ended_sessions",
        "signin_log",
        "failed_signins",
        "privacy_requests",
        "reports_sent",
    ] {
        if let Some(v) = d.get(key) {
            parts.push(section(key, v, retention));
        }
    }
    if let Some(tables) = d.get("tables").and_then(Value::as_object) {
        for (key, v) in tables {
            parts.push(section(key, v, retention));
        }
    }
    view! { <div id="your-data" class="data-sections">{parts}</div> }
}

#[component]
fn DeleteAccount() -> impl IntoView {
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
        let errors = rules::delete_account(&request, &own_name());
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
            <h2 id="delete-heading">"Delete your account"</h2>
            <p>"When you delete your account:"</p>
            <ul>
                <li>"your profile, settings, watch history and follows (both ways) are erased at once;"</li>
                <li>"your sessions end on every device, and the sign-in log, consent receipts and policy acknowledgements tied to you are erased;"</li>
                <li>"no more e-mail is sent to you, and messages waiting for you are erased;"</li>
                <li>"your username becomes free for anyone to take. This cannot be undone."</li>
            </ul>
            <p>
                "Want a copy first? " <a href=api::account::EXPORT_URL download="">"Download your data"</a>
                " before you go."
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
                    label="Type your username to confirm"
                    autocomplete="off"
                    value=username
                    errors=errors_for("confirm_username")
                />
                <TextField
                    id="delete-password"
                    name="current-password"
                    label="Your password"
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
                        {move || if busy.get() { "Deleting…" } else { "Delete my account permanently" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_have_names_in_words() {
        assert_eq!(section_title("watch_history"), "Watch history");
        assert_eq!(section_title("film_reviews"), "Film reviews", "a table added later still gets a title");
        assert_eq!(field_name("follower_id"), "Follower");
        assert_eq!(field_name("last_seen_at"), "Last seen at");
        // Each key once, in the order rows first name them (one new key per
        // row, so the answer does not depend on how a JSON map orders keys).
        let rows = vec![serde_json::json!({"b": 1}), serde_json::json!({"a": 2, "b": 3}), serde_json::json!({"c": 3})];
        assert_eq!(columns(&rows), ["b", "a", "c"]);
    }

    #[test]
    fn a_section_shows_the_period_that_names_it() {
        let period = |kind: &str, sections: &[&str]| RetentionPeriod {
            kind: kind.into(),
            name: kind.into(),
            detail: String::new(),
            kept: format!("kept for {kind}"),
            days: None,
            export_sections: sections.iter().map(|s| s.to_string()).collect(),
        };
        let retention = Retention {
            periods: vec![period("account", &["account", "profiles"]), period("signin_log", &["signin_log"]), period("child_reports", &[])],
            purged_every_minutes: 60,
        };
        assert_eq!(period_for(Some(&retention), "profiles").map(|p| p.kind.as_str()), Some("account"));
        assert_eq!(period_for(Some(&retention), "signin_log").map(|p| p.kind.as_str()), Some("signin_log"));
        assert!(period_for(Some(&retention), "film_reviews").is_none(), "a table with no period shows none");
        assert!(period_for(None, "account").is_none(), "nothing until the periods have loaded");
        assert_eq!(purge_delay_words(60), "within an hour");
        assert_eq!(purge_delay_words(15), "within 15 minutes");
        assert_eq!(purge_delay_words(120), "within 2 hours");
    }

    #[test]
    fn values_read_as_words() {
        assert_eq!(show_value(&Value::Bool(true)), "yes");
        assert_eq!(show_value(&Value::Null), "(empty)");
        assert_eq!(show_value(&serde_json::json!("")), "(empty)");
        assert_eq!(show_value(&serde_json::json!(1949)), "1949");
        assert_eq!(show_value(&serde_json::json!(["a"])), "[\"a\"]");
    }
}
