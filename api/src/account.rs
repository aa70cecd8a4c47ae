//! Wire types for a member's own account: e-mail preferences and the
//! unsubscribe link, sign-in sessions and the sign-in log, changing the e-mail
//! address or password, deleting the account, and a parent's report about a
//! child's account. Plus the input rules both sides apply to them.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// The marketing e-mail a member has asked for. Every list is off until the
/// member turns it on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreferences {
    pub newsletter: bool,
    pub product_updates: bool,
    pub partner_offers: bool,
}

/// `PATCH /api/me/email-preferences`: only the lists named change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreferencesPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newsletter: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_updates: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_offers: Option<bool>,
}

impl EmailPreferencesPatch {
    /// `current` with this patch applied.
    pub fn apply(&self, current: EmailPreferences) -> EmailPreferences {
        EmailPreferences {
            newsletter: self.newsletter.unwrap_or(current.newsletter),
            product_updates: self.product_updates.unwrap_or(current.product_updates),
            partner_offers: self.partner_offers.unwrap_or(current.partner_offers),
        }
    }
}

/// `POST /api/unsubscribe`: the token from an e-mail's unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeRequest {
    pub token: String,
}

/// What the unsubscribe page may show to whoever holds the link: the address
/// with most of it hidden, and which lists are on. Nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeStatus {
    /// For example `a••@e••••••.org`.
    pub masked_email: String,
    pub lists: EmailPreferences,
}

/// One sign-in session of the caller, as `GET /api/me/sessions` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    /// Browser and system in words, e.g. "Chrome 131 on Linux".
    pub device: String,
    pub ip: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub last_seen_at: String,
    /// "Keep me signed in" was ticked.
    pub persistent: bool,
    /// The session this request came from.
    pub current: bool,
}

/// `POST /api/me/sessions/revoke-others`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedSessions {
    pub revoked: u64,
}

/// One successful sign-in, as `GET /api/me/activity` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigninRecord {
    /// RFC 3339.
    pub at: String,
    pub ip: String,
    /// Browser and system in words.
    pub device: String,
    /// The `User-Agent` header exactly as the browser sent it.
    pub user_agent: String,
}

/// `POST /api/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// What a password change did besides changing the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    /// Sessions on other devices that were ended.
    pub other_sessions_ended: u64,
}

/// `POST /api/me/email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEmailRequest {
    pub current_password: String,
    pub new_email: String,
}

/// `POST /api/email/verify`: the token from a confirmation link. No sign-in
/// needed: the token is the permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyEmailRequest {
    pub token: String,
}

/// The answer to a followed confirmation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailVerified {
    pub username: String,
    /// The address now confirmed, partly hidden (whoever holds the link may
    /// not be the member).
    pub masked_email: String,
}

/// `POST /api/me/email/verification`: where a new confirmation message went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationSent {
    pub email: String,
}

/// `DELETE /api/me`: the password, and the username typed out as a check that
/// this is meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAccountRequest {
    pub password: String,
    pub confirm_username: String,
}

/// `POST /api/reports/child-account`: a parent or guardian reports an account
/// they believe belongs to a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildReportRequest {
    /// The username as the reporter knows it; never checked aloud.
    pub username: String,
    /// Where Curtain can reach the reporter.
    pub reporter_email: String,
    pub message: String,
}

/// The one answer a child-account report gets, whether or not the account exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildReportReceived {
    pub received: bool,
}

/// Longest message a report may carry.
pub const REPORT_MESSAGE_MAX: usize = 4000;
/// Longest username a report may name (longer than any valid username, so a
/// typo is still accepted and reviewed).
pub const REPORT_USERNAME_MAX: usize = 64;

/// Checks a child-account report. It does not say whether the account exists.
pub fn child_report(req: &ChildReportRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let username = req.username.trim();
    if username.is_empty() {
        errors.insert("username".into(), vec!["Enter the username of the account.".into()]);
    } else if username.chars().count() > REPORT_USERNAME_MAX {
        errors.insert("username".into(), vec![format!("Usernames are at most {REPORT_USERNAME_MAX} characters.")]);
    }
    if let Err(message) = crate::validate::email(req.reporter_email.trim()) {
        errors.insert("reporter_email".into(), vec![message]);
    }
    let length = req.message.trim().chars().count();
    if length == 0 {
        errors.insert(
            "message".into(),
            vec!["Tell us why you believe this account belongs to a child.".into()],
        );
    } else if length > REPORT_MESSAGE_MAX {
        errors.insert("message".into(), vec![format!("Keep it under {REPORT_MESSAGE_MAX} characters.")]);
    }
    errors
}

/// What a privacy request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyRequestKind {
    /// A copy of what Curtain holds about the person.
    Access,
    /// Putting something right.
    Correction,
    /// Deleting what Curtain holds.
    Deletion,
    /// Objecting to a use of their information.
    Objection,
    Other,
}

impl PrivacyRequestKind {
    pub const ALL: [PrivacyRequestKind; 5] = [
        PrivacyRequestKind::Access,
        PrivacyRequestKind::Correction,
        PrivacyRequestKind::Deletion,
        PrivacyRequestKind::Objection,
        PrivacyRequestKind::Other,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            PrivacyRequestKind::Access => "access",
            PrivacyRequestKind::Correction => "correction",
            PrivacyRequestKind::Deletion => "deletion",
            PrivacyRequestKind::Objection => "objection",
            PrivacyRequestKind::Other => "other",
        }
    }

    /// Whether the request means nothing without a message saying what it is about.
    pub fn needs_message(self) -> bool {
        matches!(self, PrivacyRequestKind::Correction | PrivacyRequestKind::Objection | PrivacyRequestKind::Other)
    }
}

