//! Sign-up, sign-in, sign-out and the current session.

use crate::db::Flag;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use curtain_api::validate::{self, AgeGate};
use curtain_api::{SessionUser, SigninRequest, SignupRequest};

use super::ApiJson;
use crate::accounts::{self, NewAccount};
use crate::consent::{self, RequestConsent};
use crate::error::{Error, Result};
use crate::session::{self, ClientInfo, MaybeViewer, Viewer};
use crate::{clock, email_verification, rate_limit, AppState};

/// `POST /api/auth/signup`: creates the account and signs it in.
pub async fn signup(
    State(state): State<AppState>,
    MaybeViewer(current): MaybeViewer,
    RequestConsent(consent): RequestConsent,
    client: ClientInfo,
    jar: CookieJar,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, CookieJar, Json<SessionUser>)> {
    let today = clock::today();
    // The age gate comes first: a child is told at once, and nothing they
    // typed is written anywhere, not even in a log.
    let birth = validate::birth_date(&req.birth_date, today).ok();
    let gate = birth.map(|b| validate::age_gate(b, today));
    if gate == Some(AgeGate::Underage) {
        return Err(Error::Underage);
    }
    let errors = validate::signup(&req, today);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    // The page's language, kept as the member's (an older app sends none).
    let language = match req.language.as_deref() {
        None => None,
        Some(tag) => Some(super::account::known_language(tag)?),
    };
    let now = clock::now();
    // People agree to the version they were shown; if a newer one took
    // effect meanwhile, they are asked to read it first.
    let accepted_policy = super::policy::check_signup_version(&state, req.accepted_policy_version, now).await?;
    // Hashing is slow: it happens before the write transaction, never inside it.
    let password_hash = state.passwords.hash(req.password.clone()).await?;
    // The account, its acceptance of the policy, its first session and the
    // consent answers it gave before signing up: all or nothing.
    let mut tx = state.db.begin_write().await?;
    let user_id = accounts::create(
        &mut tx,
        NewAccount {
            username: req.username.trim(),
            email: &req.email,
            password_hash: &password_hash,
            birth_date: req.birth_date.trim(),
            minor: gate == Some(AgeGate::Minor),
            accepted_policy_version: req.accepted_policy_version,
            created_at: now,
            language,
        },
    )
    .await?;
    crate::policy::store::record_acceptance(&mut tx, user_id, accepted_policy, crate::policy::store::AcceptedBy::Signup, now)
        .await?;
    if let Some(old) = current {
        session::end(&mut tx, old.session_id).await?;
    }
    let new_session = session::start(&mut tx, user_id, false, &client).await?;
    consent::claim_receipts(&mut tx, user_id, consent.as_ref()).await?;
    // A link to the address, or a notice to whoever holds it: the answer
    // below is the same either way.
    email_verification::request(&mut tx, &state.config.site_url, user_id, req.email.trim(), now).await?;
    tx.commit().await?;
    let jar = new_session.cookies(jar, state.config.secure_cookies);
    let user = SessionUser {
        username: req.username.trim().to_string(),
        email: req.email.trim().to_string(),
        email_verified: false,
        pending_email: None,
        minor: gate == Some(AgeGate::Minor),
        remembered: false,
        joined_at: clock::rfc3339(now),
        follow_requests: 0,
        language: language.map(|lang| lang.tag().to_string()),
    };
    Ok((StatusCode::CREATED, jar, Json(user)))
}

/// `POST /api/auth/signin`: rate-limited; one answer for a wrong password and
/// an unknown account.
pub async fn signin(
    State(state): State<AppState>,
    MaybeViewer(current): MaybeViewer,
    RequestConsent(consent): RequestConsent,
    client: ClientInfo,
    jar: CookieJar,
    ApiJson(req): ApiJson<SigninRequest>,
) -> Result<(CookieJar, Json<SessionUser>)> {
    let account_key = accounts::key(&req.login);
    if account_key.is_empty() || req.password.is_empty() {
        let mut fields = curtain_api::FieldErrors::new();
        if account_key.is_empty() {
            fields.insert("login".into(), vec!["Enter your username or e-mail address.".into()]);
        }
        if req.password.is_empty() {
            fields.insert("password".into(), vec!["Enter your password.".into()]);
        }
        return Err(Error::Invalid(fields));
    }
    let now = clock::now();
    // Failures count against the account, whichever spelling names it.
    let account_key = rate_limit::signin_key(state.db.read(), &account_key).await?;
    // Refused at once when already over a limit: no hashing, no write.
    rate_limit::check(&mut *state.db.read().acquire().await?, &account_key, &client.ip, now).await?;
    let found = if req.password.chars().count() > validate::PASSWORD_MAX {
        None
    } else {
        accounts::find_for_signin(state.db.read(), &account_key).await?
    };
    let (user_id, stored) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    // The slot first: a request told "busy" has not counted as an attempt.
    let slot = state.passwords.slot().await?;
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_attempt(&mut tx, &account_key, &client.ip, now).await?;
    tx.commit().await?;
    let ok = slot.verify(req.password.clone(), stored).await?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        return Err(Error::BadCredentials);
    };

    let persistent = session::is_persistent(req.remember, consent.as_ref());
    let mut tx = state.db.begin_write().await?;
    // Read in the transaction: the account may have been deleted meanwhile.
    let account: Option<(String, String, Flag, Option<String>, Flag, i64, Option<String>)> = sqlx::query_as(
        "SELECT username, email, email_verified_at IS NOT NULL, pending_email, minor, created_at, language FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((username, email, Flag(verified), pending, Flag(minor), created_at, language)) = account else {
        return Err(Error::BadCredentials);
    };
    let (email, email_verified, pending_email) = accounts::address_view(&email, verified, pending.as_deref());
    rate_limit::clear_account(&mut tx, &account_key).await?;
    if let Some(old) = current {
        session::end(&mut tx, old.session_id).await?;
    }
    let new_session = session::start(&mut tx, user_id, persistent, &client).await?;
    consent::claim_receipts(&mut tx, user_id, consent.as_ref()).await?;
    tx.commit().await?;
    let jar = new_session.cookies(jar, state.config.secure_cookies);
    Ok((
        jar,
        Json(SessionUser {
            username,
            email,
            email_verified,
            pending_email,
            minor,
            remembered: persistent,
            joined_at: clock::rfc3339(created_at),
            follow_requests: crate::profiles::pending_request_count(state.db.read(), user_id).await?,
            language: language.as_deref().and_then(curtain_ui::Lang::from_tag).map(|lang| lang.tag().to_string()),
        }),
    ))
}

/// `POST /api/auth/signout`: ends the server session and clears the cookies.
/// Signing out when already signed out is not an error.
pub async fn signout(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar)> {
    if let Some(viewer) = viewer {
        let mut tx = state.db.begin_write().await?;
        session::end(&mut tx, viewer.session_id).await?;
        tx.commit().await?;
    }
    Ok((StatusCode::NO_CONTENT, session::clear_cookies(jar)))
}

/// `GET /api/session`: the signed-in member (with how many follow requests
/// wait for them), or 401. Re-issues the CSRF cookie in case the browser lost
/// it.
pub async fn session(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
) -> Result<(CookieJar, Json<SessionUser>)> {
    let jar = jar.add(session::csrf_cookie(viewer.csrf_token(), viewer.persistent, state.config.secure_cookies));
    let mut user = viewer.to_wire();
    user.follow_requests = crate::profiles::pending_request_count(state.db.read(), viewer.user_id).await?;
    Ok((jar, Json(user)))
}
