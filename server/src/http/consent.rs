//! Cookie consent: the configuration the banner shows, receipts of answers,
//! a member's receipts, and first-party page views.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use curtain_api::consent::{
    category_descriptions, is_uuid, page_view_path, receipt_matches_method, Choices, ConsentConfig, ConsentMethod,
    ConsentReceipt, ConsentReceiptRequest, ConsentRecord, PageView,
};
use curtain_api::CONSENT_COOKIE;
use curtain_ui::banner::CHOOSE_QUERY;
use serde::Deserialize;

use super::{cross_site, ApiJson};
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
    // Serde fills in English when the JSON has no `language`.
    let language = consent::answer_language(Some(&req.language)).map_err(invalid_language)?;
    let (receipt, jar) = store_answer(
        &state,
        viewer,
        &client,
        jar,
        NewReceipt {
            consent_id: &req.consent_id,
            revision: req.revision,
            choices,
            gpc,
            method: req.method,
            user_id: None,
            language,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, jar, Json(receipt)))
}

/// 400 `invalid_language`, the message on the `language` field.
pub(super) fn invalid_language(message: String) -> Error {
    let mut fields = curtain_api::FieldErrors::new();
    fields.insert("language".to_string(), vec![message]);
    Error::RequestWithFields {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_language",
        message: "That is not a language Curtain speaks.".to_string(),
        fields,
    }
}

/// Stores an answer's receipt (tied to `viewer` when signed in), once its
/// revision is checked against the current one in the same transaction, and
/// ends "keep me signed in" when the answer withdraws preferences: the
/// session cookies in `jar` become browser-session cookies again. The API and
/// the banner's form both answer through here.
pub(crate) async fn store_answer(
    state: &AppState,
    viewer: Option<Viewer>,
    client: &ClientInfo,
    jar: CookieJar,
    answer: NewReceipt<'_>,
) -> Result<(ConsentReceipt, CookieJar)> {
    let mut tx = state.db.begin_write().await?;
    rate_limit::count_request(&mut tx, &rate_limit::CONSENT_ANSWERS, &client.ip, clock::now()).await?;
    // Checked in the transaction, so a revision started meanwhile is seen.
    let current = consent::current_revision(&mut *tx).await?;
    if answer.revision != current.revision {
        return Err(Error::request(
            StatusCode::CONFLICT,
            "stale_revision",
            "Our cookie information changed while this page was open. Reload the page to see what changed, then answer again.",
        ));
    }
    let preferences = answer.choices.preferences;
    let receipt =
        consent::record_receipt(&mut tx, NewReceipt { user_id: viewer.as_ref().map(|v| v.user_id), ..answer }).await?;
    let forget = viewer.filter(|v| v.persistent && !preferences);
    if let Some(viewer) = &forget {
        session::forget_on_close(&mut tx, viewer.session_id).await?;
    }
    tx.commit().await?;
    let jar = match forget {
        Some(viewer) => viewer.browser_session_cookies(jar, state.config.secure_cookies),
        None => jar,
    };
    Ok((receipt, jar))
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

/// The banner's form, as `POST /consent` reads it (see `curtain_ui::banner::fields`).
#[derive(Debug, Deserialize)]
pub struct BannerForm {
    answer: String,
    revision: Option<String>,
    return_to: Option<String>,
    csrf: Option<String>,
    preferences: Option<String>,
    analytics: Option<String>,
    /// The banner's language (`curtain_ui::banner::fields::LANGUAGE`).
    language: Option<String>,
}

/// `POST /consent`: the consent banner's answer without JavaScript. Sets
/// `curtain_consent` and stores the receipt exactly as the app does (through
/// [`store_answer`]), then `303` back to the page it came from. "Choose" goes
/// back with the switches shown. An answer to a revision that is no longer
/// current stores nothing: the page comes back with the banner saying what
/// changed. Another site's form is refused, and so is a signed-in visitor's
/// form without their CSRF token.
pub async fn form(
    State(state): State<AppState>,
    client: ClientInfo,
    proxied: Option<axum::Extension<crate::proxy::Client>>,
    uri: Uri,
    headers: HeaderMap,
    jar: CookieJar,
    form: std::result::Result<Form<BannerForm>, FormRejection>,
) -> Response {
    let https = proxied.map_or(state.config.secure_cookies, |c| c.https);
    if !cross_site::from_this_site(&headers, uri.authority().map(|a| a.as_str()), https) {
        return refusal(StatusCode::FORBIDDEN, "This answer came from another site's page, so nothing was stored. Answer on Curtain's own pages.");
    }
    let Ok(Form(form)) = form else {
        return refusal(StatusCode::BAD_REQUEST, "The answer could not be read. Go back to the page and choose again.");
    };
    // What it says, it says in the page's language: the banner's, else the
    // language of the page it goes back to, else the browser's.
    let lang = form
        .language
        .as_deref()
        .and_then(curtain_ui::Lang::from_tag)
        .or_else(|| form.return_to.as_deref().and_then(|to| curtain_ui::Lang::split_path(to)).map(|(lang, _)| lang))
        .unwrap_or_else(crate::i18n::request_lang);
    crate::i18n::scope(lang, async move {
        match answer_by_form(&state, &client, https, &headers, jar, form).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        }
    })
    .await
}

