//! `/report-child-account`: a public form where a parent or guardian reports
//! an account they believe belongs to a child. The answer is the same whether
//! or not the account exists, so the form reveals nothing about anyone.

use curtain_api::account::{self as rules, ChildReportRequest, REPORT_MESSAGE_MAX};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::field::{described_by, FieldError, TextField};
use crate::components::form_alert::{show_feedback, FormAlert, SubmitButton};
use crate::dom::{focus_soon, set_page_title};
use crate::forms::{error_id, Feedback, FieldSpec};

const REPORT_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "username", id: "report-username", focus: "report-username" },
    FieldSpec { wire: "reporter_email", id: "report-email", focus: "report-email" },
    FieldSpec { wire: "message", id: "report-message", focus: "report-message" },
];

#[component]
pub fn ReportChildPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.heading)));
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::default());
    let busy = RwSignal::new(false);
    let received = RwSignal::new(false);
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let request = ChildReportRequest {
            username: username.get_untracked().trim().to_string(),
            reporter_email: email.get_untracked().trim().to_string(),
            message: message.get_untracked(),
        };
        let mut errors = rules::child_report(&request);
        crate::forms::localise_rules(&mut errors, crate::lang::page_lang());
        if !errors.is_empty() {
            show_feedback(feedback, Feedback::invalid_input(errors), REPORT_FIELDS, "report-error");
            return;
        }
        feedback.set(Feedback::default());
        busy.set(true);
        spawn_local(async move {
            let result = api::account::report_child_account(&request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    received.set(true);
                    focus_soon("report-received");
                }
                Err(e) => show_feedback(feedback, Feedback::from_api_error(&e, REPORT_FIELDS), REPORT_FIELDS, "report-error"),
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    let message_errors = errors_for("message");
    let message_invalid = move || message_errors.with(|e| !e.is_empty());

    view! {
        <div class="page page--narrow">
            <h1>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.heading)}</h1>
            <p class="lede">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.lede)}</p>
            <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.review)}</p>
            {move || if received.get() {
                view! {
                    <div id="report-received" class="card card--form" role="status" tabindex="-1">
                        <h2>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.received)}</h2>
                        <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.received_text)}</p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <form id="report-form" class="form card card--form" novalidate=true on:submit=on_submit>
                        <FormAlert
                            id="report-error"
                            alert=Signal::derive(move || feedback.with(|f| f.alert.clone()))
                            busy=Signal::derive(move || busy.get())
                            on_retry=Callback::new(move |()| submit())
                        />
                        <TextField
                            id="report-username"
                            name="username"
                            label=leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.username)
                            autocomplete="off"
                            value=username
                            errors=errors_for("username")
                            hint=leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.username_hint)
                        />
                        <TextField
                            id="report-email"
                            name="email"
                            label=leptos_i18n::td_string!(crate::lang::page_lang().locale(), privacy_request.email)
                            input_type="email"
                            autocomplete="email"
                            value=email
                            errors=errors_for("reporter_email")
                            hint=leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.email_hint)
                        />
                        <div class="field" class:field--invalid=message_invalid>
                            <label class="field__label" for="report-message">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), privacy_request.message)}</label>
                            <p class="hint" id="report-message-hint">
                                {curtain_ui::lang::fill(leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.message_hint), &[("max", &REPORT_MESSAGE_MAX)])}
                            </p>
                            <textarea
                                class="input textarea"
                                id="report-message"
                                name="message"
                                rows="6"
                                required=true
                                aria-invalid=move || message_invalid().then_some("true")
                                aria-describedby=move || described_by(&[Some("report-message-hint"), message_invalid().then_some("report-message-error")])
                                prop:value=move || message.get()
                                on:input=move |ev| message.set(event_target_value(&ev))
                            ></textarea>
                            <FieldError id=error_id("report-message") errors=message_errors />
                        </div>
                        <div class="form__actions">
                            <SubmitButton id="report-submit" label=leptos_i18n::td_string!(crate::lang::page_lang().locale(), report_child.submit) busy_label=leptos_i18n::td_string!(crate::lang::page_lang().locale(), privacy_request.sending) busy=Signal::derive(move || busy.get()) />
                        </div>
                    </form>
                }
                .into_any()
            }}
        </div>
    }
}
