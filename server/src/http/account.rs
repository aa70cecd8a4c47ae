//! The member's own account: e-mail preferences and unsubscribe, sessions and
//! the sign-in log, changing e-mail or password, export, deletion, and a
//! parent's report about a child's account.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use curtain_api::account::{
    self as rules, ChangeEmailRequest, ChangePasswordRequest, ChildReportReceived, ChildReportRequest,
    DeleteAccountRequest, EmailPreferences, EmailPreferencesPatch, PasswordChanged, RevokedSessions, SessionInfo,
    SigninRecord, UnsubscribeRequest, UnsubscribeStatus, EmailVerified, VerificationSent, VerifyEmailRequest,
    PrivacyRequest, PrivacyRequestReceived, LanguageChoice,
};
use curtain_api::{validate, SessionUser};

use super::{ApiJson, ApiPath};
use crate::error::{Error, Result};
use crate::session::{self, ClientInfo, MaybeViewer, Viewer};
use crate::{
    account_data, accounts, child_reports, clock, email_preferences, email_verification, outbox, privacy_requests, rate_limit,
    AppState,
};
use sqlx::AnyConnection;

/// `GET /api/me/email-preferences`.
pub async fn get_email_preferences(State(state): State<AppState>, viewer: Viewer) -> Result<Json<EmailPreferences>> {
    Ok(Json(email_preferences::get(state.db.read(), viewer.user_id).await?))
}

/// `PATCH /api/me/email-preferences`: changes the lists named in the body.
pub async fn patch_email_preferences(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(patch): ApiJson<EmailPreferencesPatch>,
) -> Result<Json<EmailPreferences>> {
    let mut tx = state.db.begin_write().await?;
    let (current, _) = email_preferences::get_or_create(&mut tx, viewer.user_id).await?;
    let next = patch.apply(current);
    email_preferences::set(&mut tx, viewer.user_id, next).await?;
    tx.commit().await?;
    Ok(Json(next))
}

