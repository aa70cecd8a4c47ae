//! The page's language. It is in the address (`/de/...`, `/pt-BR/...`, or
//! `/en/...` for English chosen over the browser's wish; English without a
//! prefix), where the server found it too: it wrote it in `<html lang>` and
//! rendered the first paint in it. The app reads it once, at start: the
//! router's base is the prefix, so every route and `<A>` link keeps it.
//! Choosing another language is a link to the same page under another
//! prefix, a new page load.

use curtain_ui::{Lang, PageLang};

thread_local! {
    static PAGE: PageLang = {
        #[cfg(target_arch = "wasm32")]
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        // Off the browser (the unit tests) there is no address: English.
        #[cfg(not(target_arch = "wasm32"))]
        let path = String::from("/");
        let page = PageLang::of_path(&path);
        // An app built for one language speaks only it; the server sends it
        // with that language's pages.
        PageLang { lang: curtain_ui::lang::BUILT_FOR.unwrap_or(page.lang), ..page }
    };
}

/// The language of this page load, and whether its address names it.
pub fn page() -> PageLang {
    PAGE.with(|page| *page)
}

/// The language of this page load.
pub fn page_lang() -> Lang {
    page().lang
}
