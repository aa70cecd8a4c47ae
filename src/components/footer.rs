//! The site footer.

use leptos::prelude::*;
use leptos_i18n::td_string;
use curtain_ui::switch::LanguageSwitch;
use crate::router::A;

use crate::consent::theme::ThemePicker;
use crate::consent::use_consent;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let consent = use_consent();
    let location = crate::router::use_location();
    let l = crate::lang::page_lang().locale();
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <nav aria-label=td_string!(l, footer.nav)>
                    <ul class="site-footer__links">
                        <li>
                            <A href="/privacy">{td_string!(l, footer.privacy)}</A>
                        </li>
                        <li>
                            // A button: it opens the dialog rather than going anywhere.
                            <button
                                type="button"
                                id="cookie-settings"
                                class="link-button"
                                aria-haspopup="dialog"
                                on:click=move |_| consent.open_dialog()
                            >
                                {td_string!(l, footer.cookie_settings)}
                            </button>
                        </li>
                        <li>
                            // The feed is a file, not a page of the app.
                            <a href=curtain_ui::policy::feed_href(crate::lang::page_lang()) rel="external" type="application/atom+xml">
                                {td_string!(l, footer.feed)}
                            </a>
                        </li>
                        <li>
                            <A href="/privacy/request" attr:id="privacy-request-link">{td_string!(l, footer.requests)}</A>
                        </li>
                        <li>
                            <A href="/report-child-account" attr:id="report-child-link">{td_string!(l, footer.report_child)}</A>
                        </li>
                    </ul>
                </nav>
                <LanguageSwitch page=Signal::derive(move || {
                    curtain_ui::switch::without_prefix(&format!("{}{}", location.pathname.get(), location.search.get()))
                }) />
                <ThemePicker />
                <p class="site-footer__note">
                    {td_string!(l, footer.note)}
                </p>
            </div>
        </footer>
    }
}
