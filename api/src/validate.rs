//! Input rules for accounts. The server enforces them; the SPA runs the same
//! functions to show a message before a round trip.

use crate::{CivilDate, FieldErrors, SignupRequest};

/// Youngest age at which Curtain accepts an account.
pub const MIN_AGE: i32 = 13;
/// Members younger than this are minors: private and undiscoverable by default.
pub const ADULT_AGE: i32 = 18;
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 30;
pub const PASSWORD_MIN: usize = 10;
/// Bounded so hashing a huge body cannot be used to burn server CPU.
pub const PASSWORD_MAX: usize = 256;
const EMAIL_MAX: usize = 254;

/// Where a birth date puts a person relative to the age gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeGate {
    /// Younger than 13: refused, and nothing about them is stored.
    Underage,
    /// 13 to 17.
    Minor,
    Adult,
}

/// Classifies a birth date on `today`.
pub fn age_gate(birth: CivilDate, today: CivilDate) -> AgeGate {
    match birth.age_on(today) {
        a if a < MIN_AGE => AgeGate::Underage,
        a if a < ADULT_AGE => AgeGate::Minor,
        _ => AgeGate::Adult,
    }
}

/// Lowercase letters, digits and underscores, 3 to 30 long, starting with a letter.
/// Usernames are compared case-insensitively; the server stores the lowercase form.
pub fn username(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(format!("Use {USERNAME_MIN} to {USERNAME_MAX} characters."));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("Use only letters, digits and underscores.".into());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("Start with a letter.".into());
    }
    Ok(())
}

/// A plausible address: one `@`, something before it, a dotted domain after it,
/// no spaces. Deliverability is proven by mail, not by a regex.
pub fn email(address: &str) -> Result<(), String> {
    if address.is_empty() {
        return Err("Enter your e-mail address.".into());
    }
    if address.len() > EMAIL_MAX {
        return Err("That address is too long.".into());
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err("Enter an address like name@example.org.".into());
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok || domain.contains('@') || address.chars().any(char::is_whitespace) {
        return Err("Enter an address like name@example.org.".into());
    }
    Ok(())
}

/// Length is what makes a password strong; no composition rules.
pub fn password(pw: &str) -> Result<(), String> {
    let len = pw.chars().count();
    if len < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters."));
    }
    if len > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters."));
    }
    Ok(())
}

/// Parses and sanity-checks a birth date (not in the future, not before 1900).
pub fn birth_date(s: &str, today: CivilDate) -> Result<CivilDate, String> {
    if s.trim().is_empty() {
        return Err("Enter your date of birth.".into());
    }
    let date = CivilDate::parse(s.trim()).ok_or_else(|| "Enter a date as YYYY-MM-DD.".to_string())?;
    if date > today {
        return Err("That date is in the future.".into());
    }
    if date.year < 1900 {
        return Err("Enter your real date of birth.".into());
    }
    Ok(date)
}

/// Every field error in a sign-up form. Empty means the form is well-formed;
/// the age gate and uniqueness are decided separately.
pub fn signup(req: &SignupRequest, today: CivilDate) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(msg) = result {
            errors.entry(field.to_string()).or_default().push(msg);
        }
    };
    check("username", username(&req.username));
    check("email", email(&req.email));
    check("password", password(&req.password));
    check("birth_date", birth_date(&req.birth_date, today).map(|_| ()));
    check(
        "accepted_policy_version",
        if req.accepted_policy_version == 0 { Err("Read and accept the privacy policy.".into()) } else { Ok(()) },
    );
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CivilDate {
        CivilDate::parse("2026-11-29").unwrap()
    }

    #[test]
    fn usernames() {
        for ok in ["ana", "film_buff_99", "A_b"] {
            assert_eq!(username(ok), Ok(()), "{ok}");
        }
        for bad in ["ab", "9lives", "_x_", "has space", "émile", "a-b-c", &"x".repeat(31)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        for bad in ["", "plain", "@b.co", "a@b", "a@.b.co", "a@b.co.", "a@@b.co", "a b@c.de", "a@b..co"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_judged_by_length_in_characters() {
        assert!(password("short").is_err());
        assert_eq!(password("long enough"), Ok(()));
        assert_eq!(password("ééééééééééé"), Ok(()));
        assert!(password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }

    #[test]
    fn age_gate_at_the_thirteenth_and_eighteenth_birthdays() {
        let t = today();
        let gate = |s: &str| age_gate(CivilDate::parse(s).unwrap(), t);
        assert_eq!(gate("2013-11-30"), AgeGate::Underage, "13 tomorrow");
        assert_eq!(gate("2013-11-29"), AgeGate::Minor, "13 today");
        assert_eq!(gate("2008-11-30"), AgeGate::Minor, "18 tomorrow");
        assert_eq!(gate("2008-11-29"), AgeGate::Adult, "18 today");
        assert_eq!(gate("2026-11-29"), AgeGate::Underage, "born today");
    }

    #[test]
    fn birth_dates() {
        assert!(birth_date("", today()).is_err());
        assert!(birth_date("29/11/2000", today()).is_err());
        assert!(birth_date("2026-11-30", today()).is_err());
        assert!(birth_date("1899-12-31", today()).is_err());
        assert_eq!(birth_date("2000-01-01", today()), Ok(CivilDate::parse("2000-01-01").unwrap()));
    }

    #[test]
    fn signup_collects_every_field_error() {
        let req = SignupRequest {
            username: "x".into(),
            email: "nope".into(),
            password: "short".into(),
            birth_date: "soon".into(),
            accepted_policy_version: 0,
            language: None,
        };
        let errors = signup(&req, today());
        let fields: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, ["accepted_policy_version", "birth_date", "email", "password", "username"]);

        let good = SignupRequest {
            username: "ana".into(),
            email: "ana@example.org".into(),
            password: "correct horse".into(),
            birth_date: "1990-05-01".into(),
            accepted_policy_version: 1,
            language: None,
        };
        assert!(signup(&good, today()).is_empty());
    }

    #[test]
    fn error_body_has_the_contract_shape() {
        let body = crate::ErrorBody {
            error: crate::ErrorDetail { code: "invalid".into(), message: "Check the form.".into(), fields: FieldErrors::new() },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"invalid","message":"Check the form."}}"#
        );
    }
}
