//! The member's own account: e-mail preferences and unsubscribe links,
//! sessions and the sign-in log, e-mail and password changes, the export,
//! how long each kind of record is kept, deletion, a parent's report
//! about a child's account, and privacy requests.

use curtain_api::account::{
    ChangeEmailRequest, ChangePasswordRequest, ChildReportReceived, ChildReportRequest, DeleteAccountRequest,
    EmailPreferences, EmailPreferencesPatch, PasswordChanged, PrivacyRequest, PrivacyRequestReceived,
    LanguageChoice, RevokedSessions, SessionInfo,
    UnsubscribeRequest, UnsubscribeStatus, EmailVerified, VerificationSent, VerifyEmailRequest,
};
use curtain_api::retention::Retention;
use curtain_api::SessionUser;
use gloo_net::http::Request;

use super::{decode, error_from_response, send, unsafe_request, ApiError};

/// Where the export downloads from: a same-origin GET, so a plain link with
/// `download` carries the session cookie.
pub const EXPORT_URL: &str = "/api/me/export";

fn get(url: &str) -> Result<Request, gloo_net::Error> {
    Request::get(url).header("Accept", "application/json").build()
}

fn no_content(status: u16, body: &str) -> Result<(), ApiError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(error_from_response(status, body))
    }
}

/// `GET /api/me/email-preferences`.
pub async fn email_preferences() -> Result<EmailPreferences, ApiError> {
    let (status, body) = send(get("/api/me/email-preferences")).await?;
    decode(status, &body)
}

/// `PATCH /api/me/email-preferences` with every list, as the form shows them.
pub async fn save_email_preferences(prefs: EmailPreferences) -> Result<EmailPreferences, ApiError> {
    let patch = EmailPreferencesPatch {
        newsletter: Some(prefs.newsletter),
        product_updates: Some(prefs.product_updates),
        partner_offers: Some(prefs.partner_offers),
    };
    let (status, body) = send(unsafe_request(Request::patch("/api/me/email-preferences")).json(&patch)).await?;
    decode(status, &body)
}

/// `PUT /api/me/language`: the member's language (a tag), or `None` to
/// follow the address and the browser.
pub async fn save_language(language: Option<curtain_ui::Lang>) -> Result<SessionUser, ApiError> {
    let choice = LanguageChoice { language: language.map(|lang| lang.tag().to_string()) };
    let (status, body) = send(unsafe_request(Request::put("/api/me/language")).json(&choice)).await?;
    decode(status, &body)
}

/// `GET /api/unsubscribe/{token}`: what the link's page may show.
pub async fn unsubscribe_status(token: &str) -> Result<UnsubscribeStatus, ApiError> {
    let (status, body) = send(get(&format!("/api/unsubscribe/{}", encode_segment(token)))).await?;
    decode(status, &body)
}

/// `POST /api/unsubscribe`: every list off.
pub async fn unsubscribe(token: &str) -> Result<UnsubscribeStatus, ApiError> {
    let request = UnsubscribeRequest { token: token.to_string() };
    let (status, body) = send(unsafe_request(Request::post("/api/unsubscribe")).json(&request)).await?;
    decode(status, &body)
}

/// `GET /api/me/sessions`.
pub async fn sessions() -> Result<Vec<SessionInfo>, ApiError> {
    let (status, body) = send(get("/api/me/sessions")).await?;
    decode(status, &body)
}

/// `DELETE /api/me/sessions/{id}`.
pub async fn revoke_session(id: i64) -> Result<(), ApiError> {
    let (status, body) = send(unsafe_request(Request::delete(&format!("/api/me/sessions/{id}"))).build()).await?;
    no_content(status, &body)
}

/// `POST /api/me/sessions/revoke-others`: "sign out everywhere else".
pub async fn revoke_other_sessions() -> Result<RevokedSessions, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/me/sessions/revoke-others")).build()).await?;
    decode(status, &body)
}

/// `POST /api/me/password`.
pub async fn change_password(request: &ChangePasswordRequest) -> Result<PasswordChanged, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/me/password")).json(request)).await?;
    decode(status, &body)
}

/// `POST /api/me/email`: the member with the new address.
pub async fn change_email(request: &ChangeEmailRequest) -> Result<SessionUser, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/me/email")).json(request)).await?;
    decode(status, &body)
}

/// `POST /api/me/email/verification`: sends the confirmation link again.
pub async fn resend_verification() -> Result<VerificationSent, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/me/email/verification")).build()).await?;
    decode(status, &body)
}

/// `POST /api/email/verify`: follows a confirmation link (no sign-in needed).
pub async fn verify_email(token: &str) -> Result<EmailVerified, ApiError> {
    let request = VerifyEmailRequest { token: token.to_string() };
    let (status, body) = send(unsafe_request(Request::post("/api/email/verify")).json(&request)).await?;
    decode(status, &body)
}

/// `GET /api/me/export`, read as JSON for the "Your data" page.
pub async fn export() -> Result<serde_json::Value, ApiError> {
    let (status, body) = send(get(EXPORT_URL)).await?;
    decode(status, &body)
}

/// `GET /api/retention`: how long each kind of record is kept.
pub async fn retention() -> Result<Retention, ApiError> {
    let (status, body) = send(get("/api/retention")).await?;
    decode(status, &body)
}

/// `DELETE /api/me`.
pub async fn delete_account(request: &DeleteAccountRequest) -> Result<(), ApiError> {
    let (status, body) = send(unsafe_request(Request::delete("/api/me")).json(request)).await?;
    no_content(status, &body)
}

/// `POST /api/reports/child-account`.
pub async fn report_child_account(request: &ChildReportRequest) -> Result<ChildReportReceived, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/reports/child-account")).json(request)).await?;
    decode(status, &body)
}

/// `POST /api/privacy-requests`: anyone's request to act on their
/// information; tied to the account when signed in (the session cookie goes along).
pub async fn privacy_request(request: &PrivacyRequest) -> Result<PrivacyRequestReceived, ApiError> {
    let (status, body) = send(unsafe_request(Request::post("/api/privacy-requests")).json(request)).await?;
    decode(status, &body)
}

/// A token from the address bar as one path segment: only the URL-safe
/// characters a real token has pass through; anything else is escaped.
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_stay_one_path_segment() {
        assert_eq!(super::encode_segment("abc-DEF_123"), "abc-DEF_123");
        assert_eq!(super::encode_segment("../me"), "%2E%2E%2Fme");
    }
}
