//! Cookie consent without a user interface: the categories, the
//! `curtain_consent` cookie's format, the rules that decide whether a stored
//! answer still counts, the Global Privacy Control rule, and the decisions that
//! depend on consent (a persistent sign-in, counting a page view).
//!
//! The SPA and the server both use this module, so they can never disagree on
//! what a cookie means.
//!
//! # Cookie format
//!
//! `v1.<consent id>.<revision>.<categories>.<given at>.<gpc>`, for example
//! `v1.0b6f5c1e-8a0d-4c1e-9f3a-2d7b1c4e5f60.2.npa.1764403200.0`:
//!
//! - `v1`: the format version, so a later format can be told apart;
//! - the consent id: a lowercase UUID (version 4), the same in every receipt;
//! - the consent revision the answer was given to;
//! - the granted categories: `n` (necessary, always), then `p` (preferences)
//!   and `a` (analytics) when granted, in that order;
//! - when the answer was given, in Unix seconds;
//! - `1` if Global Privacy Control was on when the answer was given, else `0`.
//!
//! Every character is cookie-safe (no spaces, commas, semicolons or quotes),
//! so the value needs no escaping.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How long an answer counts: 182 days (about six months), also the cookie's Max-Age.
pub const CONSENT_LIFETIME_SECONDS: i64 = 182 * 24 * 3600;
/// A timestamp this far ahead of the reader's clock is still accepted (clocks
/// differ between a browser and the server); further ahead it is tampered.
pub const CLOCK_SKEW_SECONDS: i64 = 24 * 3600;
/// The first field of every cookie in the current format.
pub const FORMAT_VERSION: &str = "v1";
/// The cookie that stores the theme choice; it exists only with preferences consent.
pub const THEME_COOKIE: &str = "curtain_theme";
/// Longer values are not ours; they are refused before any parsing.
const MAX_COOKIE_LEN: usize = 120;

/// A group of cookies (and the features behind them) that a visitor allows or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The session, the CSRF token and the consent record itself: always on.
    Necessary,
    /// "Remember me" and the theme.
    Preferences,
    /// First-party page-view counts.
    Analytics,
}

impl Category {
    /// Every category, in the order people see them.
    pub const ALL: [Category; 3] = [Category::Necessary, Category::Preferences, Category::Analytics];

    /// The name on the wire and in `id`s.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Preferences => "preferences",
            Category::Analytics => "analytics",
        }
    }
}

/// The optional categories a visitor granted. Necessary is always on and has no flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct Choices {
    pub preferences: bool,
    pub analytics: bool,
}

impl Choices {
    /// Nothing optional: what "Reject all" gives, and what holds before any answer.
    pub const NONE: Choices = Choices { preferences: false, analytics: false };

    /// Whether `category` is granted; necessary always is.
    pub fn grants(self, category: Category) -> bool {
        match category {
            Category::Necessary => true,
            Category::Preferences => self.preferences,
            Category::Analytics => self.analytics,
        }
    }

    /// The granted categories, necessary first, as `POST /api/consent` carries them.
    pub fn categories(self) -> Vec<Category> {
        Category::ALL.into_iter().filter(|c| self.grants(*c)).collect()
    }

    /// From a list of granted categories (necessary is implied either way).
    pub fn from_categories(categories: &[Category]) -> Choices {
        Choices {
            preferences: categories.contains(&Category::Preferences),
            analytics: categories.contains(&Category::Analytics),
        }
    }
}

/// What "Accept all" grants. With Global Privacy Control on, analytics stays
/// off: the signal is an answer the person already gave, and only turning
/// analytics on explicitly in the dialog overrides it.
pub fn accept_all(gpc: bool) -> Choices {
    Choices { preferences: true, analytics: !gpc }
}

/// What "Reject all" grants: nothing optional.
pub fn reject_all() -> Choices {
    Choices::NONE
}

/// How an answer was given, as a receipt records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    AcceptAll,
    RejectAll,
    /// Switches set one by one in the dialog or on the settings page.
    Custom,
}

