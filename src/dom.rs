//! Small browser helpers: the document title, focus, today's date.

use curtain_api::CivilDate;
use leptos::prelude::{document, request_animation_frame, window};
use wasm_bindgen::JsCast;

const SITE_NAME: &str = "Curtain";

/// Sets `document.title` to "Page · Curtain", or just "Curtain" for the home page.
pub fn set_page_title(page: Option<&str>) {
    document().set_title(&page_title(page));
}

fn page_title(page: Option<&str>) -> String {
    match page {
        Some(page) => format!("{page} · {SITE_NAME}"),
        None => SITE_NAME.to_string(),
    }
}

/// Focuses the element with `id` once the current render has reached the page.
pub fn focus_soon(id: &'static str) {
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(id) {
            focus(&element);
        }
    });
}

/// After a navigation, moves focus to the new page's heading so keyboard and
/// screen-reader users start at the top of what changed.
pub fn focus_main_heading_soon() {
    request_animation_frame(focus_main_heading);
}

/// Focuses the page's heading now.
pub fn focus_main_heading() {
    let Ok(Some(heading)) = document().query_selector("#main h1") else { return };
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    focus(&heading);
}

/// Focuses `#main` (the skip link's target).
pub fn focus_main() {
    if let Some(main) = document().get_element_by_id("main") {
        focus(&main);
        main.scroll_into_view();
    }
}

fn focus(element: &web_sys::Element) {
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Scrolls to the element with `id` and focuses its heading (or itself),
/// as following a `#id` link on a static page would; for a promise's anchor
/// (`span.promise` in the policy), the statement around it. With `push`, the
/// address gets `#id` so it can be shared. Returns whether it exists.
pub fn scroll_to_id(id: &str, push: bool) -> bool {
    let Some(element) = document().get_element_by_id(id) else { return false };
    if push {
        if let Ok(history) = leptos::prelude::window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{id}")));
        }
    }
    // A promise's anchor is an empty span inside its statement: the
    // paragraph or list item it sits in is what to show and focus.
    let is_promise = element.get_attribute("class").is_some_and(|c| c.split_whitespace().any(|c| c == "promise"));
    let element = match is_promise {
        true => element.closest("p, li").ok().flatten().unwrap_or(element),
        false => element,
    };
    element.scroll_into_view();
    let target = element.query_selector("h2, h3").ok().flatten().unwrap_or(element);
    if !target.has_attribute("tabindex") {
        let _ = target.set_attribute("tabindex", "-1");
    }
    focus(&target);
    true
}

/// After content arrives, scrolls to the section (or promise) the address
/// names (`/privacy/v/1#children`, `/privacy#promise-export-everything`):
/// the browser tried before it existed.
pub fn scroll_to_location_hash() {
    request_animation_frame(|| {
        let hash = leptos::prelude::window().location().hash().unwrap_or_default();
        let id = hash.trim_start_matches('#');
        if !id.is_empty() {
            scroll_to_id(id, false);
        }
    });
}

/// Removes the static shell that `index.html` shows while the app loads.
pub fn remove_loading_shell() {
    let Some(shell) = document().get_element_by_id("loading-shell") else { return };
    // Whatever had focus in the server's page (a banner button, a link) has
    // its twin in the app's: keep the visitor's place.
    let focused = document()
        .active_element()
        .filter(|e| shell.contains(Some(e)))
        .map(|e| e.id())
        .filter(|id| !id.is_empty());
    shell.remove();
    let _ = document().body().map(|b| b.class_list().remove_1(TAKING_OVER));
    if let Some(id) = focused {
        if let Some(element) = document().get_element_by_id(&id) {
            focus(&element);
        }
    }
}

/// While set on `<body>`, the app renders out of sight and the server's page
/// stays: see [`take_over_when_ready`].
const TAKING_OVER: &str = "first-paint";

/// Resolves in a later task, letting the browser handle input and draw first.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Whether the server's page shows content of its own (a policy page), which
/// the app must not replace until it can show the same.
pub fn first_paint_has_page() -> bool {
    document().get_element_by_id("first-paint-page").is_some()
}

/// Keeps the server's page on screen while the app prepares its own (out of
/// sight), then swaps them in one frame: [`page_ready`] says when, and after
/// a few seconds the app takes over anyway.
pub fn take_over_when_ready() {
    if let Some(body) = document().body() {
        let _ = body.class_list().add_1(TAKING_OVER);
    }
    leptos::prelude::set_timeout(remove_loading_shell, std::time::Duration::from_secs(5));
}

/// Called once the app's page is on the page (or its error, or its own
/// loading state for a page the server does not render): the app then
/// replaces the server's page, just before the next frame is drawn.
pub fn page_ready() {
    request_animation_frame(remove_loading_shell);
}

/// The consent configuration the server put in the page, if it did.
pub fn boot_consent_config() -> Option<curtain_api::consent::ConsentConfig> {
    let text = document().get_element_by_id("curtain-boot")?.text_content()?;
    crate::api::wire::FromJson::parse(&text).ok()
}

/// The page's path and query, as the address bar shows them.
pub fn current_path() -> String {
    let location = window().location();
    format!("{}{}", location.pathname().unwrap_or_else(|_| "/".into()), location.search().unwrap_or_default())
}

/// The day `date` falls on in the visitor's time zone.
fn calendar_day(date: &js_sys::Date) -> Option<CivilDate> {
    CivilDate::new(date.get_full_year() as i32, date.get_month() as u8 + 1, date.get_date() as u8)
}

/// A moment from an RFC 3339 stamp, in the visitor's time zone, written the
/// site's one way ("1 June 2026, 14:05"); the stamp as it is if it is not one.
pub fn local_date_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    match calendar_day(&date) {
        Some(day) => curtain_ui::dates::date_and_time(day, date.get_hours(), date.get_minutes(), crate::lang::page_lang()),
        None => rfc3339.to_string(),
    }
}

/// The day of a Unix time (seconds), in the visitor's time zone, written the
/// site's one way ("1 June 2026").
pub fn local_date(unix_seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_seconds as f64 * 1000.0));
    match calendar_day(&date) {
        Some(day) => curtain_ui::dates::civil(day, crate::lang::page_lang()),
        None => String::new(),
    }
}

/// Today in the visitor's time zone, for checks before a round trip. The
/// server decides with its own clock.
pub fn today() -> CivilDate {
    let now = js_sys::Date::new_0();
    calendar_day(&now)
        .unwrap_or(CivilDate { year: 1970, month: 1, day: 1 })
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_name_the_page_then_the_site() {
        assert_eq!(super::page_title(Some("Sign in")), "Sign in · Curtain");
        assert_eq!(super::page_title(None), "Curtain");
    }
}