/// `POST /api/privacy-requests`: anyone, signed in or not, asks the people
/// who run Curtain to act on their information. A signed-in request is tied
/// to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequest {
    pub kind: PrivacyRequestKind,
    /// Where the answer goes.
    pub email: String,
    #[serde(default)]
    pub message: String,
}

/// The answer to a privacy request: its reference and when it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestReceived {
    /// What to quote when writing about it, e.g. `PR-42`.
    pub reference: String,
    /// `YYYY-MM-DD`: the answer is due by this day.
    pub due_date: String,
}

/// How many days the people who run Curtain have to answer a privacy request.
pub const PRIVACY_REQUEST_DAYS: i64 = 30;

/// Checks a privacy request.
pub fn privacy_request(req: &PrivacyRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(message) = crate::validate::email(req.email.trim()) {
        errors.insert("email".into(), vec![message]);
    }
    let length = req.message.trim().chars().count();
    if length == 0 && req.kind.needs_message() {
        errors.insert("message".into(), vec!["Tell us what your request is about.".into()]);
    } else if length > REPORT_MESSAGE_MAX {
        errors.insert("message".into(), vec![format!("Keep it under {REPORT_MESSAGE_MAX} characters.")]);
    }
    errors
}

/// Checks a password change before any password is verified.
pub fn change_password(req: &ChangePasswordRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if req.current_password.is_empty() {
        errors.insert("current_password".into(), vec!["Enter your current password.".into()]);
    }
    if let Err(message) = crate::validate::password(&req.new_password) {
        errors.insert("new_password".into(), vec![message]);
    }
    errors
}

/// Checks an e-mail change before the password is verified.
pub fn change_email(req: &ChangeEmailRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if req.current_password.is_empty() {
        errors.insert("current_password".into(), vec!["Enter your current password.".into()]);
    }
    if let Err(message) = crate::validate::email(req.new_email.trim()) {
        errors.insert("new_email".into(), vec![message]);
    }
    errors
}

/// Checks a deletion request: the typed username must be the account's own
/// (in any letter case), and a password must be given.
pub fn delete_account(req: &DeleteAccountRequest, username: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if req.confirm_username.trim().to_lowercase() != username.to_lowercase() {
        errors.insert(
            "confirm_username".into(),
            vec![format!("Type your username, {username}, to confirm.")],
        );
    }
    if req.password.is_empty() {
        errors.insert("password".into(), vec!["Enter your password.".into()]);
    }
    errors
}

/// `PUT /api/me/language`: the member's language (`"de"`, `"pt-BR"`, `"en"`),
/// or `null` to follow the address and the browser again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageChoice {
    #[serde(default)]
    pub language: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let current = EmailPreferences { newsletter: true, product_updates: false, partner_offers: true };
        let patch = EmailPreferencesPatch { product_updates: Some(true), partner_offers: Some(false), ..Default::default() };
        assert_eq!(
            patch.apply(current),
            EmailPreferences { newsletter: true, product_updates: true, partner_offers: false }
        );
        assert_eq!(EmailPreferencesPatch::default().apply(current), current);
        let parsed: EmailPreferencesPatch = serde_json::from_str(r#"{"newsletter":false}"#).unwrap();
        assert_eq!(parsed, EmailPreferencesPatch { newsletter: Some(false), ..Default::default() });
    }

    #[test]
    fn every_list_is_off_by_default() {
        let p = EmailPreferences::default();
        assert!(!p.newsletter && !p.product_updates && !p.partner_offers);
    }

    fn report() -> ChildReportRequest {
        ChildReportRequest {
            username: "kid_2013".into(),
            reporter_email: "parent@example.org".into(),
            message: "This is my son's account; he is 11.".into(),
        }
    }

    #[test]
    fn child_reports_need_all_three_parts() {
        assert!(child_report(&report()).is_empty());
        let empty = ChildReportRequest { username: " ".into(), reporter_email: "x".into(), message: "".into() };
        let errors = child_report(&empty);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["message", "reporter_email", "username"]);
        let long = ChildReportRequest { message: "a".repeat(REPORT_MESSAGE_MAX + 1), ..report() };
        assert!(child_report(&long)["message"][0].contains("under"));
        // A username that could not exist is still accepted: saying otherwise
        // would tell the reporter something about the accounts.
        let odd = ChildReportRequest { username: "Not A Valid Name!".into(), ..report() };
        assert!(child_report(&odd).is_empty());
    }

    #[test]
    fn deletion_needs_the_own_username_in_any_case() {
        let ok = DeleteAccountRequest { password: "pw".into(), confirm_username: " Ana ".into() };
        assert!(delete_account(&ok, "ana").is_empty());
        let wrong = DeleteAccountRequest { password: "".into(), confirm_username: "bruno".into() };
        let errors = delete_account(&wrong, "ana");
        assert!(errors["confirm_username"][0].contains("ana"));
        assert!(errors.contains_key("password"));
    }

    #[test]
    fn password_and_email_changes_check_their_fields() {
        let short = ChangePasswordRequest { current_password: "".into(), new_password: "short".into() };
        assert_eq!(change_password(&short).len(), 2);
        let ok = ChangePasswordRequest { current_password: "old".into(), new_password: "a long new password".into() };
        assert!(change_password(&ok).is_empty());
        let bad = ChangeEmailRequest { current_password: "pw".into(), new_email: "nope".into() };
        assert_eq!(change_email(&bad).keys().collect::<Vec<_>>(), ["new_email"]);
        let good = ChangeEmailRequest { current_password: "pw".into(), new_email: " new@example.org ".into() };
        assert!(change_email(&good).is_empty());
    }
}
