//! The language switcher in the footer: the same page in each language.
//!
//! Plain links, so it works without JavaScript; each names its language in
//! that language (`lang`, `hreflang`) and the current one is marked. They
//! are full page loads (`rel="external"` keeps the SPA's router out): the
//! language is the address's prefix, and the app starts in it.

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::{page_lang, Lang, PageLang};

/// The path and query of a page without its language prefix.
pub fn without_prefix(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.find('?') {
        Some(i) => path_and_query.split_at(i),
        None => (path_and_query, ""),
    };
    match Lang::split_path(path) {
        Some((_, rest)) => format!("{rest}{query}"),
        None => path_and_query.to_string(),
    }
}

/// The address of `page` (path and query, without prefix) in `lang`. English
/// keeps its `/en` prefix, so that a browser asking for another language
/// does not send the visitor back to it.
pub fn address_in(lang: Lang, page: &str) -> String {
    PageLang { lang, explicit: true }.path(page)
}

#[component]
pub fn LanguageSwitch(
    /// The page's path and query, without the language prefix.
    #[prop(into)]
    page: Signal<String>,
) -> impl IntoView {
    let current = page_lang().lang;
    let l = current.locale();
    view! {
        <nav class="language-switch" aria-label=td_string!(l, footer.language)>
            <ul class="language-switch__list">
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <li>
                                <a
                                    href=move || address_in(lang, &page.get())
                                    hreflang=lang.tag()
                                    lang=lang.tag()
                                    rel="external"
                                    aria-current=(lang == current).then_some("true")
                                >
                                    {lang.native_name()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_page_in_another_language() {
        assert_eq!(without_prefix("/de/privacy/compare?from=1&to=2"), "/privacy/compare?from=1&to=2");
        assert_eq!(without_prefix("/pt-BR"), "/");
        assert_eq!(without_prefix("/u/ana?x=1"), "/u/ana?x=1");
        assert_eq!(address_in(Lang::De, "/privacy?x=1"), "/de/privacy?x=1");
        assert_eq!(address_in(Lang::En, "/privacy"), "/en/privacy");
        assert_eq!(address_in(Lang::PtBr, "/"), "/pt-BR");
    }
}
