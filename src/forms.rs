//! Form logic that needs no browser: composing the three-part birth date,
//! checking input before a round trip (with the same rules the server uses),
//! and turning an `ApiError` into what a form shows.

use curtain_api::{validate, CivilDate, FieldErrors, SigninRequest, SignupRequest};

use crate::api::ApiError;

/// One field of a form: its name on the wire, the id of the element that
/// carries its label and error, and the control that takes focus when it is
/// the first invalid one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub wire: &'static str,
    pub id: &'static str,
    pub focus: &'static str,
}

/// Sign-up fields, in the order they appear on the page.
pub const SIGNUP_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "username", id: "signup-username", focus: "signup-username" },
    FieldSpec { wire: "email", id: "signup-email", focus: "signup-email" },
    FieldSpec { wire: "password", id: "signup-password", focus: "signup-password" },
    FieldSpec { wire: "birth_date", id: "signup-birth-date", focus: "signup-birth-day" },
    FieldSpec { wire: "accepted_policy_version", id: "signup-accept-policy", focus: "signup-accept-policy" },
];

/// Sign-in fields, in the order they appear on the page.
pub const SIGNIN_FIELDS: &[FieldSpec] = &[
    FieldSpec { wire: "login", id: "signin-login", focus: "signin-login" },
    FieldSpec { wire: "password", id: "signin-password", focus: "signin-password" },
    FieldSpec { wire: "remember", id: "signin-remember", focus: "signin-remember" },
];

/// The id of the element that holds a field's error messages.
pub fn error_id(field_id: &str) -> String {
    format!("{field_id}-error")
}

/// Form-level sentence when input was stopped before it was sent.
pub const CHECK_FIELDS_MESSAGE: &str = "Some answers need another look. The messages under the fields say what to change.";

/// What the sign-up form holds, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignupInput {
    pub username: String,
    pub email: String,
    pub password: String,
    pub birth_day: String,
    pub birth_month: String,
    pub birth_year: String,
    pub accepted_policy: bool,
    /// The privacy policy version in effect, as fetched for the form;
    /// `None` until it has arrived.
    pub policy_version: Option<u32>,
}

/// `accepted_policy_version` of a request whose box was ticked before the
/// form knew the version in effect: the sender fetches it first.
pub const POLICY_VERSION_TO_FETCH: u32 = u32::MAX;

/// The request to send, or the messages that stop it from being sent.
pub fn signup_request(input: &SignupInput, today: CivilDate) -> Result<SignupRequest, FieldErrors> {
    let birth_date = compose_birth_date(&input.birth_day, &input.birth_month, &input.birth_year);
    let request = SignupRequest {
        username: input.username.trim().to_string(),
        email: input.email.trim().to_string(),
        password: input.password.clone(),
        birth_date: birth_date.clone().unwrap_or_default(),
        accepted_policy_version: match (input.accepted_policy, input.policy_version) {
            (false, _) => 0,
            (true, Some(version)) => version,
            (true, None) => POLICY_VERSION_TO_FETCH,
        },
    };
    let mut errors = validate::signup(&request, today);
    if let Err(message) = birth_date {
        // The shared rule speaks of one YYYY-MM-DD box; this form has three.
        errors.insert("birth_date".into(), vec![message]);
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// Day, month and year boxes -> `YYYY-MM-DD`, or a message about what is missing.
pub fn compose_birth_date(day: &str, month: &str, year: &str) -> Result<String, String> {
    let parts = [("day", day.trim()), ("month", month.trim()), ("year", year.trim())];
    let missing: Vec<&str> = parts.iter().filter(|(_, v)| v.is_empty()).map(|(name, _)| *name).collect();
    if missing.len() == parts.len() {
        return Err("Enter your date of birth.".into());
    }
    if !missing.is_empty() {
        return Err(format!("Date of birth must include a {}.", missing.join(" and a ")));
    }
    if parts.iter().any(|(_, v)| !v.bytes().all(|b| b.is_ascii_digit())) {
        return Err("Use numbers only, for example 27 3 2007.".into());
    }
    let [(_, day), (_, month), (_, year)] = parts;
    if year.len() != 4 {
        return Err("Enter the year with 4 digits, for example 2007.".into());
    }
    if day.len() > 2 || month.len() > 2 {
        return Err("Date of birth must be a real date.".into());
    }
    let composed = format!("{year}-{month:0>2}-{day:0>2}");
    if CivilDate::parse(&composed).is_none() {
        return Err("Date of birth must be a real date.".into());
    }
    Ok(composed)
}

/// What the sign-in form holds, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SigninInput {
    pub login: String,
    pub password: String,
    pub remember: bool,
}

/// Sign-in only checks that something was typed: judging a password's
/// shape here would tell a guesser something.
pub fn signin_request(input: &SigninInput) -> Result<SigninRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let login = input.login.trim();
    if login.is_empty() {
        errors.insert("login".into(), vec!["Enter your username or e-mail address.".into()]);
    }
    if input.password.is_empty() {
        errors.insert("password".into(), vec!["Enter your password.".into()]);
    }
    if errors.is_empty() {
        Ok(SigninRequest { login: login.to_string(), password: input.password.clone(), remember: input.remember })
    } else {
        Err(errors)
    }
}

