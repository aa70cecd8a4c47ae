//! The sign-in form.

use curtain_api::SigninRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_i18n::td_string;
use crate::router::use_navigate;

use super::field::{CheckboxField, TextField};
use super::form_alert::{show_feedback, FormAlert, SubmitButton};
use crate::api;
use crate::consent::use_consent;
use crate::forms::{signin_request, Feedback, SigninInput, SIGNIN_FIELDS};
use crate::session::use_session;

const ALERT_ID: &str = "signin-form-error";

#[component]
pub fn SigninForm() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let consent = use_consent();
    let lang = crate::lang::page_lang();
    let l = lang.locale();

    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    // "Keep me signed in" is a preferences cookie: without that consent the
    // box is off and says why (the server refuses it anyway).
    // Also wait for the server to hold the receipt: until then it would not
    // honour the box either.
    let can_remember = Signal::derive(move || consent.preferences_granted() && consent.receipt_stored());
    Effect::new(move |_| {
        if !can_remember.get() {
            remember.set(false);
        }
    });

    let feedback = RwSignal::new(Feedback::default());
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));
    // Kept so "Try again" sends exactly what failed to arrive.
    let last_sent = StoredValue::new(None::<SigninRequest>);

    let send = Action::new_local(|request: &SigninRequest| {
        let request = request.clone();
        async move { api::signin(&request).await }
    });
    let busy = Signal::from(send.pending());

    Effect::new(move |_| match send.value().get() {
        Some(Ok(user)) => {
            session.signed_in(user);
            navigate("/", Default::default());
        }
        Some(Err(error)) => show_feedback(feedback, Feedback::from_api_error(&error, SIGNIN_FIELDS), SIGNIN_FIELDS, ALERT_ID),
        None => {}
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = SigninInput {
            login: login.get_untracked(),
            password: password.get_untracked(),
            remember: remember.get_untracked() && can_remember.get_untracked(),
        };
        match signin_request(&input, lang) {
            Ok(request) => {
                feedback.set(Feedback::default());
                last_sent.set_value(Some(request.clone()));
                send.dispatch(request);
            }
            Err(fields) => show_feedback(feedback, Feedback::invalid_input(fields), SIGNIN_FIELDS, ALERT_ID),
        }
    };
    let retry = Callback::new(move |()| {
        if let Some(request) = last_sent.get_value() {
            if !busy.get_untracked() {
                send.dispatch(request);
            }
        }
    });

    view! {
        <form id="signin-form" class="form" novalidate=true on:submit=on_submit>
            <FormAlert id=ALERT_ID alert=Signal::derive(move || feedback.with(|f| f.alert.clone())) busy=busy on_retry=retry />
            {move || consent.cookies_blocked().then(|| view! {
                <p id="signin-cookies-blocked" class="form-note form-note--warning">
                    {td_string!(l, signin.cookies_blocked)}
                </p>
            })}
            <TextField
                id="signin-login"
                name="username"
                label=td_string!(l, signin.login)
                autocomplete="username"
                value=login
                errors=errors_for("login")
            />
            <TextField
                id="signin-password"
                name="password"
                label=td_string!(l, signin.password)
                input_type="password"
                autocomplete="current-password"
                value=password
                errors=errors_for("password")
            />
            <CheckboxField
                id="signin-remember"
                name="remember"
                checked=remember
                errors=errors_for("remember")
                disabled=Signal::derive(move || !can_remember.get())
                also_described_by="signin-remember-reason"
                hint=td_string!(l, signin.remember_hint)
            >
                {td_string!(l, signin.remember)}
            </CheckboxField>
            {move || (!consent.preferences_granted() && !consent.cookies_blocked()).then(|| view! {
                <p id="signin-remember-reason" class="form-note">
                    {if consent.answered() {
                        td_string!(l, signin.remember_off)
                    } else {
                        td_string!(l, signin.remember_unanswered)
                    }}
                    <button
                        type="button"
                        id="signin-cookie-settings"
                        class="link-button"
                        aria-haspopup="dialog"
                        on:click=move |_| consent.open_dialog()
                    >
                        {td_string!(l, signin.change_cookie_settings)}
                    </button>
                </p>
            })}
            <div class="form__actions">
                <SubmitButton id="signin-submit" label=td_string!(l, signin.submit) busy_label=td_string!(l, signin.submitting) busy=busy />
            </div>
        </form>
    }
}
