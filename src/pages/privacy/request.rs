//! `/privacy/request`: anyone, signed in or not, asks the people who run
//! Curtain to act on their information (a copy, a correction, deletion, an
//! objection, anything else). The answer gives a reference and the date the
//! request must be answered by; signed in, the request is tied to the account.

use curtain_api::account::{
    self as rules, PrivacyRequest, PrivacyRequestKind, PrivacyRequestReceived, PRIVACY_REQUEST_DAYS,
    REPORT_MESSAGE_MAX,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;

use crate::api;
use crate::components::field::{described_by, FieldError, TextField};
use crate::components::form_alert::{show_feedback, FormAlert, SubmitButton};
use crate::components::policy_document::long_date;
use crate::dom::{focus_soon, set_page_title};
use crate::forms::{error_id, Feedback, FieldSpec};
use crate::session::{use_session, SessionView};
use curtain_ui::lang::fill;
use leptos_i18n::td_string;

const REQUEST_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "kind", id: "request-kind", focus: "request-kind-access" },
    FieldSpec { wire: "email", id: "request-email", focus: "request-email" },
    FieldSpec { wire: "message", id: "request-message", focus: "request-message" },
];

/// The radio button's label for each kind.
fn kind_label(kind: PrivacyRequestKind) -> &'static str {
    let l = crate::lang::page_lang().locale();
    match kind {
        PrivacyRequestKind::Access => td_string!(l, privacy_request.kind_access),
        PrivacyRequestKind::Correction => td_string!(l, privacy_request.kind_correction),
        PrivacyRequestKind::Deletion => td_string!(l, privacy_request.kind_deletion),
        PrivacyRequestKind::Objection => td_string!(l, privacy_request.kind_objection),
        PrivacyRequestKind::Other => td_string!(l, privacy_request.kind_other),
    }
}

/// One line under each kind; for what a member can do at once themself, where.
fn kind_hint(kind: PrivacyRequestKind) -> AnyView {
    let l = crate::lang::page_lang().locale();
    match kind {
        PrivacyRequestKind::Access => view! {
            {td_string!(l, privacy_request.hint_access)}
            <A href="/settings/data">{td_string!(l, privacy_request.settings_data)}</A>
            "."
        }
        .into_any(),
        PrivacyRequestKind::Correction => view! {
            {td_string!(l, privacy_request.hint_correction)}
            <A href="/settings/profile">{td_string!(l, privacy_request.settings_profile)}</A>
            "."
        }
        .into_any(),
        PrivacyRequestKind::Deletion => view! {
            {td_string!(l, privacy_request.hint_deletion)}
            <A href="/settings/data">{td_string!(l, privacy_request.settings_data)}</A>
            "."
        }
        .into_any(),
        PrivacyRequestKind::Objection => td_string!(l, privacy_request.hint_objection).into_any(),
        PrivacyRequestKind::Other => td_string!(l, privacy_request.hint_other).into_any(),
    }
}