/// The form-level message after a failed submit.
#[derive(Debug, Clone, PartialEq)]
pub enum Alert {
    /// A sentence to show as it is.
    Problem(String),
    /// The server could not be reached: offer to send the same input again.
    Unreachable,
}

impl Alert {
    pub fn message(&self) -> String {
        match self {
            Alert::Problem(message) => message.clone(),
            Alert::Unreachable => ApiError::Unreachable.message(),
        }
    }
}

/// Everything a form shows after a failed submit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    /// Keyed by wire name.
    pub fields: FieldErrors,
    pub alert: Option<Alert>,
}

impl Feedback {
    /// Input stopped before it was sent.
    pub fn invalid_input(fields: FieldErrors) -> Self {
        Self { fields, alert: Some(Alert::Problem(CHECK_FIELDS_MESSAGE.into())) }
    }

    /// The server said no (or could not be reached). Messages for fields this
    /// form does not show go into the form-level message, so none is lost.
    pub fn from_api_error(error: &ApiError, form: &[FieldSpec]) -> Self {
        if error.is_unreachable() {
            return Self { fields: FieldErrors::new(), alert: Some(Alert::Unreachable) };
        }
        let mut fields = FieldErrors::new();
        let mut message = error.message();
        for (wire, messages) in error.field_errors() {
            if form.iter().any(|f| f.wire == wire) {
                fields.insert(wire.clone(), messages.clone());
            } else {
                for extra in messages {
                    message.push(' ');
                    message.push_str(extra);
                }
            }
        }
        Self { fields, alert: Some(Alert::Problem(message)) }
    }

    /// Messages for one field, by wire name.
    pub fn field(&self, wire: &str) -> Vec<String> {
        self.fields.get(wire).cloned().unwrap_or_default()
    }

    /// The control to focus: the first invalid field in page order, if any.
    pub fn first_invalid(&self, form: &[FieldSpec]) -> Option<&'static str> {
        form.iter().find(|f| self.fields.contains_key(f.wire)).map(|f| f.focus)
    }
}

#[cfg(test)]
mod tests {
    use curtain_api::ErrorDetail;

    use super::*;

    fn today() -> CivilDate {
        CivilDate::parse("2026-11-29").unwrap()
    }

    fn good_signup() -> SignupInput {
        SignupInput {
            username: "ana".into(),
            email: " ana@example.org ".into(),
            password: "correct horse".into(),
            birth_day: "5".into(),
            birth_month: "3".into(),
            birth_year: "1990".into(),
            accepted_policy: true,
            policy_version: Some(3),
        }
    }

    #[test]
    fn birth_date_parts_are_zero_padded() {
        assert_eq!(compose_birth_date("5", "3", "1990"), Ok("1990-03-05".into()));
        assert_eq!(compose_birth_date(" 29 ", "02", "2004"), Ok("2004-02-29".into()));
    }

