//! Form logic that needs no browser: composing the three-part birth date,
//! checking input before a round trip (with the same rules the server uses),
//! and turning an `ApiError` into what a form shows.

use curtain_api::{validate, CivilDate, FieldErrors, SigninRequest, SignupRequest};
use curtain_ui::Lang;
use leptos_i18n::td_string;

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

/// The request to send, or the messages (in `lang`) that stop it from being sent.
pub fn signup_request(input: &SignupInput, today: CivilDate, lang: Lang) -> Result<SignupRequest, FieldErrors> {
    let birth_date = compose_birth_date(&input.birth_day, &input.birth_month, &input.birth_year, lang);
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
        // The page's language becomes the member's (their e-mails are written in it).
        language: Some(lang.tag().to_string()),
    };
    let mut errors = validate::signup(&request, today);
    for messages in errors.values_mut() {
        for message in messages.iter_mut() {
            *message = rule_message(message, lang);
        }
    }
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

/// A message of the shared rules (`curtain_api::validate`, which the server
/// speaks in English) in `lang`; one it does not know stays as it is.
fn rule_message(english: &str, lang: Lang) -> String {
    use validate::{PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};
    let l = lang.locale();
    // The numbers are written into the words; a test holds them to the rules.
    let translated = match english {
        m if m == format!("Use {USERNAME_MIN} to {USERNAME_MAX} characters.") => td_string!(l, rules.username_length),
        "Use only letters, digits and underscores." => td_string!(l, rules.username_characters),
        "Start with a letter." => td_string!(l, rules.username_start),
        "Enter your e-mail address." => td_string!(l, rules.email_missing),
        "That address is too long." => td_string!(l, rules.email_too_long),
        "Enter an address like name@example.org." => td_string!(l, rules.email_shape),
        m if m == format!("Use at least {PASSWORD_MIN} characters.") => td_string!(l, rules.password_short),
        m if m == format!("Use at most {PASSWORD_MAX} characters.") => td_string!(l, rules.password_long),
        "Enter your date of birth." => td_string!(l, birth.missing),
        "That date is in the future." => td_string!(l, rules.birth_future),
        "Enter your real date of birth." => td_string!(l, rules.birth_real),
        "Read and accept the privacy policy." => td_string!(l, rules.accept_policy),
        "Remove the invisible control characters." => td_string!(l, more_rules.control_characters),
        "Keep it to one line, without invisible control characters." => td_string!(l, more_rules.one_line),
        "Enter the username of the account." => td_string!(l, more_rules.report_username),
        "Tell us why you believe this account belongs to a child." => td_string!(l, more_rules.report_message),
        "Tell us what your request is about." => td_string!(l, more_rules.request_message),
        "Choose what you would like us to do." => td_string!(l, more_rules.request_kind),
        "Enter your current password." => td_string!(l, more_rules.current_password),
        "Enter your password." => td_string!(l, signin.password_missing),
        other => return numbered_rule(other, lang).unwrap_or_else(|| other.to_string()),
    };
    translated.to_string()
}

/// The shared rules' messages that carry a number or a name, in `lang`.
fn numbered_rule(english: &str, lang: Lang) -> Option<String> {
    use curtain_ui::lang::fill;
    let l = lang.locale();
    let between = |before: &str, after: &str| english.strip_prefix(before)?.strip_suffix(after).map(str::to_string);
    let number = |before: &str, after: &str| between(before, after).filter(|n| n.parse::<u32>().is_ok());
    if let Some(max) = number("Use at most ", " characters.") {
        return Some(fill(td_string!(l, history.rule_title_long), &[("max", &max)]));
    }
    if let Some(max) = number("Pick at most ", " genres.") {
        return Some(fill(td_string!(l, more_rules.genres_max), &[("max", &max)]));
    }
    if let Some(max) = number("Keep each genre to ", " characters.") {
        return Some(fill(td_string!(l, more_rules.genre_long), &[("max", &max)]));
    }
    if let Some(max) = number("Usernames are at most ", " characters.") {
        return Some(fill(td_string!(l, more_rules.report_username_long), &[("max", &max)]));
    }
    if let Some(max) = number("Keep it under ", " characters.") {
        return Some(fill(td_string!(l, more_rules.message_long), &[("max", &max)]));
    }
    if let Some(username) = between("Type your username, ", ", to confirm.") {
        return Some(fill(td_string!(l, more_rules.confirm_username), &[("username", &username)]));
    }
    None
}

/// Every message of a form's check (`curtain_api`'s shared rules, which the
/// server speaks in English) in `lang`; one it does not know stays as it is.
pub fn localise_rules(errors: &mut FieldErrors, lang: Lang) {
    for messages in errors.values_mut() {
        for message in messages.iter_mut() {
            *message = rule_message(message, lang);
        }
    }
}

