//! The page's language. The server decides it (from the address's prefix,
//! `/de/...`, or the browser's `Accept-Language` on a first visit) and writes
//! it in `<html lang>`; the app reads it once. Choosing another language is a
//! link to the same page under another prefix, a new page load.

use curtain_ui::Lang;

thread_local! {
    static PAGE_LANG: Lang = read_page_lang();
}

/// The language of this page load.
pub fn page_lang() -> Lang {
    PAGE_LANG.with(|lang| *lang)
}

fn read_page_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}