impl ConsentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::AcceptAll => "accept_all",
            ConsentMethod::RejectAll => "reject_all",
            ConsentMethod::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentMethod> {
        match s {
            "accept_all" => Some(ConsentMethod::AcceptAll),
            "reject_all" => Some(ConsentMethod::RejectAll),
            "custom" => Some(ConsentMethod::Custom),
            _ => None,
        }
    }

    /// Words for people: how the answer was given.
    pub fn label(self) -> &'static str {
        match self {
            ConsentMethod::AcceptAll => "Accept all",
            ConsentMethod::RejectAll => "Reject all",
            ConsentMethod::Custom => "Chosen one by one",
        }
    }
}

/// Whether a receipt's categories fit the way it says it was given. A receipt
/// is evidence, so it must not claim more than the button grants: "Accept all"
/// under Global Privacy Control does not include analytics.
pub fn receipt_matches_method(method: ConsentMethod, choices: Choices, gpc: bool) -> Result<(), &'static str> {
    match method {
        ConsentMethod::AcceptAll if choices != accept_all(gpc) => Err(if gpc {
            "With Global Privacy Control on, \"Accept all\" grants preferences but not analytics."
        } else {
            "\"Accept all\" grants every category."
        }),
        ConsentMethod::RejectAll if choices != reject_all() => Err("\"Reject all\" grants no optional category."),
        _ => Ok(()),
    }
}

/// One visitor's answer, as the `curtain_consent` cookie stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Lowercase UUID; stays the same when the visitor changes their answer.
    pub id: String,
    /// The consent revision the answer was given to.
    pub revision: u32,
    pub choices: Choices,
    /// Unix seconds.
    pub given_at: i64,
    /// Whether Global Privacy Control was on when the answer was given.
    pub gpc: bool,
}

/// Why a stored value does not count as consent. Each one means the same to
/// the visitor (ask again); the reason decides what the banner says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoConsent {
    /// No cookie at all.
    Missing,
    /// Not in the format, or a field that cannot be ours (tampered or garbage).
    Malformed,
    /// The consent id is absent or not a UUID.
    BadId,
    /// The timestamp is missing, not a number, or in the future.
    BadTimestamp,
    /// Given more than [`CONSENT_LIFETIME_SECONDS`] ago.
    Expired,
    /// Given to an older revision: the banner says what changed since.
    OldRevision,
    /// A revision the site never had.
    UnknownRevision,
    /// Analytics was granted before Global Privacy Control was turned on.
    GpcTurnedOn,
    /// Valid by these rules, but the server holds no receipt that says the
    /// same (the cookie was made by hand, or its receipts were deleted with
    /// an account), so the server ignores it.
    Unconfirmed,
}

impl ConsentRecord {
    /// The cookie value (see the module docs for the format).
    pub fn encode(&self) -> String {
        let mut categories = String::from("n");
        if self.choices.preferences {
            categories.push('p');
        }
        if self.choices.analytics {
            categories.push('a');
        }
        format!(
            "{FORMAT_VERSION}.{}.{}.{categories}.{}.{}",
            self.id,
            self.revision,
            self.given_at,
            if self.gpc { 1 } else { 0 }
        )
    }

    /// Parses a cookie value strictly: anything not exactly in the format is
    /// refused. Never panics, whatever the input.
    pub fn decode(raw: &str) -> Result<ConsentRecord, NoConsent> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(NoConsent::Missing);
        }
        if raw.len() > MAX_COOKIE_LEN || !raw.is_ascii() {
            return Err(NoConsent::Malformed);
        }
        let parts: Vec<&str> = raw.split('.').collect();
        let [version, id, revision, categories, given_at, gpc] = parts.as_slice() else {
            return Err(NoConsent::Malformed);
        };
        if *version != FORMAT_VERSION {
            return Err(NoConsent::Malformed);
        }
        if !is_uuid(id) {
            return Err(NoConsent::BadId);
        }
        let revision = parse_digits(revision).filter(|r| *r >= 1 && *r <= u32::MAX as u64).ok_or(NoConsent::Malformed)?;
        let choices = match *categories {
            "n" => Choices { preferences: false, analytics: false },
            "np" => Choices { preferences: true, analytics: false },
            "na" => Choices { preferences: false, analytics: true },
            "npa" => Choices { preferences: true, analytics: true },
            _ => return Err(NoConsent::Malformed),
        };
        let given_at = parse_digits(given_at).filter(|t| *t > 0 && *t <= i64::MAX as u64).ok_or(NoConsent::BadTimestamp)?;
        let gpc = match *gpc {
            "0" => false,
            "1" => true,
            _ => return Err(NoConsent::Malformed),
        };
        Ok(ConsentRecord { id: id.to_string(), revision: revision as u32, choices, given_at: given_at as i64, gpc })
    }

    /// Whether this answer still counts at `now`, for a site whose consent
    /// revision is `current_revision`, for a visitor whose Global Privacy
    /// Control is `gpc_now`.
    pub fn check(&self, now: i64, current_revision: u32, gpc_now: bool) -> Result<(), NoConsent> {
        if !is_uuid(&self.id) {
            return Err(NoConsent::BadId);
        }
        if self.given_at <= 0 || self.given_at > now.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(NoConsent::BadTimestamp);
        }
        if now.saturating_sub(self.given_at) >= CONSENT_LIFETIME_SECONDS {
            return Err(NoConsent::Expired);
        }
        if self.revision < current_revision {
            return Err(NoConsent::OldRevision);
        }
        if self.revision > current_revision {
            return Err(NoConsent::UnknownRevision);
        }
        // An analytics grant given without the signal predates it: the
        // signal is the newer answer, so ask again rather than ignore it.
        if gpc_now && !self.gpc && self.choices.analytics {
            return Err(NoConsent::GpcTurnedOn);
        }
        Ok(())
    }
}

