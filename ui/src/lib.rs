//! Views shared by the SPA and the server.
//!
//! The server renders these components to HTML for the first paint, so the
//! consent banner and the privacy policy work before (and without) the
//! wasm; the SPA renders the very same components and takes the page over.
//! Each is a pure view: data in, markup out. Behaviour comes as optional
//! callbacks the SPA passes; rendered on the server there are none, and the
//! markup's own forms and links do the work.
//!
//! Only plain elements and `<a href>` here: no router components and no
//! browser calls. The server renders them with the `ssr` feature.

pub mod banner;
pub mod compare;
pub mod dates;
pub mod diff;
pub mod lang;
pub mod policy;
pub mod switch;
pub mod titles;

// The words of every language (`locales/*.json`), checked against English at
// compile time. The macro is deprecated upstream in favour of generating the
// module in a build script, which would pull ICU's data exporter into every
// build of the server and the SPA for nothing we use; plural forms are
// written as ranges, so each language states its own rule and no ICU plural
// data ships in the wasm.
#[allow(deprecated)]
mod i18n_words {
    leptos_i18n::load_locales!();
}
pub use i18n_words::i18n;

// The macro reads the locale files without telling cargo, so a change to
// one of them alone would leave this crate stale; these make them inputs.
const _: [&str; 3] =
    [include_str!("../locales/en.json"), include_str!("../locales/de.json"), include_str!("../locales/pt-BR.json")];

pub use lang::{page_lang, Lang, PageLang};

thread_local! {
    /// The language `render` provides to the views: set by `html::in_language`
    /// for the (synchronous) renders of one page.
    static RENDER_LANG: std::cell::Cell<PageLang> = std::cell::Cell::new(PageLang::default());
}

/// Renders a view to HTML, as the server sends it, in the page's language.
pub fn render<V: leptos::prelude::RenderHtml>(view: impl FnOnce() -> V) -> String {
    let owner = leptos::prelude::Owner::new();
    let lang = RENDER_LANG.with(std::cell::Cell::get);
    owner.with(|| {
        leptos::prelude::provide_context(lang);
        view().to_html()
    })
}

/// The shared views as HTML, for the server's first paint.
pub mod html {
    /// Renders with `lang` as the page's language: every view rendered in
    /// `f` takes its words and its links' prefix from it.
    pub fn in_language<T>(lang: crate::PageLang, f: impl FnOnce() -> T) -> T {
        let before = super::RENDER_LANG.with(|l| l.replace(lang));
        let out = f();
        super::RENDER_LANG.with(|l| l.set(before));
        out
    }

    use curtain_api::policy::{PolicyDiff, PolicyDocument, PolicyVersionSummary};
    use leptos::prelude::*;

    use crate::banner::{BannerContent, ConsentBannerView};
    use crate::compare::{compare_heading, DiffLayoutSwitch, PolicyCompareForm};
    use crate::diff::{DiffLayout, PolicyDiffView};
    use crate::policy::{versions_lede, ErrorNotice, PolicyDocumentView, PolicyPageFrame, PolicyVersionsView};

    /// The waiting page's footer (as the app's, with a link where the app has
    /// its "Cookie settings" button) for a page (path and query, with or
    /// without its prefix): the links in the page's language, and the
    /// language switcher.
    pub fn shell_footer(path_and_query: &str) -> String {
        let page = crate::switch::without_prefix(path_and_query);
        super::render(move || {
            let lang = crate::page_lang();
            let l = lang.lang.locale();
            view! {
                <footer class="site-footer">
                    <div class="site-footer__inner">
                        <nav aria-label=leptos_i18n::td_string!(l, footer.nav)>
                            <ul class="site-footer__links">
                                <li><a href=lang.path("/privacy")>{leptos_i18n::td_string!(l, footer.privacy)}</a></li>
                                <li><a href="?consent=choose#consent-banner">{leptos_i18n::td_string!(l, footer.cookie_settings)}</a></li>
                                <li>
                                    <a href=crate::policy::feed_href(lang.lang) type="application/atom+xml">
                                        {leptos_i18n::td_string!(l, footer.feed)}
                                    </a>
                                </li>
                                <li><a href=lang.path("/privacy/request")>{leptos_i18n::td_string!(l, footer.requests)}</a></li>
                                <li><a href=lang.path("/report-child-account")>{leptos_i18n::td_string!(l, footer.report_child)}</a></li>
                            </ul>
                        </nav>
                        <crate::switch::LanguageSwitch page=page />
                        <p class="site-footer__note">{leptos_i18n::td_string!(l, footer.note)}</p>
                    </div>
                </footer>
            }
        })
    }