/// The request to send, or the messages that stop it: the server's own rules,
/// plus a kind that must be chosen (the form starts with none).
fn request_of(
    kind: Option<PrivacyRequestKind>,
    email: &str,
    message: &str,
) -> Result<PrivacyRequest, curtain_api::FieldErrors> {
    let request = PrivacyRequest {
        // Checked below when missing; the other rules still run meanwhile.
        kind: kind.unwrap_or(PrivacyRequestKind::Access),
        email: email.trim().to_string(),
        message: message.to_string(),
    };
    let mut errors = rules::privacy_request(&request);
    if kind.is_none() {
        errors.insert("kind".into(), vec!["Choose what you would like us to do.".into()]);
    }
    crate::forms::localise_rules(&mut errors, crate::lang::page_lang());
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

#[component]
pub fn PrivacyRequestPage() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    set_page_title(Some(td_string!(l, privacy_request.heading)));
    let session = use_session();
    let kind = RwSignal::new(None::<PrivacyRequestKind>);
    let email = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::default());
    let busy = RwSignal::new(false);
    let received = RwSignal::new(None::<(PrivacyRequestReceived, String)>);
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));

    // Signed in: the member's address, unless something else was typed.
    let prefilled = StoredValue::new(String::new());
    Effect::new(move |_| {
        if let SessionView::SignedIn(user) = session.view() {
            let typed = email.get_untracked();
            if typed.is_empty() || typed == prefilled.get_value() {
                prefilled.set_value(user.email.clone());
                email.set(user.email);
            }
        }
    });

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let request = match request_of(kind.get_untracked(), &email.get_untracked(), &message.get_untracked()) {
            Ok(request) => request,
            Err(errors) => {
                show_feedback(feedback, Feedback::invalid_input(errors), REQUEST_FIELDS, "request-error");
                return;
            }
        };
        feedback.set(Feedback::default());
        busy.set(true);
        spawn_local(async move {
            let result = api::account::privacy_request(&request).await;
            busy.set(false);
            match result {
                Ok(answer) => {
                    received.set(Some((answer, request.email)));
                    focus_soon("request-received");
                }
                Err(e) => {
                    session.note_error(&e);
                    show_feedback(feedback, Feedback::from_api_error(&e, REQUEST_FIELDS), REQUEST_FIELDS, "request-error")
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };

    let kind_errors = errors_for("kind");
    let kind_invalid = move || kind_errors.with(|e| !e.is_empty());
    let message_errors = errors_for("message");
    let message_invalid = move || message_errors.with(|e| !e.is_empty());
    let message_needed = move || kind.get().is_some_and(PrivacyRequestKind::needs_message);
    let message_optional = move || kind.get().is_some_and(|k| !k.needs_message());

    let signed_in_note = move || match session.view() {
        SessionView::SignedIn(user) => Some(view! {
            <p id="request-account" class="hint">
                {fill(td_string!(l, privacy_request.signed_in), &[("name", &user.username)])}
            </p>
        }),
        _ => None,
    };


    let kinds = move || {
        PrivacyRequestKind::ALL
        .into_iter()
        .map(|k| {
            let id = format!("request-kind-{}", k.as_str());
            let hint = format!("{id}-hint");
            view! {
                <div class="choice">
                    <input
                        class="choice__input"
                        type="radio"
                        name="kind"
                        id=id.clone()
                        value=k.as_str()
                        aria-describedby=hint.clone()
                        prop:checked=move || kind.get() == Some(k)
                        on:change=move |_| kind.set(Some(k))
                    />
                    <label class="choice__label" for=id>{kind_label(k)}</label>
                    <p class="hint choice__hint" id=hint>{kind_hint(k)}</p>
                </div>
            }
        })
        .collect_view()
    };

    view! {
        <div class="page page--narrow">
            <h1>{td_string!(l, privacy_request.heading)}</h1>
            <p class="lede">{td_string!(l, privacy_request.lede)}</p>
            <p>
                {fill(td_string!(l, privacy_request.answer_within), &[("days", &PRIVACY_REQUEST_DAYS)])}
                <A href="/privacy/promises">{td_string!(l, privacy_request.promises_link)}</A>
                "."
            </p>
            {move || match received.get() {
                Some((answer, address)) => view! {
                    <div id="request-received" class="card card--form" role="status" tabindex="-1">
                        <h2>{td_string!(l, privacy_request.received)}</h2>
                        <p>
                            {td_string!(l, privacy_request.reference_before)}
                            <strong id="request-reference">{answer.reference.clone()}</strong>
                            {td_string!(l, privacy_request.reference_after)}
                        </p>
                        <p id="request-due">
                            {td_string!(l, privacy_request.due_before)}
                            <strong>{long_date(&answer.due_date, crate::lang::page_lang())}</strong>
                            {td_string!(l, privacy_request.due_between)}
                            <strong>{address}</strong>
                            "."
                        </p>
                    </div>
                }
                .into_any(),
                None => view! {
                    <form id="request-form" class="form card card--form" novalidate=true on:submit=on_submit>
                        <FormAlert
                            id="request-error"
                            alert=Signal::derive(move || feedback.with(|f| f.alert.clone()))
                            busy=Signal::derive(move || busy.get())
                            on_retry=Callback::new(move |()| submit())
                        />
                        {signed_in_note}
                        <fieldset
                            id="request-kind"
                            class="field choices"
                            class:field--invalid=kind_invalid
                            aria-describedby=move || kind_invalid().then(|| error_id("request-kind"))
                        >
                            <legend class="field__label">{td_string!(l, privacy_request.what)}</legend>
                            {kinds()}
                            <FieldError id=error_id("request-kind") errors=kind_errors />
                        </fieldset>
                        <TextField
                            id="request-email"
                            name="email"
                            label=td_string!(l, privacy_request.email)
                            input_type="email"
                            autocomplete="email"
                            value=email
                            errors=errors_for("email")
                            hint=td_string!(l, privacy_request.email_hint)
                        />
                        <div class="field" class:field--invalid=message_invalid>
                            <label class="field__label" for="request-message">
                                {td_string!(l, privacy_request.message)}
                                {move || message_optional().then_some(view! { <span class="field__optional">{td_string!(l, privacy_request.optional)}</span> })}
                            </label>
                            <p class="hint" id="request-message-hint">
                                {move || {
                                    let what = if message_needed() {
                                        td_string!(l, privacy_request.message_needed)
                                    } else {
                                        td_string!(l, privacy_request.message_optional)
                                    };
                                    fill(td_string!(l, privacy_request.message_hint), &[("what", &what), ("max", &REPORT_MESSAGE_MAX)])
                                }}
                            </p>
                            <textarea
                                class="input textarea"
                                id="request-message"
                                name="message"
                                rows="6"
                                required=message_needed
                                aria-invalid=move || message_invalid().then_some("true")
                                aria-describedby=move || described_by(&[Some("request-message-hint"), message_invalid().then_some("request-message-error")])
                                prop:value=move || message.get()
                                on:input=move |ev| message.set(event_target_value(&ev))
                            ></textarea>
                            <FieldError id=error_id("request-message") errors=message_errors />
                        </div>
                        <div class="form__actions">
                            <SubmitButton id="request-submit" label=td_string!(l, privacy_request.submit) busy_label=td_string!(l, privacy_request.sending) busy=Signal::derive(move || busy.get()) />
                        </div>
                    </form>
                }
                .into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_must_be_chosen_and_the_other_rules_still_apply() {
        let errors = request_of(None, "nope", "").unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["email", "kind"]);
        let errors = request_of(Some(PrivacyRequestKind::Objection), "me@example.org", "  ").unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["message"]);
    }

    #[test]
    fn a_good_request_is_trimmed_and_keeps_the_message_as_typed() {
        let request = request_of(Some(PrivacyRequestKind::Access), " me@example.org ", "").unwrap();
        assert_eq!(request.email, "me@example.org");
        assert_eq!(request.kind, PrivacyRequestKind::Access);
        let request = request_of(Some(PrivacyRequestKind::Other), "me@example.org", " Hello\n").unwrap();
        assert_eq!(request.message, " Hello\n");
    }
}