    #[test]
    fn birth_date_problems_say_what_is_wrong() {
        assert_eq!(compose_birth_date("", "", ""), Err("Enter your date of birth.".into()));
        assert_eq!(compose_birth_date("5", "", ""), Err("Date of birth must include a month and a year.".into()));
        assert_eq!(compose_birth_date("", "3", "1990"), Err("Date of birth must include a day.".into()));
        assert!(compose_birth_date("5th", "3", "1990").unwrap_err().contains("numbers only"));
        assert!(compose_birth_date("5", "3", "90").unwrap_err().contains("4 digits"));
        assert!(compose_birth_date("31", "2", "1990").unwrap_err().contains("real date"));
        assert!(compose_birth_date("5", "13", "1990").unwrap_err().contains("real date"));
        assert!(compose_birth_date("005", "3", "1990").unwrap_err().contains("real date"));
    }

    #[test]
    fn a_good_signup_becomes_a_trimmed_request() {
        let request = signup_request(&good_signup(), today()).unwrap();
        assert_eq!(request.email, "ana@example.org");
        assert_eq!(request.birth_date, "1990-03-05");
        assert_eq!(request.accepted_policy_version, 3, "the version the form fetched");
        let unknown = SignupInput { policy_version: None, ..good_signup() };
        assert_eq!(signup_request(&unknown, today()).unwrap().accepted_policy_version, POLICY_VERSION_TO_FETCH);
        assert_eq!(request.password, "correct horse");
    }

    #[test]
    fn an_unticked_policy_box_stops_the_request() {
        let input = SignupInput { accepted_policy: false, ..good_signup() };
        let errors = signup_request(&input, today()).unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["accepted_policy_version"]);
    }

    #[test]
    fn the_birth_date_error_speaks_of_three_boxes() {
        let input = SignupInput { birth_year: String::new(), ..good_signup() };
        let errors = signup_request(&input, today()).unwrap_err();
        assert_eq!(errors["birth_date"], vec!["Date of birth must include a year.".to_string()]);
        let future = SignupInput { birth_year: "2030".into(), ..good_signup() };
        assert_eq!(signup_request(&future, today()).unwrap_err()["birth_date"], vec!["That date is in the future.".to_string()]);
    }

    #[test]
    fn signin_needs_both_fields_and_keeps_the_password_as_typed() {
        let errors = signin_request(&SigninInput::default()).unwrap_err();
        assert_eq!(errors.len(), 2);
        let request = signin_request(&SigninInput { login: " ana ".into(), password: " pw ".into(), remember: true }).unwrap();
        assert_eq!((request.login.as_str(), request.password.as_str(), request.remember), ("ana", " pw ", true));
    }

    #[test]
    fn server_field_errors_land_on_their_fields() {
        let error = ApiError::Http {
            status: 409,
            body: ErrorDetail {
                code: "taken".into(),
                message: "Some details are already in use.".into(),
                fields: [
                    ("email".to_string(), vec!["That e-mail is taken.".to_string()]),
                    ("nickname".to_string(), vec!["Unknown field.".to_string()]),
                ]
                .into(),
            },
        };
        let feedback = Feedback::from_api_error(&error, SIGNUP_FIELDS);
        assert_eq!(feedback.field("email"), vec!["That e-mail is taken.".to_string()]);
        assert!(feedback.field("nickname").is_empty());
        assert_eq!(feedback.alert, Some(Alert::Problem("Some details are already in use. Unknown field.".into())));
        assert_eq!(feedback.first_invalid(SIGNUP_FIELDS), Some("signup-email"));
    }

    #[test]
    fn unreachable_offers_a_retry_and_no_field_errors() {
        let feedback = Feedback::from_api_error(&ApiError::Unreachable, SIGNIN_FIELDS);
        assert_eq!(feedback.alert, Some(Alert::Unreachable));
        assert_eq!(feedback.first_invalid(SIGNIN_FIELDS), None);
    }

    #[test]
    fn the_first_invalid_field_follows_page_order() {
        let fields: FieldErrors = [
            ("username".to_string(), vec!["x".to_string()]),
            ("birth_date".to_string(), vec!["y".to_string()]),
        ]
        .into();
        assert_eq!(Feedback::invalid_input(fields).first_invalid(SIGNUP_FIELDS), Some("signup-username"));
        let only_date: FieldErrors = [("birth_date".to_string(), vec!["y".to_string()])].into();
        assert_eq!(Feedback::invalid_input(only_date).first_invalid(SIGNUP_FIELDS), Some("signup-birth-day"));
    }
}
