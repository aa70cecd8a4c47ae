//! The sign-up form. Input is checked with the server's own rules before it is
//! sent; the server still decides (uniqueness, the age gate).

use curtain_api::SignupRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::date_of_birth::{BirthDateParts, DateOfBirth};
use super::field::{CheckboxField, TextField};
use super::form_alert::{show_feedback, FormAlert, SubmitButton};
use crate::api;
use crate::dom::today;
use crate::forms::{signup_request, Feedback, SignupInput, POLICY_VERSION_TO_FETCH, SIGNUP_FIELDS};
use crate::session::use_session;

const ALERT_ID: &str = "signup-form-error";
pub const PASSWORD_HINT: &str = "At least 10 characters. A few unrelated words make a password that is long, strong and easy to remember.";

#[component]
pub fn SignupForm() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();

    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let birth = BirthDateParts::new();
    let accepted_policy = RwSignal::new(false);
    // People agree to the version in effect, which the server checks.
    let policy_version = RwSignal::new(None::<u32>);
    let fetch_policy_version = move || {
        leptos::task::spawn_local(async move {
            if let Ok(doc) = api::policy::current().await {
                policy_version.set(Some(doc.meta.version));
            }
        })
    };
    fetch_policy_version();

    let refused = RwSignal::new(age_screen::refused());
    let feedback = RwSignal::new(Feedback::default());
    let errors_for = move |wire: &'static str| Signal::derive(move || feedback.with(|f| f.field(wire)));
    // Kept so "Try again" sends exactly what failed to arrive.
    let last_sent = StoredValue::new(None::<SignupRequest>);

    let send = Action::new_local(|request: &SignupRequest| {
        let mut request = request.clone();
        async move {
            if request.accepted_policy_version == POLICY_VERSION_TO_FETCH {
                request.accepted_policy_version = api::policy::current().await?.meta.version;
            }
            api::signup(&request).await
        }
    });
    let busy = Signal::from(send.pending());

    Effect::new(move |_| match send.value().get() {
        Some(Ok(user)) => {
            session.signed_in(user);
            navigate("/", Default::default());
        }
        Some(Err(error)) if matches!(&error, api::ApiError::Http { body, .. } if body.code == "policy_changed") => {
            // A newer version took effect while the form was open: the box
            // is unticked until they have read it; everything else stays.
            accepted_policy.set(false);
            policy_version.set(None);
            fetch_policy_version();
            show_feedback(feedback, Feedback::from_api_error(&error, SIGNUP_FIELDS), SIGNUP_FIELDS, ALERT_ID)
        }
        Some(Err(error)) if matches!(&error, api::ApiError::Http { body, .. } if body.code == "underage") => {
            // A neutral age screen: nothing typed stays on screen, and the
            // form is not offered again in this browser session.
            username.set(String::new());
            email.set(String::new());
            password.set(String::new());
            birth.clear();
            accepted_policy.set(false);
            last_sent.set_value(None);
            age_screen::refuse();
            refused.set(true);
            crate::dom::focus_soon(REFUSED_ID);
        }
        Some(Err(error)) => show_feedback(feedback, Feedback::from_api_error(&error, SIGNUP_FIELDS), SIGNUP_FIELDS, ALERT_ID),
        None => {}
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = SignupInput {
            username: username.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            birth_day: birth.day.get_untracked(),
            birth_month: birth.month.get_untracked(),
            birth_year: birth.year.get_untracked(),
            accepted_policy: accepted_policy.get_untracked(),
            policy_version: policy_version.get_untracked(),
        };
        match signup_request(&input, today()) {
            Ok(request) => {
                feedback.set(Feedback::default());
                last_sent.set_value(Some(request.clone()));
                send.dispatch(request);
            }
            Err(fields) => show_feedback(feedback, Feedback::invalid_input(fields), SIGNUP_FIELDS, ALERT_ID),
        }
    };
    let retry = Callback::new(move |()| {
        if let Some(request) = last_sent.get_value() {
            if !busy.get_untracked() {
                send.dispatch(request);
            }
        }
    });

    let refusal = || {
        view! {
            <div id=REFUSED_ID class="notice" role="alert" tabindex="-1">
                <p class="notice__title">"Sorry, we can\u{2019}t create an account for you."</p>
                <p>"Nothing you entered has been kept."</p>
                <p><a href=crate::lang::page().path("/")>"Back to the home page"</a></p>
            </div>
        }
    };
    view! {
        <Show when=move || !refused.get() fallback=refusal>
            <form id="signup-form" class="form" novalidate=true on:submit=on_submit>
                <FormAlert id=ALERT_ID alert=Signal::derive(move || feedback.with(|f| f.alert.clone())) busy=busy on_retry=retry />
                <TextField
                    id="signup-username"
                    name="username"
                    label="Username"
                    autocomplete="username"
                    hint="3 to 30 letters, digits or underscores, starting with a letter. Other members see it."
                    value=username
                    errors=errors_for("username")
                />
                <TextField
                    id="signup-email"
                    name="email"
                    label="E-mail address"
                    input_type="email"
                    autocomplete="email"
                    hint="For signing in and messages about your account. It is never shown on your profile."
                    value=email
                    errors=errors_for("email")
                />
                <TextField
                    id="signup-password"
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="new-password"
                    hint=PASSWORD_HINT
                    value=password
                    errors=errors_for("password")
                />
                <DateOfBirth
                    id="signup-birth-date"
                    prefix="signup-birth"
                    parts=birth
                    errors=errors_for("birth_date")
                    hint="We ask so that every account starts with the privacy settings that suit its owner\u{2019}s age. It is never shown on your profile. For example, 27 3 2007."
                />
                <CheckboxField
                    id="signup-accept-policy"
                    name="accept_policy"
                    required=true
                    checked=accepted_policy
                    errors=errors_for("accepted_policy_version")
                    hint="The policy opens in a new tab, so nothing you have typed here is lost."
                >
                    "I have read the "
                    <a href=crate::lang::page().path("/privacy") target="_blank">"privacy policy"</a>
                    {move || policy_version.get().map(|v| format!(" (version {v})"))}
                </CheckboxField>
                <div class="form__actions">
                    <SubmitButton id="signup-submit" label="Create account" busy_label="Creating account…" busy=busy />
                </div>
            </form>
        </Show>
    }
}

const REFUSED_ID: &str = "signup-refused";

/// Remembers, for this browser session only (`sessionStorage`, never sent
/// anywhere), that the age screen said no, so the form is not offered again.
mod age_screen {
    const KEY: &str = "curtain-age-screen";

    fn storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().session_storage().ok().flatten()
    }

    pub fn refused() -> bool {
        storage().and_then(|s| s.get_item(KEY).ok().flatten()).is_some()
    }

    pub fn refuse() {
        if let Some(storage) = storage() {
            let _ = storage.set_item(KEY, "refused");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_password_hint_states_the_shared_minimum() {
        let minimum = curtain_api::validate::PASSWORD_MIN.to_string();
        assert!(super::PASSWORD_HINT.starts_with(&format!("At least {minimum} characters")));
    }
}