/// Reads the consent cookie (absent, garbage or stale alike) into the answer
/// that counts, or why there is none.
pub fn valid_consent(
    cookie: Option<&str>,
    now: i64,
    current_revision: u32,
    gpc_now: bool,
) -> Result<ConsentRecord, NoConsent> {
    let record = ConsentRecord::decode(cookie.unwrap_or(""))?;
    record.check(now, current_revision, gpc_now)?;
    Ok(record)
}

/// The one rule for a persistent sign-in: "remember me" was asked for **and**
/// the valid consent grants preferences (the persistent cookie is a preference).
pub fn allows_persistent_sign_in(remember: bool, consent: Option<&ConsentRecord>) -> bool {
    remember && consent.is_some_and(|c| c.choices.preferences)
}

/// Whether a page view may be counted: only with a valid consent that grants analytics.
pub fn allows_analytics(consent: Option<&ConsentRecord>) -> bool {
    consent.is_some_and(|c| c.choices.analytics)
}

/// Whether `s` is a UUID in its canonical lowercase hyphenated form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
}

/// A version-4 UUID from 16 random bytes (the caller supplies the randomness,
/// so this module needs no random source of its own).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Only ASCII digits, at most 19 of them; no sign, no spaces, no leading `+`,
/// and no leading zero, so each number has one spelling and what decodes
/// encodes back to the very same cookie.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// A visitor's theme choice; stored in [`THEME_COOKIE`] only with preferences consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the device's setting.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Anything unknown is the default: a bad theme cookie never breaks the page.
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One cookie a category covers, described for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookieInfo {
    pub name: String,
    /// What it holds and why.
    pub purpose: String,
    /// How long it lasts.
    pub lasts: String,
}

/// A category as the banner and the dialog describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryInfo {
    pub id: Category,
    pub name: String,
    /// In plain words: what it stores and what it is for.
    pub description: String,
    /// Necessary is always on and cannot be switched off.
    pub always_on: bool,
    pub cookies: Vec<CookieInfo>,
}

/// `GET /api/consent/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentConfig {
    /// The revision a stored answer must have been given to.
    pub revision: u32,
    /// When the current revision took effect, `YYYY-MM-DD`.
    pub revised_on: String,
    /// What changed in the current revision, in plain words (for revision 1,
    /// what the first version covers).
    pub changes: String,
    pub categories: Vec<CategoryInfo>,
    /// The request carried `Sec-GPC: 1`.
    pub gpc: bool,
    /// The request's `curtain_consent` cookie counts on the server: it is
    /// valid by these rules **and** the latest receipt for its consent id
    /// says the same. `false` without a cookie. A page that holds a cookie
    /// the server does not confirm (made by hand, or whose receipts went with
    /// a deleted account) treats it as absent and asks again, so the banner
    /// never hides an answer the server ignores.
    #[serde(default)]
    pub cookie_confirmed: bool,
}

/// `POST /api/consent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentReceiptRequest {
    pub consent_id: String,
    pub revision: u32,
    /// The granted categories; necessary may be listed or not.
    pub categories: Vec<Category>,
    pub gpc: bool,
    pub method: ConsentMethod,
    /// The language the banner or dialog was shown in (`en`, `de`, `pt-BR`);
    /// English when a client does not say.
    #[serde(default = "default_language")]
    pub language: String,
}

