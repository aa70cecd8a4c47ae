//! The few browser calls consent needs: cookies, the Global Privacy Control
//! signal, randomness, the clock, and the theme attribute.

use curtain_api::consent::{uuid_v4, Theme};
use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};

fn html_document() -> Option<web_sys::HtmlDocument> {
    document().dyn_into::<web_sys::HtmlDocument>().ok()
}

/// The value of cookie `name`, if the page can read it.
pub fn read_cookie(name: &str) -> Option<String> {
    let cookies = html_document()?.cookie().ok()?;
    cookie_value(&cookies, name).map(str::to_string)
}

/// Sets a first-party cookie for the whole site. `Secure` whenever the page
/// itself came over https.
pub fn write_cookie(name: &str, value: &str, max_age_seconds: i64) {
    let secure = web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:");
    let cookie = format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&cookie);
    }
}

pub fn delete_cookie(name: &str) {
    write_cookie(name, "", 0);
}

/// Whether the browser keeps cookies for this site: it says so, and a test
/// cookie written now can be read back (some blockers only do the latter).
pub fn cookies_work() -> bool {
    // web-sys has no binding for `navigator.cookieEnabled`.
    let enabled = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("cookieEnabled")).ok())
        .is_none_or(|v| v.as_bool() != Some(false));
    if !enabled {
        return false;
    }
    const PROBE: &str = "curtain_probe";
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&format!("{PROBE}=1; Path=/; SameSite=Lax"));
    }
    let stuck = read_cookie(PROBE).as_deref() == Some("1");
    delete_cookie(PROBE);
    stuck
}

/// `navigator.globalPrivacyControl`, which web-sys does not know yet.
pub fn gpc_signal() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("globalPrivacyControl")).ok())
        .is_some_and(|v| v.as_bool() == Some(true))
}

/// Seconds since the Unix epoch, by the browser's clock.
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A fresh version-4 UUID from the browser's cryptographic random source.
pub fn new_consent_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Not a secret, only an id: the weaker source is acceptable here.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

/// Shows `theme` by setting `data-theme` on `<html>`; the stylesheet does the rest.
pub fn apply_theme(theme: Theme) {
    if let Some(root) = document().document_element() {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.as_str()),
        };
    }
}

/// The value of cookie `name` in a `document.cookie` string.
pub fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_a_cookie_among_others() {
        let jar = "curtain_csrf=t; curtain_consent=v1.x; curtain_theme=dark";
        assert_eq!(super::cookie_value(jar, "curtain_consent"), Some("v1.x"));
        assert_eq!(super::cookie_value(jar, "curtain_theme"), Some("dark"));
        assert_eq!(super::cookie_value("curtain_theme=", "curtain_theme"), None);
    }
}
