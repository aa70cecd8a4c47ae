//! Cookie consent: the configuration the banner shows, receipts of answers,
//! a member's receipts, and first-party page views.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use curtain_api::consent::{
    category_descriptions, is_uuid, page_view_path, receipt_matches_method, Choices, ConsentConfig, ConsentReceipt,
    ConsentReceiptRequest, PageView,
};

use super::ApiJson;
use crate::consent::{self, gpc_header, NewReceipt, RequestConsent};
use crate::error::{Error, Result};
use crate::session::{self, ClientInfo, MaybeViewer, Viewer};
use crate::{clock, rate_limit, AppState};

/// `GET /api/consent/config`: the current revision and what changed in it,
/// the categories in plain words, whether this request carried `Sec-GPC: 1`,
/// and whether its consent cookie counts here (so the page asks again when
/// it does not, rather than hide the banner behind an answer we ignore).
pub async fn config(
    State(state): State<AppState>,
    headers: HeaderMap,
    RequestConsent(trusted): RequestConsent,
) -> Result<Json<ConsentConfig>> {
    let current = consent::current_revision(state.db.read()).await?;
    Ok(Json(ConsentConfig {
        revision: current.revision,
        revised_on: current.effective_on,
        changes: current.summary,
        categories: category_descriptions(),
        gpc: gpc_header(&headers),
        cookie_confirmed: trusted.is_some(),
    }))
}

/// `POST /api/consent`: stores a receipt of an answer, tied to the member when
/// signed in. Withdrawing preferences also ends "keep me signed in" at once:
/// the session cookie becomes a browser-session cookie again. Limited per
/// address ([`rate_limit::CONSENT_ANSWERS`]).
pub async fn record(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    client: ClientInfo,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<ConsentReceiptRequest>,
) -> Result<(StatusCode, CookieJar, Json<ConsentReceipt>)> {
    if !is_uuid(&req.consent_id) {
        return Err(Error::invalid_field("consent_id", "The consent id must be a lowercase UUID."));
    }
    // The signal counts whether the page reported it or the browser sent it.
    let gpc = req.gpc || gpc_header(&headers);
    let choices = Choices::from_categories(&req.categories);
    if let Err(message) = receipt_matches_method(req.method, choices, gpc) {
        return Err(Error::invalid_field("categories", message));
    }
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::CONSENT_ANSWERS, &client.ip, clock::now()).await?;
    // Checked in the transaction, so a revision started meanwhile is seen.
    let current = consent::current_revision(&mut *tx).await?;
    if req.revision != current.revision {
        return Err(Error::request(
            StatusCode::CONFLICT,
            "stale_revision",
            "Our cookie information changed while this page was open. Reload the page to see what changed, then answer again.",
        ));
    }
    let receipt = consent::record_receipt(
        &mut tx,
        NewReceipt {
            consent_id: &req.consent_id,
            revision: req.revision,
            choices,
            gpc,
            method: req.method,
            user_id: viewer.as_ref().map(|v| v.user_id),
        },
    )
    .await?;
    let forget = viewer.filter(|v| v.persistent && !choices.preferences);
    if let Some(viewer) = &forget {
        session::forget_on_close(&mut tx, viewer.session_id).await?;
    }
    tx.commit().await?;
    let jar = match forget {
        Some(viewer) => viewer.browser_session_cookies(jar, state.config.secure_cookies),
        None => jar,
    };
    Ok((StatusCode::CREATED, jar, Json(receipt)))
}

/// `GET /api/me/consents`: the caller's receipts, newest first.
pub async fn mine(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Vec<ConsentReceipt>>> {
    Ok(Json(consent::receipts_of(state.db.read(), viewer.user_id).await?))
}

/// `POST /api/analytics/pageview`: counted only when the request's consent
/// (cookie and receipt) grants analytics. The answer is 204 either way, so
/// the response says nothing about what was counted. Views that are counted
/// are limited per address ([`rate_limit::PAGE_VIEWS`]); the others write
/// nothing, so they need no limit.
pub async fn page_view(
    State(state): State<AppState>,
    RequestConsent(consent): RequestConsent,
    client: ClientInfo,
    ApiJson(view): ApiJson<PageView>,
) -> Result<StatusCode> {
    if curtain_api::consent::allows_analytics(consent.as_ref()) {
        if let Some(path) = page_view_path(&view.path) {
            let mut tx = state.db.begin_write().await?;
            rate_limit::count_request(&mut tx, &rate_limit::PAGE_VIEWS, &client.ip, clock::now()).await?;
            consent::count_page_view(&mut tx, &path).await?;
            tx.commit().await?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