/// The language a receipt records when its request names none.
pub fn default_language() -> String {
    "en".to_string()
}

/// A stored receipt, as `POST /api/consent` and `GET /api/me/consents` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentReceipt {
    pub consent_id: String,
    pub revision: u32,
    pub categories: Vec<Category>,
    pub gpc: bool,
    pub method: ConsentMethod,
    /// The language the answer was given in.
    #[serde(default = "default_language")]
    pub language: String,
    /// RFC 3339, the server's clock.
    pub recorded_at: String,
}

/// `POST /api/analytics/pageview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    /// The page's path, without query or fragment.
    pub path: String,
}

/// What to count a page view under: the route pattern the path matches
/// (`/u/:username`, never the member's name; `/unsubscribe/:token`, never the
/// secret), without query string or fragment. `None` when it is no page of
/// this site (or longer than 200 characters).
pub fn page_view_path(path: &str) -> Option<String> {
    let ok = path.len() <= 200 && path.bytes().all(|b| b.is_ascii_graphic());
    crate::routes::route_of(path).filter(|_| ok).map(str::to_string)
}

/// The descriptions every visitor sees, in plain words. The server serves
/// them in [`ConsentConfig`]; the SPA falls back to them when it cannot reach
/// the server.
pub fn category_descriptions() -> Vec<CategoryInfo> {
    let cookie = |name: &str, purpose: &str, lasts: &str| CookieInfo {
        name: name.into(),
        purpose: purpose.into(),
        lasts: lasts.into(),
    };
    vec![
        CategoryInfo {
            id: Category::Necessary,
            name: "Necessary".into(),
            description: "Keep you signed in while you use the site, protect your forms from other sites, \
                          and remember the answer you give here. The site cannot work without them, so they are always on."
                .into(),
            always_on: true,
            cookies: vec![
                cookie(
                    "curtain_session",
                    "A random sign-in token; our server keeps only a fingerprint of it.",
                    "Until you close the browser, or 30 days with \"keep me signed in\" (a preferences choice).",
                ),
                cookie(
                    "curtain_csrf",
                    "A token that proves a change really comes from this site.",
                    "As long as your sign-in.",
                ),
                cookie(
                    "curtain_consent",
                    "Your cookie answer: a random consent id, which categories you allowed, and when.",
                    "182 days, then we ask again.",
                ),
            ],
        },
        CategoryInfo {
            id: Category::Preferences,
            name: "Preferences".into(),
            description: "Remember choices you make so you don't have to make them again: staying signed in \
                          on this device (\"keep me signed in\") and your light or dark theme."
                .into(),
            always_on: false,
            cookies: vec![
                cookie(
                    "curtain_session",
                    "Kept after you close the browser, when you tick \"keep me signed in\".",
                    "30 days.",
                ),
                cookie("curtain_theme", "Your theme: light, dark or the device's setting.", "182 days."),
            ],
        },
        CategoryInfo {
            id: Category::Analytics,
            name: "Analytics".into(),
            description: "Count how often each page is viewed, so we know what people read. We count pages \
                          per day on our own server only: no cookie, no identifier, nothing about you, and nothing shared with anyone."
                .into(),
            always_on: false,
            cookies: vec![],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b6f5c1e-8a0d-4c1e-9f3a-2d7b1c4e5f60";
    const NOW: i64 = 1_780_000_000;

    fn record(preferences: bool, analytics: bool) -> ConsentRecord {
        ConsentRecord { id: ID.into(), revision: 2, choices: Choices { preferences, analytics }, given_at: NOW - 60, gpc: false }
    }

    #[test]
    fn cookie_round_trips_for_every_combination() {
        for preferences in [false, true] {
            for analytics in [false, true] {
                for gpc in [false, true] {
                    let r = ConsentRecord { gpc, ..record(preferences, analytics) };
                    let encoded = r.encode();
                    assert_eq!(ConsentRecord::decode(&encoded), Ok(r), "{encoded}");
                    assert!(
                        encoded.bytes().all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b)),
                        "cookie-safe: {encoded}"
                    );
                }
            }
        }
        assert_eq!(record(true, false).encode(), format!("v1.{ID}.2.np.{}.0", NOW - 60));
    }

    #[test]
    fn malformed_values_are_refused() {
        let good = record(true, true).encode();
        assert!(ConsentRecord::decode(&good).is_ok());
        let cases = [
            (good.replacen("v1.", "v2.", 1), NoConsent::Malformed),
            (good.replacen(".npa.", ".nap.", 1), NoConsent::Malformed),
            (good.replacen(".npa.", ".pa.", 1), NoConsent::Malformed),
            (good.replacen(".npa.", ".npax.", 1), NoConsent::Malformed),
            (good.replacen(".2.", ".0.", 1), NoConsent::Malformed),
            (good.replacen(".2.", ".-2.", 1), NoConsent::Malformed),
            (good.replacen(".2.", ".99999999999.", 1), NoConsent::Malformed),
            (good.replacen(".2.", ".02.", 1), NoConsent::Malformed),
            (format!("{good}.extra"), NoConsent::Malformed),
            (good[..good.len() - 2].to_string(), NoConsent::Malformed),
            (format!("{}.2", &good[..good.len() - 2]), NoConsent::Malformed),
            ("garbage".into(), NoConsent::Malformed),
            ("v1.....".into(), NoConsent::BadId),
            (good.replacen(ID, "", 1), NoConsent::BadId),
            (good.replacen(ID, &ID.to_uppercase(), 1), NoConsent::BadId),
            (good.replacen(ID, "0b6f5c1e8a0d4c1e9f3a2d7b1c4e5f60abcd", 1), NoConsent::BadId),
            (good.replacen(&(NOW - 60).to_string(), "", 1), NoConsent::BadTimestamp),
            (good.replacen(&(NOW - 60).to_string(), "soon", 1), NoConsent::BadTimestamp),
            (good.replacen(&(NOW - 60).to_string(), "+1780000000", 1), NoConsent::BadTimestamp),
            (good.replacen(&(NOW - 60).to_string(), "0", 1), NoConsent::BadTimestamp),
            (good.replacen(&(NOW - 60).to_string(), &format!("0{}", NOW - 60), 1), NoConsent::BadTimestamp),
            (format!("{good}{}", "x".repeat(200)), NoConsent::Malformed),
            ("".into(), NoConsent::Missing),
        ];
        for (value, why) in cases {
            assert_eq!(ConsentRecord::decode(&value), Err(why), "{value}");
        }
    }

    // promise: consent-cookie-lifetime
    #[test]
    fn validity_rules() {
        let r = record(true, true);
        assert_eq!(r.check(NOW, 2, false), Ok(()));
        assert_eq!(r.check(NOW, 3, false), Err(NoConsent::OldRevision), "a revision bump asks again");
        assert_eq!(r.check(NOW, 1, false), Err(NoConsent::UnknownRevision), "a revision from the future is tampered");
        let old = ConsentRecord { given_at: NOW - CONSENT_LIFETIME_SECONDS, ..r.clone() };
        assert_eq!(old.check(NOW, 2, false), Err(NoConsent::Expired), "182 days to the second");
        let almost = ConsentRecord { given_at: NOW - CONSENT_LIFETIME_SECONDS + 1, ..r.clone() };
        assert_eq!(almost.check(NOW, 2, false), Ok(()));
        let ahead = ConsentRecord { given_at: NOW + CLOCK_SKEW_SECONDS + 1, ..r.clone() };
        assert_eq!(ahead.check(NOW, 2, false), Err(NoConsent::BadTimestamp));
        let skewed = ConsentRecord { given_at: NOW + 3600, ..r.clone() };
        assert_eq!(skewed.check(NOW, 2, false), Ok(()), "a browser clock an hour ahead is tolerated");
        let no_id = ConsentRecord { id: String::new(), ..r.clone() };
        assert_eq!(no_id.check(NOW, 2, false), Err(NoConsent::BadId));
    }

    #[test]
    fn global_privacy_control_rules() {
        assert_eq!(accept_all(false), Choices { preferences: true, analytics: true });
        assert_eq!(accept_all(true), Choices { preferences: true, analytics: false }, "GPC keeps analytics off");
        assert_eq!(reject_all(), Choices::NONE);
        // An explicit analytics grant given under GPC counts.
        let explicit = ConsentRecord { gpc: true, ..record(true, true) };
        assert_eq!(explicit.check(NOW, 2, true), Ok(()));
        // A grant from before GPC was turned on does not.
        assert_eq!(record(true, true).check(NOW, 2, true), Err(NoConsent::GpcTurnedOn));
        // Without analytics, turning GPC on changes nothing.
        assert_eq!(record(true, false).check(NOW, 2, true), Ok(()));
    }

    #[test]
    fn receipts_must_match_their_method() {
        use ConsentMethod::*;
        assert!(receipt_matches_method(AcceptAll, accept_all(false), false).is_ok());
        assert!(receipt_matches_method(AcceptAll, accept_all(true), true).is_ok());
        assert!(receipt_matches_method(AcceptAll, accept_all(false), true).is_err(), "accept all is not an override of GPC");
        assert!(receipt_matches_method(AcceptAll, Choices::NONE, false).is_err());
        assert!(receipt_matches_method(RejectAll, Choices::NONE, true).is_ok());
        assert!(receipt_matches_method(RejectAll, accept_all(false), false).is_err());
        assert!(receipt_matches_method(Custom, accept_all(false), true).is_ok(), "the dialog may override GPC");
        for m in [AcceptAll, RejectAll, Custom] {
            assert_eq!(ConsentMethod::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn persistence_and_analytics_decisions() {
        let prefs = record(true, false);
        let none = record(false, false);
        assert!(allows_persistent_sign_in(true, Some(&prefs)));
        assert!(!allows_persistent_sign_in(false, Some(&prefs)), "remember me must be asked for");
        assert!(!allows_persistent_sign_in(true, Some(&none)), "preferences must be granted");
        assert!(!allows_persistent_sign_in(true, None), "no valid consent, no persistence");
        assert!(allows_analytics(Some(&record(false, true))));
        assert!(!allows_analytics(Some(&prefs)));
        assert!(!allows_analytics(None));
    }

    #[test]
    fn valid_consent_combines_decoding_and_checking() {
        let cookie = record(false, true).encode();
        assert!(valid_consent(Some(&cookie), NOW, 2, false).is_ok());
        assert_eq!(valid_consent(None, NOW, 2, false), Err(NoConsent::Missing));
        assert_eq!(valid_consent(Some("%%%"), NOW, 2, false), Err(NoConsent::Malformed));
        assert_eq!(valid_consent(Some(&cookie), NOW, 3, false), Err(NoConsent::OldRevision));
    }

    #[test]
    fn uuids_are_version_4_and_canonical() {
        let id = uuid_v4([0xff; 16]);
        assert!(is_uuid(&id), "{id}");
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert!(!is_uuid("00000000-0000-4000-8000-00000000000g"));
        assert!(!is_uuid("00000000_0000-4000-8000-000000000000"));
    }

    #[test]
    fn categories_lists_and_descriptions() {
        assert_eq!(accept_all(false).categories(), Category::ALL.to_vec());
        assert_eq!(Choices::NONE.categories(), vec![Category::Necessary]);
        assert_eq!(Choices::from_categories(&[Category::Analytics]), Choices { preferences: false, analytics: true });
        let info = category_descriptions();
        assert_eq!(info.iter().map(|c| c.id).collect::<Vec<_>>(), Category::ALL.to_vec());
        let necessary: Vec<&str> = info[0].cookies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(necessary, ["curtain_session", "curtain_csrf", "curtain_consent"]);
        assert!(info.iter().all(|c| !c.description.is_empty()));
    }

    #[test]
    fn page_view_paths_drop_queries_and_refuse_other_sites() {
        assert_eq!(page_view_path("/privacy?from=mail#top").as_deref(), Some("/privacy"));
        assert_eq!(page_view_path("/").as_deref(), Some("/"));
        assert_eq!(page_view_path("//evil.example/x"), None);
        assert_eq!(page_view_path("https://x.example/"), None);
        assert_eq!(page_view_path("/a b"), None);
        assert_eq!(page_view_path(&format!("/u/{}", "a".repeat(200))), None);
        assert_eq!(page_view_path("/u/ana").as_deref(), Some("/u/:username"));
        assert_eq!(page_view_path("/unsubscribe/secret").as_deref(), Some("/unsubscribe/:token"));
        assert_eq!(page_view_path("/no-such-page"), None);
        assert_eq!(Theme::parse("dark"), Theme::Dark);
        assert_eq!(Theme::parse("<script>"), Theme::System);
    }
}