async fn answer_by_form(
    state: &AppState,
    client: &ClientInfo,
    https: bool,
    headers: &HeaderMap,
    jar: CookieJar,
    form: BannerForm,
) -> Result<Response> {
    let back = local_path(form.return_to.as_deref());
    let viewer = session::viewer_of(state, &jar).await?;
    if let Some(viewer) = &viewer {
        if !form.csrf.as_deref().is_some_and(|token| session::csrf_matches(viewer, token)) {
            return Ok(refusal(
                StatusCode::FORBIDDEN,
                "This page was opened before you signed in, so your answer was not stored. Reload the page and answer again.",
            ));
        }
    }
    let Ok(language) = consent::answer_language(form.language.as_deref()) else {
        return Ok(refusal(
            StatusCode::BAD_REQUEST,
            "The page's language could not be read, so nothing was stored. Go back to the page and choose again.",
        ));
    };
    let gpc = gpc_header(headers);
    let (choices, method) = match form.answer.as_str() {
        "accept_all" => (curtain_api::consent::accept_all(gpc), ConsentMethod::AcceptAll),
        "reject_all" => (curtain_api::consent::reject_all(), ConsentMethod::RejectAll),
        "custom" => (
            Choices { preferences: form.preferences.is_some(), analytics: form.analytics.is_some() },
            ConsentMethod::Custom,
        ),
        "choose" => return Ok(see_other(&with_query(&back, CHOOSE_QUERY, "consent-banner"))),
        _ => {
            return Ok(refusal(
                StatusCode::BAD_REQUEST,
                "That is not one of the banner's answers. Go back to the page and choose again.",
            ))
        }
    };
    let current = consent::current_revision(state.db.read()).await?;
    let revision = form.revision.as_deref().and_then(|r| r.trim().parse::<u32>().ok());
    if revision != Some(current.revision) {
        // Shown for an older revision: the page says what changed and asks again.
        return Ok(see_other(&back));
    }
    // The same id as the answer before, so its receipts stay one history.
    let consent_id = jar
        .get(CONSENT_COOKIE)
        .and_then(|c| ConsentRecord::decode(c.value()).ok())
        .map_or_else(new_consent_id, |record| record.id);
    let answer =
        NewReceipt { consent_id: &consent_id, revision: current.revision, choices, gpc, method, user_id: None, language };
    let jar = match store_answer(state, viewer, client, jar, answer).await {
        Ok((_, jar)) => jar,
        // A revision started since the check above: ask again.
        Err(Error::Request { status: StatusCode::CONFLICT, .. }) => return Ok(see_other(&back)),
        Err(error) => return Err(error),
    };
    let record = ConsentRecord { id: consent_id, revision: current.revision, choices, given_at: clock::now(), gpc };
    let cookie = Cookie::build((CONSENT_COOKIE, record.encode()))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(https)
        .max_age(time::Duration::seconds(curtain_api::consent::CONSENT_LIFETIME_SECONDS))
        .build();
    Ok((jar.add(cookie), see_other(&back)).into_response())
}

/// A random lowercase UUID (version 4) for a first answer.
fn new_consent_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    curtain_api::consent::uuid_v4(bytes)
}

/// `return_to` when it is a path on this site, else the home page. Never
/// another origin (`//host`, `/\host`, a scheme), so the form cannot be used
/// to send someone elsewhere. The "choose" step's own query is dropped.
fn local_path(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("/").trim();
    let safe = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= 2048
        && raw.chars().all(|c| c.is_ascii_graphic());
    if !safe {
        return "/".to_string();
    }
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let path = path.split('#').next().unwrap_or("/");
    let query: Vec<&str> = query.split('#').next().unwrap_or("").split('&').filter(|p| !p.is_empty() && *p != CHOOSE_QUERY).collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// `path` with one more query parameter and a fragment.
fn with_query(path: &str, param: &str, fragment: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{param}#{fragment}")
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response()
}

/// A refused form, in words: the visitor sees this page, not the app.
/// A plain-text refusal, in the request's language.
fn refusal(status: StatusCode, message: &str) -> Response {
    let message = crate::i18n::translate(crate::i18n::request_lang(), message);
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_returns_only_to_this_sites_pages() {
        assert_eq!(local_path(Some("/privacy")), "/privacy");
        assert_eq!(local_path(Some("/u/ana?tab=history#top")), "/u/ana?tab=history");
        assert_eq!(local_path(Some("/privacy?consent=choose")), "/privacy");
        assert_eq!(local_path(Some("/search?q=a&consent=choose")), "/search?q=a");
        for elsewhere in ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "", "/a b"] {
            assert_eq!(local_path(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn choose_comes_back_with_the_switches() {
        assert_eq!(with_query("/privacy", CHOOSE_QUERY, "consent-banner"), "/privacy?consent=choose#consent-banner");
        assert_eq!(with_query("/search?q=a", CHOOSE_QUERY, "consent-banner"), "/search?q=a&consent=choose#consent-banner");
    }
}
