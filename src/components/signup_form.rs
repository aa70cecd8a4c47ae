//! The sign-up form. Input is checked with the server's own rules before it is
//! sent; the server still decides (uniqueness, the age gate).

use curtain_api::SignupRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use crate::router::use_navigate;

use super::date_of_birth::{BirthDateParts, DateOfBirth};
use super::field::{CheckboxField, TextField};
use super::form_alert::{show_feedback, FormAlert, SubmitButton};
use crate::api;
use crate::dom::today;
use crate::forms::{signup_request, Feedback, SignupInput, POLICY_VERSION_TO_FETCH, SIGNUP_FIELDS};
use crate::session::use_session;

const ALERT_ID: &str = "signup-form-error";

/// The password hint, which states the shared minimum (a test holds every
/// language to it).
pub fn password_hint(lang: curtain_ui::Lang) -> &'static str {
    td_string!(lang.locale(), signup.password_hint)
}

#[component]
pub fn SignupForm() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let lang = crate::lang::page_lang();
    let l = lang.locale();

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
        match signup_request(&input, today(), lang) {
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

    let refusal = move || {
        view! {
            <div id=REFUSED_ID class="notice" role="alert" tabindex="-1">
                <p class="notice__title">{td_string!(l, signup.refused_title)}</p>
                <p>{td_string!(l, signup.refused_kept)}</p>
                <p><a href=crate::lang::page().path("/")>{td_string!(l, signup.refused_home)}</a></p>
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
                    label=td_string!(l, signup.username)
                    autocomplete="username"
                    hint=td_string!(l, signup.username_hint)
                    value=username
                    errors=errors_for("username")
                />
                <TextField
                    id="signup-email"
                    name="email"
                    label=td_string!(l, signup.email)
                    input_type="email"
                    autocomplete="email"
                    hint=td_string!(l, signup.email_hint)
                    value=email
                    errors=errors_for("email")
                />
                <TextField
                    id="signup-password"
                    name="password"
                    label=td_string!(l, signup.password)
                    input_type="password"
                    autocomplete="new-password"
                    hint=password_hint(lang)
                    value=password
                    errors=errors_for("password")
                />
                <DateOfBirth
                    id="signup-birth-date"
                    prefix="signup-birth"
                    parts=birth
                    errors=errors_for("birth_date")
                    hint=td_string!(l, signup.birth_hint)
                />
                <CheckboxField
                    id="signup-accept-policy"
                    name="accept_policy"
                    required=true
                    checked=accepted_policy
                    errors=errors_for("accepted_policy_version")
                    hint=td_string!(l, signup.policy_hint)
                >
                    {td!(
                        l,
                        signup.accept,
                        <link> = |children: ChildrenFn| view! {
                            <a href=crate::lang::page().path("/privacy") target="_blank">{children()}</a>
                        },
                        version = move || policy_version.get().map(|v| td!(l, signup.policy_version, version = move || v))
                    )}
                </CheckboxField>
                <div class="form__actions">
                    <SubmitButton id="signup-submit" label=td_string!(l, signup.submit) busy_label=td_string!(l, signup.submitting) busy=busy />
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
        assert!(super::password_hint(curtain_ui::Lang::En).starts_with(&format!("At least {minimum} characters")));
        for lang in curtain_ui::Lang::ALL {
            assert!(super::password_hint(lang).contains(&format!(" {minimum} ")), "{lang:?}");
        }
    }
}