/// `PUT /api/me/language`: the member's language, or `null` to have none
/// (then the address, the browser and the page an action came from decide).
/// Answers the session as `GET /api/session` does.
pub async fn put_language(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(choice): ApiJson<LanguageChoice>,
) -> Result<Json<SessionUser>> {
    let language = match choice.language.as_deref() {
        None => None,
        Some(tag) => Some(known_language(tag)?),
    };
    let mut tx = state.db.begin_write().await?;
    let updated = sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(language.map(|lang| lang.tag()))
        .bind(viewer.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if updated == 0 {
        // Deleted in another tab a moment ago.
        return Err(Error::Unauthorized);
    }
    tx.commit().await?;
    let mut user = viewer;
    user.language = language;
    let follow_requests = crate::profiles::pending_request_count(state.db.read(), user.user_id).await?;
    let mut wire = user.to_wire();
    wire.follow_requests = follow_requests;
    Ok(Json(wire))
}

/// One of the languages Curtain speaks, by its tag (`de`, `pt-BR`, `en`);
/// anything else is 400 `invalid_language`, never stored as English.
pub fn known_language(tag: &str) -> Result<curtain_ui::Lang> {
    curtain_ui::Lang::from_tag(tag).ok_or_else(|| {
        let ours: Vec<&str> = curtain_ui::Lang::ALL.iter().map(|l| l.tag()).collect();
        super::consent::invalid_language(format!("The language must be one of {}.", ours.join(", ")))
    })
}

/// `GET /api/unsubscribe/{token}`: what the unsubscribe page shows. 404 for a
/// token that is not (or no longer) anyone's.
pub async fn unsubscribe_status(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Result<Json<UnsubscribeStatus>> {
    let (_, email, lists) = email_preferences::by_token(state.db.read(), &token).await?.ok_or_else(unknown_link)?;
    Ok(Json(UnsubscribeStatus { masked_email: email_preferences::mask_email(&email), lists }))
}

/// `POST /api/unsubscribe`: one click turns every list off. No sign-in needed:
/// the token is the permission. Limited per address, unknown tokens included
/// ([`rate_limit::UNSUBSCRIBES`]).
pub async fn unsubscribe(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<UnsubscribeRequest>,
) -> Result<Json<UnsubscribeStatus>> {
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::UNSUBSCRIBES, &client.ip, clock::now()).await?;
    let Some((user_id, email, _)) = email_preferences::by_token(&mut *tx, req.token.trim()).await? else {
        // A guess counts as much as a real link.
        tx.commit().await?;
        return Err(unknown_link());
    };
    let off = EmailPreferences::default();
    email_preferences::set(&mut tx, user_id, off).await?;
    tx.commit().await?;
    tracing::info!(user_id, "unsubscribed from every list by link");
    Ok(Json(UnsubscribeStatus { masked_email: email_preferences::mask_email(&email), lists: off }))
}

fn unknown_link() -> Error {
    Error::request(
        StatusCode::NOT_FOUND,
        "unknown_link",
        "This unsubscribe link is not valid. It may have been copied only in part, or the account no longer exists.",
    )
}

/// `GET /api/me/sessions`.
pub async fn list_sessions(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Vec<SessionInfo>>> {
    Ok(Json(account_data::sessions(state.db.read(), viewer.user_id, Some(viewer.session_id)).await?))
}

/// `DELETE /api/me/sessions/{id}`: ends one of the caller's sessions; its
/// cookie stops working with the next request. Ending the current one signs
/// the caller out.
pub async fn revoke_session(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, CookieJar)> {
    // An id that is not a number names no session: the same 404, in our error shape.
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let deleted = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(viewer.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    if deleted == 0 {
        // Someone else's session looks exactly like no session.
        return Err(Error::NotFound);
    }
    let jar = if id == viewer.session_id { session::clear_cookies(jar) } else { jar };
    Ok((StatusCode::NO_CONTENT, jar))
}

/// `POST /api/me/sessions/revoke-others`: "sign out everywhere else".
pub async fn revoke_other_sessions(State(state): State<AppState>, viewer: Viewer) -> Result<Json<RevokedSessions>> {
    let mut tx = state.db.begin_write().await?;
    let revoked = end_other_sessions(&mut tx, &viewer).await?;
    tx.commit().await?;
    Ok(Json(RevokedSessions { revoked }))
}

async fn end_other_sessions(tx: &mut AnyConnection, viewer: &Viewer) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(viewer.user_id)
        .bind(viewer.session_id)
        .execute(tx)
        .await?
        .rows_affected())
}

/// `GET /api/me/activity`: the sign-in log, newest first.
pub async fn activity(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Vec<SigninRecord>>> {
    Ok(Json(account_data::signin_log(state.db.read(), viewer.user_id, Some(500)).await?))
}

/// Checks the caller's password for a sensitive change. Wrong guesses count
/// against the same limits as failed sign-ins, so a borrowed, signed-in
/// browser cannot be used to try passwords without end.
async fn check_password(state: &AppState, viewer: &Viewer, client: &ClientInfo, given: &str, field: &str) -> Result<()> {
    let account_key = accounts::key(&viewer.username);
    let now = clock::now();
    rate_limit::check(&mut *state.db.read().acquire().await?, &account_key, &client.ip, now).await?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(viewer.user_id)
        .fetch_one(state.db.read())
        .await?;
    if given.chars().count() > validate::PASSWORD_MAX {
        return Err(Error::invalid_field(field, "That is not your current password."));
    }
    // As at sign-in: the slot first, then the attempt is counted, then checked.
    let slot = state.passwords.slot().await?;
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_attempt(&mut tx, &account_key, &client.ip, now).await?;
    tx.commit().await?;
    if !slot.verify(given.to_string(), Some(stored)).await? {
        return Err(Error::invalid_field(field, "That is not your current password."));
    }
    let mut tx = state.db.begin_write().await?;
    rate_limit::clear_account(&mut tx, &account_key).await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /api/me/password`: needs the current password; ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientInfo,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<Json<PasswordChanged>> {
    let errors = rules::change_password(&req);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    check_password(&state, &viewer, &client, &req.current_password, "current_password").await?;
    let hash = state.passwords.hash(req.new_password.clone()).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(viewer.user_id).execute(&mut *tx).await?;
    let other_sessions_ended = end_other_sessions(&mut tx, &viewer).await?;
    if !viewer.email.is_empty() {
        outbox::password_changed_notice(&mut tx, viewer.user_id, &viewer.email, other_sessions_ended).await?;
    }
    tx.commit().await?;
    Ok(Json(PasswordChanged { other_sessions_ended }))
}

/// `POST /api/me/email`: needs the current password. The new address takes
/// effect when the link sent to it is followed; until then it is pending.
/// The answer is the same whether or not another account uses the address
/// (its holder gets a notice instead of a link).
pub async fn change_email(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientInfo,
    ApiJson(req): ApiJson<ChangeEmailRequest>,
) -> Result<Json<SessionUser>> {
    let errors = rules::change_email(&req);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    check_password(&state, &viewer, &client, &req.current_password, "current_password").await?;
    let new_email = req.new_email.trim();
    let now = clock::now();
    let mut tx = state.db.begin_write().await?;
    let confirmed_already = viewer.email_verified && accounts::key(&viewer.email) == accounts::key(new_email);
    let mut user = viewer.clone();
    if confirmed_already {
        // Asking for the address one has: nothing to confirm; drop any other pending change.
        sqlx::query("UPDATE users SET pending_email = NULL WHERE id = $1").bind(viewer.user_id).execute(&mut *tx).await?;
        user.pending_email = None;
    } else {
        email_verification::check_send_limit(&mut tx, viewer.user_id, now).await?;
        sqlx::query("UPDATE users SET pending_email = $1 WHERE id = $2")
            .bind(new_email)
            .bind(viewer.user_id)
            .execute(&mut *tx)
            .await?;
        email_verification::request(&mut tx, &state.config.site_url, viewer.user_id, new_email, now).await?;
        user.pending_email = Some(new_email.to_string());
    }
    tx.commit().await?;
    Ok(Json(user.to_wire()))
}

/// `POST /api/me/email/verification`: sends the confirmation link again (to
/// the pending address, else the member's unconfirmed one). Limited to a few
/// an hour.
pub async fn resend_verification(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientInfo,
) -> Result<Json<VerificationSent>> {
    let now = clock::now();
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::VERIFICATION_EMAILS, &client.ip, now).await?;
    let Some(address) = email_verification::awaiting(&mut tx, viewer.user_id).await? else {
        return Err(Error::request(
            StatusCode::CONFLICT,
            "nothing_to_confirm",
            "Your e-mail address is confirmed already; there is nothing waiting for a link.",
        ));
    };
    email_verification::check_send_limit(&mut tx, viewer.user_id, now).await?;
    email_verification::request(&mut tx, &state.config.site_url, viewer.user_id, &address, now).await?;
    tx.commit().await?;
    Ok(Json(VerificationSent { email: address }))
}

/// `POST /api/email/verify`: follows a confirmation link. No sign-in needed:
/// the token is the permission.
pub async fn verify_email(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<VerifyEmailRequest>,
) -> Result<Json<EmailVerified>> {
    let mut tx = state.db.begin_write().await?;
    // Guessed tokens count as much as real ones (committed either way below).
    rate_limit::count_request(&mut tx, &rate_limit::CONFIRMATION_LINKS, &client.ip, clock::now()).await?;
    let verified = email_verification::follow_link(&mut tx, req.token.trim(), clock::now()).await;
    // A refused link is used up too: commit its removal either way.
    tx.commit().await?;
    Ok(Json(verified?))
}

/// `GET /api/me/export`: everything held about the caller, as a download.
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Result<Response> {
    let data = account_data::export(state.db.read(), viewer.user_id, Some(viewer.session_id)).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| Error::Internal(e.into()))?;
    // Usernames are letters, digits and underscores, so the name needs no escaping.
    let disposition = format!("attachment; filename=\"curtain-export-{}.json\"", viewer.username);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| Error::Internal(e.into()))?,
    );
    Ok(response)
}

/// `DELETE /api/me`: the username typed out and the password; then the
/// account and every row that involves it are gone, and so are its sessions.
pub async fn delete_account(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientInfo,
    jar: CookieJar,
    ApiJson(req): ApiJson<DeleteAccountRequest>,
) -> Result<(StatusCode, CookieJar)> {
    let errors = rules::delete_account(&req, &viewer.username);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    check_password(&state, &viewer, &client, &req.password, "password").await?;
    if !account_data::delete_member(&state.db, viewer.user_id).await? {
        // Deleted by another request a moment ago: the member's wish is met.
        tracing::info!(user_id = viewer.user_id, "account was already deleted");
    }
    tracing::info!(user_id = viewer.user_id, "account deleted at the member's request");
    // The consent answer went with the account (its receipts are deleted):
    // this browser is asked again rather than keep a cookie nothing backs.
    let jar = jar.remove(axum_extra::extract::cookie::Cookie::build(curtain_api::CONSENT_COOKIE).path("/"));
    Ok((StatusCode::NO_CONTENT, session::clear_cookies(jar)))
}

/// `POST /api/reports/child-account`: stored for review. The answer is the
/// same whether or not the account exists. Limited per address
/// ([`rate_limit::CHILD_REPORTS`]).
pub async fn report_child_account(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<ChildReportRequest>,
) -> Result<(StatusCode, Json<ChildReportReceived>)> {
    let errors = rules::child_report(&req);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = clock::now();
    // Counted and filed in one write transaction, so a burst cannot pass the limit.
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::CHILD_REPORTS, &client.ip, now).await?;
    let id = child_reports::file(&mut tx, &req, &client.ip, now).await?;
    tx.commit().await?;
    tracing::info!(report_id = id, "child-account report received");
    Ok((StatusCode::ACCEPTED, Json(ChildReportReceived { received: true })))
}

/// `POST /api/privacy-requests`: anyone asks the people who run Curtain to
/// act on their information. Signed in, the request is tied to the account
/// (and goes with it). Limited per address ([`rate_limit::PRIVACY_REQUESTS`]).
pub async fn privacy_request(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    client: ClientInfo,
    ApiJson(req): ApiJson<PrivacyRequest>,
) -> Result<(StatusCode, Json<PrivacyRequestReceived>)> {
    let errors = rules::privacy_request(&req);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = clock::now();
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::PRIVACY_REQUESTS, &client.ip, now).await?;
    let (id, due) = privacy_requests::file(&mut tx, &req, viewer.map(|v| v.user_id), now).await?;
    tx.commit().await?;
    tracing::info!(request = id, "privacy request received");
    Ok((
        StatusCode::CREATED,
        Json(PrivacyRequestReceived { reference: privacy_requests::reference(id), due_date: due.to_string() }),
    ))
}
