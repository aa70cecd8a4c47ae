//! The consent banner, as the app shows it: the view is shared with the
//! server (`curtain_ui::banner`), which sends it in the first paint as a form
//! that works without JavaScript; here its answers are given in place.

use curtain_ui::banner::{BannerAnswer, BannerContent, ConsentBannerView};
use leptos::prelude::*;

use super::use_consent;

#[component]
pub fn ConsentBanner() -> impl IntoView {
    let consent = use_consent();
    let on_answer = Callback::new(move |answer: BannerAnswer| match answer {
        // Should the browser drop the cookie, the banner gives way to the
        // notice that cookies are blocked.
        BannerAnswer::AcceptAll => _ = consent.accept_all(),
        BannerAnswer::RejectAll => _ = consent.reject_all(),
        BannerAnswer::Choose => consent.open_dialog(),
    });
    move || {
        consent.banner_visible().then(|| {
            let content = BannerContent {
                revision: consent.revision(),
                changes: consent.changes_since_last_answer(),
                gpc: consent.gpc(),
                return_to: crate::dom::current_path(),
                lang: crate::lang::page_lang(),
                ..BannerContent::default()
            };
            view! { <ConsentBannerView content=content on_answer=on_answer /> }
        })
    }
}

/// Shown instead of the banner when the browser keeps no cookies: asking
/// would loop forever, since the answer could not be stored.
#[component]
pub fn CookiesBlockedNotice() -> impl IntoView {
    let consent = use_consent();
    let l = crate::lang::page_lang().locale();
    move || {
        consent.cookies_blocked().then(|| {
            view! {
                <section id="cookies-blocked" class="banner banner--warning" role="region" aria-label=leptos_i18n::td_string!(l, shell.cookies_blocked_label)>
                    <div class="banner__inner">
                        <p class="banner__message">
                            {leptos_i18n::td_string!(l, shell.cookies_blocked)}
                        </p>
                    </div>
                </section>
            }
        })
    }
}