    /// What the waiting page says where the server renders no page of its
    /// own: that the app is loading, or, without JavaScript, that it needs it.
    pub fn shell_waiting() -> String {
        super::render(move || {
            let l = crate::page_lang().lang.locale();
            view! {
                <div class="page">
                    <noscript>
                        <div class="card noscript">
                            <h1>{leptos_i18n::td_string!(l, shell.needs_js_title)}</h1>
                            <p>{leptos_i18n::td_string!(l, shell.needs_js)}</p>
                        </div>
                    </noscript>
                    <p class="loading-shell__status" role="status">{leptos_i18n::td_string!(l, shell.starting)}</p>
                </div>
            }
        })
    }

    /// The footer's language switcher for a page (path and query, with or
    /// without its prefix).
    pub fn language_switch(path_and_query: &str) -> String {
        let page = crate::switch::without_prefix(path_and_query);
        super::render(move || view! { <crate::switch::LanguageSwitch page=page /> })
    }

    pub fn consent_banner(content: BannerContent) -> String {
        super::render(move || view! { <ConsentBannerView content=content /> })
    }

    /// A policy page showing one version under `heading`.
    pub fn policy_page(heading: String, doc: PolicyDocument) -> String {
        super::render(move || {
            view! {
                <PolicyPageFrame heading=heading>
                    <PolicyDocumentView doc=doc />
                </PolicyPageFrame>
            }
        })
    }

    /// `/privacy/compare`: the form, the layout switch, and the differences
    /// (or why there are none to show).
    pub fn compare_page(
        versions: Vec<PolicyVersionSummary>,
        from: Option<String>,
        to: Option<String>,
        layout: DiffLayout,
        diff: Option<Result<PolicyDiff, String>>,
    ) -> String {
        super::render(move || {
            let pick = |n: &Option<String>| n.as_deref().and_then(|n| n.trim().parse::<u32>().ok()).unwrap_or(0);
            let (from_n, to_n) = (pick(&from), pick(&to));
            let lang = crate::page_lang().lang;
            let l = lang.locale();
            let body = match diff {
                None => view! { <p class="hint">{leptos_i18n::td_string!(l, compare.pick_above)}</p> }.into_any(),
                Some(Ok(diff)) => view! { <PolicyDiffView diff=diff layout=layout /> }.into_any(),
                Some(Err(message)) => view! { <ErrorNotice id="compare-error" message=message /> }.into_any(),
            };
            view! {
                <PolicyPageFrame heading=compare_heading(lang).to_string()>
                    <section class="card policy__compare" aria-label=leptos_i18n::td_string!(l, compare.versions_label)>
                        <PolicyCompareForm versions=versions from=from_n to=to_n />
                    </section>
                    <DiffLayoutSwitch layout=layout from=from to=to />
                    {body}
                </PolicyPageFrame>
            }
        })
    }

    /// `/privacy/versions`.
    pub fn versions_page(heading: String, versions: Vec<PolicyVersionSummary>) -> String {
        super::render(move || {
            view! {
                <PolicyPageFrame heading=heading lede=versions_lede(crate::page_lang().lang)>
                    <PolicyVersionsView versions=versions />
                </PolicyPageFrame>
            }
        })
    }
}
