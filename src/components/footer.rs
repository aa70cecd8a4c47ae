//! The site footer.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <nav aria-label="Footer">
                    <ul class="site-footer__links">
                        <li>
                            <A href="/privacy">"Privacy policy"</A>
                        </li>
                        <li>
                            // The feed is a file, not a page of the app.
                            <a href="/policies/privacy.atom" rel="external" type="application/atom+xml">
                                "Policy changes (Atom feed)"
                            </a>
                        </li>
                        <li>
                            <A href="/report-child-account" attr:id="report-child-link">"Report a child's account"</A>
                        </li>
                    </ul>
                </nav>
                <p class="site-footer__note">
                    "Curtain is a community for people who love films and series. You choose who sees what you share."
                </p>
            </div>
        </footer>
    }
}
