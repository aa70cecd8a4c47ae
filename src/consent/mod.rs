//! The visitor's cookie consent, app-wide, shared through context.
//!
//! The rules (cookie format, validity, the GPC rule) live in
//! `curtain_api::consent`; this module keeps the answer in signals, writes the
//! cookie, sends the receipt, and keeps every open tab in step. The banner,
//! the dialog and the settings page only render it.

pub(crate) mod browser;
pub mod banner;
pub mod choices;
pub mod dialog;
pub mod page_views;
pub mod theme;

use std::cell::RefCell;

use curtain_api::consent::{
    self, category_descriptions, CategoryInfo, Choices, ConsentConfig, ConsentMethod, ConsentReceiptRequest,
    ConsentRecord, NoConsent, Theme, CONSENT_LIFETIME_SECONDS, THEME_COOKIE,
};
use curtain_api::CONSENT_COOKIE;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api;

/// The channel other tabs of the site listen on for a changed answer.
const CHANNEL: &str = "curtain-consent";

thread_local! {
    /// What had focus when the dialog opened, to give it back on close.
    static OPENER: RefCell<Option<web_sys::HtmlElement>> = const { RefCell::new(None) };
    static BROADCAST: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

/// What the server said of one value of the consent cookie: whether it
/// counts there (valid, and its latest receipt says the same).
#[derive(Clone, PartialEq)]
struct Verdict {
    /// The cookie as the request that got this verdict carried it.
    cookie: Option<String>,
    /// `None` when the server could not be asked (offline).
    confirmed: Option<bool>,
}

#[derive(Clone, Copy)]
pub struct Consent {
    config: RwSignal<Option<ConsentConfig>>,
    /// The answer that counts, if any.
    record: RwSignal<Option<ConsentRecord>>,
    /// Why there is none (decides what the banner says).
    missing: RwSignal<Option<NoConsent>>,
    /// The id of the last answer this browser gave, kept across changes.
    last_id: StoredValue<Option<String>>,
    /// The server holds the receipt for `record` (only then does it count a page view).
    confirmed: RwSignal<bool>,
    /// The server's word on the cookie it last saw. It outranks the cookie:
    /// an answer the server does not confirm counts as none, here too.
    verdict: StoredValue<Option<Verdict>>,
    /// The cookie a request for the server's word is carrying now.
    asking: StoredValue<Option<Option<String>>>,
    /// The cookie this tab wrote last; its receipt's answer is its verdict.
    written: StoredValue<Option<String>>,
    gpc_navigator: bool,
    cookies_blocked: RwSignal<bool>,
    dialog_open: RwSignal<bool>,
    theme: RwSignal<Theme>,
}

impl Consent {
    /// Creates the state, provides it, and starts: reads the cookie, asks the
    /// server for the current revision, listens to other tabs.
    pub fn provide() -> Self {
        let consent = Consent {
            config: RwSignal::new(None),
            record: RwSignal::new(None),
            missing: RwSignal::new(None),
            last_id: StoredValue::new(None),
            confirmed: RwSignal::new(false),
            verdict: StoredValue::new(None),
            asking: StoredValue::new(None),
            written: StoredValue::new(None),
            gpc_navigator: browser::gpc_signal(),
            cookies_blocked: RwSignal::new(!browser::cookies_work()),
            dialog_open: RwSignal::new(false),
            theme: RwSignal::new(Theme::System),
        };
        provide_context(consent);
        match crate::dom::boot_consent_config() {
            // The page came with the server's word on this very cookie: the
            // first render shows what the page already shows.
            Some(config) => {
                let sent = browser::read_cookie(CONSENT_COOKIE);
                consent.verdict.set_value(Some(Verdict { cookie: sent, confirmed: Some(config.cookie_confirmed) }));
                consent.config.set(Some(config));
            }
            // Asked first, so that reading the cookie knows the server's word is coming.
            None => consent.fetch_config(),
        }
        consent.reload_from_cookie();
        consent.listen_to_other_tabs();
        consent
    }

    /// Asks the server for the configuration and for its word on the
    /// cookie as it is now.
    fn fetch_config(self) {
        // The cookie this request carries: the server's verdict is about this
        // value only, not about an answer given while it travels.
        let sent = browser::read_cookie(CONSENT_COOKIE);
        self.asking.set_value(Some(sent.clone()));
        spawn_local(async move {
            let answer = api::consent::config().await;
            if self.asking.with_value(|a| a.as_ref() == Some(&sent)) {
                self.asking.set_value(None);
            }
            match answer {
                Ok(config) => {
                    self.verdict.set_value(Some(Verdict { cookie: sent, confirmed: Some(config.cookie_confirmed) }));
                    self.config.set(Some(config));
                }
                // Offline: the answer in the cookie is judged on every rule
                // but the revision and the receipt, hides the banner, grants
                // nothing the server would have to honour, and is judged
                // again on the next load.
                Err(_) => self.verdict.set_value(Some(Verdict { cookie: sent, confirmed: None })),
            }
            self.reload_from_cookie();
        });
    }

    /// Re-reads `curtain_consent` and decides whether it counts. Run at start,
    /// when the configuration arrives, and whenever another tab may have
    /// changed it.
    pub fn reload_from_cookie(self) {
        if self.cookies_blocked.get_untracked() {
            return;
        }
        let raw = browser::read_cookie(CONSENT_COOKIE);
        let gpc = self.gpc_untracked();
        // What the server said of this very value, if it was asked.
        let verdict = self.verdict.with_value(|v| v.as_ref().filter(|v| v.cookie == raw).map(|v| v.confirmed));
        let ours = raw.is_some() && self.written.with_value(|w| *w == raw);
        let decoded = ConsentRecord::decode(raw.as_deref().unwrap_or(""));
        let result = decoded.clone().and_then(|record| {
            // Without the configuration, the revision cannot be judged: trust
            // the rest of the rules until the server answers.
            let revision = self.config.with_untracked(|c| c.as_ref().map(|c| c.revision)).unwrap_or(record.revision);
            record.check(browser::now(), revision, gpc).map(|()| record)
        });
        let result = match result {
            // Valid here but not on the server (no receipt says the same): ask
            // again, as if there were no cookie.
            Ok(_) if verdict == Some(Some(false)) => Err(NoConsent::Unconfirmed),
            other => other,
        };
        if let Ok(record) = &decoded {
            if result == Err(NoConsent::Unconfirmed) {
                // Nobody answered under that id here: the next answer gets a
                // fresh one rather than adopt an id from a hand-made cookie.
                if self.last_id.with_value(|id| id.as_ref() == Some(&record.id)) {
                    self.last_id.set_value(None);
                }
            } else {
                self.last_id.set_value(Some(record.id.clone()));
            }
        }
        let (record, missing) = match result {
            Ok(record) => (Some(record), None),
            Err(why) => (None, Some(why)),
        };
        // Page views and "keep me signed in" wait for the server's word.
        let confirmed = record.is_some() && verdict == Some(Some(true));
        // A valid cookie the server was never asked about came from another
        // tab (which told us once its receipt was stored) or from someone's
        // hands: it hides the banner meanwhile, but only the server decides.
        // This tab's own answer gets its word from the receipt instead.
        if record.is_some() && verdict.is_none() && !ours && self.asking.with_value(|a| a.as_ref() != Some(&raw)) {
            self.fetch_config();
        }
        if self.record.with_untracked(|r| r != &record) {
            self.record.set(record);
        }
        if self.confirmed.get_untracked() != confirmed {
            self.confirmed.set(confirmed);
        }
        if self.missing.get_untracked() != missing {
            self.missing.set(missing);
        }
        self.apply_preferences();
    }

    /// The theme cookie exists only with preferences consent: read it if
    /// allowed, remove it otherwise.
    fn apply_preferences(self) {
        let theme = if self.preferences_granted_untracked() {
            browser::read_cookie(THEME_COOKIE).map(|t| Theme::parse(&t)).unwrap_or_default()
        } else {
            if browser::read_cookie(THEME_COOKIE).is_some() {
                browser::delete_cookie(THEME_COOKIE);
            }
            // Keep a choice made on this page for this page, but store nothing.
            self.theme.get_untracked()
        };
        if self.theme.get_untracked() != theme {
            self.theme.set(theme);
        }
        browser::apply_theme(theme);
    }

    fn listen_to_other_tabs(self) {
        if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
            let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| self.reload_from_cookie());
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            // Lives as long as the page.
            on_message.forget();
            BROADCAST.with(|b| *b.borrow_mut() = Some(channel));
        }
        // Belt and braces: browsers without BroadcastChannel, or a tab that
        // slept through the message, re-read the cookie when they come back.
        let on_return = Closure::<dyn Fn(web_sys::Event)>::new(move |_| self.reload_from_cookie());
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback("focus", on_return.as_ref().unchecked_ref());
            if let Some(doc) = window.document() {
                let _ = doc.add_event_listener_with_callback("visibilitychange", on_return.as_ref().unchecked_ref());
            }
        }
        on_return.forget();
    }

    fn tell_other_tabs(&self) {
        BROADCAST.with(|b| {
            if let Some(channel) = b.borrow().as_ref() {
                let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
            }
        });
    }

    /// Stores an answer: the cookie now (it takes effect at once), the
    /// receipt on the server, and a word to the other tabs.
    /// Stores an answer; `false` when the browser would not keep the cookie
    /// (then cookies are blocked, and nothing was stored or sent).
    pub fn answer(self, choices: Choices, method: ConsentMethod) -> bool {
        let gpc = self.gpc_untracked();
        let id = self
            .last_id
            .get_value()
            .filter(|id| consent::is_uuid(id))
            .unwrap_or_else(browser::new_consent_id);
        let revision = self.config.with_untracked(|c| c.as_ref().map(|c| c.revision)).unwrap_or(1);
        let record = ConsentRecord { id: id.clone(), revision, choices, given_at: browser::now(), gpc };
        let encoded = record.encode();
        browser::write_cookie(CONSENT_COOKIE, &encoded, CONSENT_LIFETIME_SECONDS);
        if browser::read_cookie(CONSENT_COOKIE).as_deref() != Some(encoded.as_str()) {
            // The browser dropped it: say cookies are off rather than ask forever.
            self.cookies_blocked.set(true);
            return false;
        }
        self.last_id.set_value(Some(id.clone()));
        self.written.set_value(Some(encoded.clone()));
        self.confirmed.set(false);
        self.record.set(Some(record));
        self.missing.set(None);
        self.apply_preferences();
        let receipt = ConsentReceiptRequest {
            consent_id: id,
            revision,
            categories: choices.categories(),
            gpc,
            method,
            language: crate::lang::page_lang().tag().to_string(),
        };
        spawn_local(async move {
            let result = api::consent::record(&receipt).await;
            // Only now: a tab told earlier would ask the server before it
            // holds the receipt, and be told the answer does not count.
            self.tell_other_tabs();
            match result {
                Ok(_) => {
                    // The server now holds what the cookie says: its word on it.
                    self.verdict.set_value(Some(Verdict { cookie: Some(encoded), confirmed: Some(true) }));
                    self.reload_from_cookie();
                }
                // The revision changed while the page was open: fetch it, and
                // the banner comes back saying what changed.
                Err(api::ApiError::Http { status: 409, .. }) => self.fetch_config(),
                Err(error) => leptos::logging::warn!("consent receipt not stored: {error:?}"),
            }
        });
        true
    }

    /// "Accept all": everything, except analytics under Global Privacy Control.
    pub fn accept_all(self) -> bool {
        self.answer(consent::accept_all(self.gpc_untracked()), ConsentMethod::AcceptAll)
    }

    pub fn reject_all(self) -> bool {
        self.answer(consent::reject_all(), ConsentMethod::RejectAll)
    }

    /// The theme for this page; stored only with preferences consent.
    pub fn set_theme(self, theme: Theme) {
        self.theme.set(theme);
        browser::apply_theme(theme);
        if self.preferences_granted_untracked() {
            match theme {
                Theme::System => browser::delete_cookie(THEME_COOKIE),
                other => browser::write_cookie(THEME_COOKIE, other.as_str(), CONSENT_LIFETIME_SECONDS),
            }
        }
    }

    pub fn theme(&self) -> Theme {
        self.theme.get()
    }

    /// Opens the preferences dialog; focus returns to what had it on close.
    pub fn open_dialog(self) {
        let active = leptos::prelude::document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        OPENER.with(|o| *o.borrow_mut() = active);
        self.dialog_open.set(true);
    }

    pub fn close_dialog(self) {
        self.dialog_open.set(false);
    }

    pub fn dialog_open(&self) -> bool {
        self.dialog_open.get()
    }

    /// Gives focus back to what opened the dialog, or to the page when that is gone
    /// (the banner's "Choose" disappears once an answer is saved).
    fn restore_focus() {
        let opener = OPENER.with(|o| o.borrow_mut().take());
        match opener.filter(|e| e.is_connected()) {
            Some(element) => {
                let _ = element.focus();
            }
            None => crate::dom::focus_main(),
        }
    }

    pub fn record(&self) -> Option<ConsentRecord> {
        self.record.get()
    }

    pub fn choices(&self) -> Choices {
        self.record.with(|r| r.as_ref().map(|r| r.choices).unwrap_or_default())
    }

    pub fn answered(&self) -> bool {
        self.record.with(Option::is_some)
    }

    pub fn preferences_granted(&self) -> bool {
        self.record.with(|r| r.as_ref().is_some_and(|r| r.choices.preferences))
    }

    fn preferences_granted_untracked(&self) -> bool {
        self.record.with_untracked(|r| r.as_ref().is_some_and(|r| r.choices.preferences))
    }

    /// Page views may be sent: analytics granted and the server holds the receipt.
    pub fn analytics_active(&self) -> bool {
        self.confirmed.get() && self.record.with(|r| consent::allows_analytics(r.as_ref()))
    }

    /// The server holds the receipt of the answer that counts.
    pub fn receipt_stored(&self) -> bool {
        self.confirmed.get()
    }

    /// Global Privacy Control, from the page or from the server's view of the request.
    pub fn gpc(&self) -> bool {
        self.gpc_navigator || self.config.with(|c| c.as_ref().is_some_and(|c| c.gpc))
    }

    fn gpc_untracked(&self) -> bool {
        self.gpc_navigator || self.config.with_untracked(|c| c.as_ref().is_some_and(|c| c.gpc))
    }

    pub fn cookies_blocked(&self) -> bool {
        self.cookies_blocked.get()
    }

    /// The consent revision an answer is given to (1 until the server has said).
    pub fn revision(&self) -> u32 {
        self.config.with(|c| c.as_ref().map_or(1, |c| c.revision))
    }

    /// What changed in the current revision, when the visitor's answer was to an older one.
    pub fn changes_since_last_answer(&self) -> Option<String> {
        (self.missing.get() == Some(NoConsent::OldRevision))
            .then(|| self.config.with(|c| c.as_ref().map(|c| c.changes.clone())))
            .flatten()
    }

    /// The categories as the server describes them (or the built-in words offline).
    pub fn categories(&self) -> Vec<CategoryInfo> {
        self.config.with(|c| c.as_ref().map(|c| c.categories.clone())).unwrap_or_else(category_descriptions)
    }

    /// The banner shows when the browser keeps cookies and there is no answer
    /// that counts (valid, and confirmed by the server once it has said).
    pub fn banner_visible(&self) -> bool {
        !self.cookies_blocked() && !self.answered()
    }
}

pub fn use_consent() -> Consent {
    expect_context::<Consent>()
}