/// Day, month and year boxes -> `YYYY-MM-DD`, or a message (in `lang`) about what is missing.
pub fn compose_birth_date(day: &str, month: &str, year: &str, lang: Lang) -> Result<String, String> {
    let l = lang.locale();
    let parts = [day.trim(), month.trim(), year.trim()];
    let missing = parts.map(str::is_empty);
    let message = match missing {
        [true, true, true] => Some(td_string!(l, birth.missing)),
        [true, false, false] => Some(td_string!(l, birth.missing_day)),
        [false, true, false] => Some(td_string!(l, birth.missing_month)),
        [false, false, true] => Some(td_string!(l, birth.missing_year)),
        [true, true, false] => Some(td_string!(l, birth.missing_day_month)),
        [true, false, true] => Some(td_string!(l, birth.missing_day_year)),
        [false, true, true] => Some(td_string!(l, birth.missing_month_year)),
        [false, false, false] => None,
    };
    if let Some(message) = message {
        return Err(message.into());
    }
    if parts.iter().any(|v| !v.bytes().all(|b| b.is_ascii_digit())) {
        return Err(td_string!(l, birth.digits_only).into());
    }
    let [day, month, year] = parts;
    if year.len() != 4 {
        return Err(td_string!(l, birth.four_digit_year).into());
    }
    if day.len() > 2 || month.len() > 2 {
        return Err(td_string!(l, birth.not_a_date).into());
    }
    let composed = format!("{year}-{month:0>2}-{day:0>2}");
    if CivilDate::parse(&composed).is_none() {
        return Err(td_string!(l, birth.not_a_date).into());
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
/// shape here would tell a guesser something. Messages are in `lang`.
pub fn signin_request(input: &SigninInput, lang: Lang) -> Result<SigninRequest, FieldErrors> {
    let l = lang.locale();
    let mut errors = FieldErrors::new();
    let login = input.login.trim();
    if login.is_empty() {
        errors.insert("login".into(), vec![td_string!(l, signin.login_missing).into()]);
    }
    if input.password.is_empty() {
        errors.insert("password".into(), vec![td_string!(l, signin.password_missing).into()]);
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
    /// Input was stopped before it was sent: the messages under the fields
    /// say what to change.
    CheckFields,
    /// The server could not be reached: offer to send the same input again.
    Unreachable,
}

impl Alert {
    pub fn message(&self) -> String {
        match self {
            Alert::Problem(message) => message.clone(),
            Alert::CheckFields => td_string!(crate::lang::page_lang().locale(), forms.check_fields).to_string(),
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
        Self { fields, alert: Some(Alert::CheckFields) }
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
        assert_eq!(compose_birth_date("5", "3", "1990", Lang::En), Ok("1990-03-05".into()));
        assert_eq!(compose_birth_date(" 29 ", "02", "2004", Lang::De), Ok("2004-02-29".into()));
    }

    #[test]
    fn birth_date_problems_say_what_is_wrong() {
        let en = |d, m, y| compose_birth_date(d, m, y, Lang::En);
        assert_eq!(en("", "", ""), Err("Enter your date of birth.".into()));
        assert_eq!(en("5", "", ""), Err("Date of birth must include a month and a year.".into()));
        assert_eq!(en("", "3", "1990"), Err("Date of birth must include a day.".into()));
        assert_eq!(en("", "", "1990"), Err("Date of birth must include a day and a month.".into()));
        assert_eq!(en("", "3", ""), Err("Date of birth must include a day and a year.".into()));
        assert_eq!(en("5", "", "1990"), Err("Date of birth must include a month.".into()));
        assert_eq!(en("5", "3", ""), Err("Date of birth must include a year.".into()));
        assert!(en("5th", "3", "1990").unwrap_err().contains("numbers only"));
        assert!(en("5", "3", "90").unwrap_err().contains("4 digits"));
        assert!(en("31", "2", "1990").unwrap_err().contains("real date"));
        assert!(en("5", "13", "1990").unwrap_err().contains("real date"));
        assert!(en("005", "3", "1990").unwrap_err().contains("real date"));
        assert_eq!(compose_birth_date("", "3", "1990", Lang::De), Err("Geben Sie beim Geburtsdatum auch den Tag an.".into()));
        assert_eq!(compose_birth_date("5", "3", "90", Lang::PtBr), Err("Informe o ano com 4 dígitos, por exemplo 2007.".into()));
    }

    #[test]
    fn a_good_signup_becomes_a_trimmed_request() {
        let request = signup_request(&good_signup(), today(), Lang::En).unwrap();
        assert_eq!(request.email, "ana@example.org");
        assert_eq!(request.birth_date, "1990-03-05");
        assert_eq!(request.accepted_policy_version, 3, "the version the form fetched");
        let unknown = SignupInput { policy_version: None, ..good_signup() };
        assert_eq!(signup_request(&unknown, today(), Lang::En).unwrap().accepted_policy_version, POLICY_VERSION_TO_FETCH);
        assert_eq!(request.password, "correct horse");
    }

    #[test]
    fn an_unticked_policy_box_stops_the_request() {
        let input = SignupInput { accepted_policy: false, ..good_signup() };
        let errors = signup_request(&input, today(), Lang::En).unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["accepted_policy_version"]);
    }

    #[test]
    fn the_birth_date_error_speaks_of_three_boxes() {
        let input = SignupInput { birth_year: String::new(), ..good_signup() };
        let errors = signup_request(&input, today(), Lang::En).unwrap_err();
        assert_eq!(errors["birth_date"], vec!["Date of birth must include a year.".to_string()]);
        let future = SignupInput { birth_year: "2030".into(), ..good_signup() };
        assert_eq!(signup_request(&future, today(), Lang::En).unwrap_err()["birth_date"], vec!["That date is in the future.".to_string()]);
    }

    #[test]
    fn the_shared_rules_speak_the_page_language() {
        let bad = SignupInput {
            username: "9".into(),
            email: "nope".into(),
            password: "short".into(),
            birth_year: "2030".into(),
            accepted_policy: false,
            ..good_signup()
        };
        let english = signup_request(&bad, today(), Lang::En).unwrap_err();
        for lang in [Lang::De, Lang::PtBr] {
            let theirs = signup_request(&bad, today(), lang).unwrap_err();
            assert_eq!(theirs.keys().collect::<Vec<_>>(), english.keys().collect::<Vec<_>>());
            for (field, messages) in &theirs {
                for message in messages {
                    assert!(!english[field].contains(message), "{lang:?} {field}: {message}");
                }
            }
        }
        // Every message of the shared rules is known, with the numbers the rules use.
        use validate::{PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};
        let too_long = format!("{}@example.org", "a".repeat(300));
        let messages = [
            validate::username("ab").unwrap_err(),
            validate::username("a-b").unwrap_err(),
            validate::username("9ab").unwrap_err(),
            validate::email("").unwrap_err(),
            validate::email(&too_long).unwrap_err(),
            validate::email("plain").unwrap_err(),
            validate::password("short").unwrap_err(),
            validate::password(&"x".repeat(PASSWORD_MAX + 1)).unwrap_err(),
            validate::birth_date("", today()).unwrap_err(),
            validate::birth_date("2030-01-01", today()).unwrap_err(),
            validate::birth_date("1800-01-01", today()).unwrap_err(),
        ];
        for message in messages {
            for lang in [Lang::De, Lang::PtBr] {
                let translated = rule_message(&message, lang);
                assert_ne!(translated, message, "{lang:?} lacks {message}");
                for number in [USERNAME_MIN, USERNAME_MAX, PASSWORD_MIN, PASSWORD_MAX] {
                    let number = number.to_string();
                    assert_eq!(translated.contains(&number), message.contains(&number), "{lang:?}: {translated}");
                }
            }
            assert_eq!(rule_message(&message, Lang::En), message);
        }
    }

    #[test]
    fn signin_needs_both_fields_and_keeps_the_password_as_typed() {
        let errors = signin_request(&SigninInput::default(), Lang::En).unwrap_err();
        assert_eq!(errors.len(), 2);
        let request = signin_request(&SigninInput { login: " ana ".into(), password: " pw ".into(), remember: true }, Lang::En).unwrap();
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

    #[test]
    fn the_shared_rules_keep_their_english_words_in_english() {
        for english in [
            "Use at most 80 characters.",
            "Pick at most 10 genres.",
            "Keep each genre to 30 characters.",
            "Keep it under 4000 characters.",
            "Usernames are at most 64 characters.",
            "Type your username, ana, to confirm.",
            "Tell us what your request is about.",
            "Remove the invisible control characters.",
            "A message no rule writes.",
        ] {
            let mut errors = FieldErrors::from([("f".to_string(), vec![english.to_string()])]);
            localise_rules(&mut errors, Lang::En);
            assert_eq!(errors["f"], [english]);
        }
        let mut errors = FieldErrors::from([("f".to_string(), vec!["Pick at most 10 genres.".to_string()])]);
        localise_rules(&mut errors, Lang::De);
        assert_eq!(errors["f"], ["Wählen Sie höchstens 10 Genres."]);
    }
}
