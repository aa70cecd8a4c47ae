//! The site footer.

use leptos::prelude::*;
use curtain_ui::switch::LanguageSwitch;
use crate::components::link::A;

use crate::consent::theme::ThemePicker;
use crate::consent::use_consent;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let consent = use_consent();
    let location = leptos_router::hooks::use_location();
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <nav aria-label="Footer">
                    <ul class="site-footer__links">
                        <li>
                            <A href="/privacy">"Privacy policy"</A>
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
                                "Cookie settings"
                            </button>
                        </li>
                        <li>
                            // The feed is a file, not a page of the app.
                            <a href="/policies/privacy.atom" rel="external" type="application/atom+xml">
                                "Policy changes (Atom feed)"
                            </a>
                        </li>
                        <li>
                            <A href="/privacy/request" attr:id="privacy-request-link">"Privacy requests"</A>
                        </li>
                        <li>
                            <A href="/report-child-account" attr:id="report-child-link">"Report a child's account"</A>
                        </li>
                    </ul>
                </nav>
                <LanguageSwitch page=Signal::derive(move || {
                    curtain_ui::switch::without_prefix(&format!("{}{}", location.pathname.get(), location.search.get()))
                }) />
                <ThemePicker />
                <p class="site-footer__note">
                    "Curtain is a community for people who love films and series. You choose who sees what you share."
                </p>
            </div>
        </footer>
    }
}
