//! The consent banner: a labelled region above the page (not a modal, so the
//! page stays readable), with three answers of equal size and weight.

use leptos::prelude::*;

use super::use_consent;

#[component]
pub fn ConsentBanner() -> impl IntoView {
    let consent = use_consent();
    move || {
        consent.banner_visible().then(|| {
            let changes = consent.changes_since_last_answer().map(|changes| {
                view! {
                    <p id="consent-changes" class="consent-banner__changes">
                        <strong>"What changed since you last answered: "</strong>
                        {changes}
                    </p>
                }
            });
            let gpc = consent.gpc().then(|| {
                view! {
                    <p id="consent-gpc-note" class="consent-banner__gpc">
                        "Your browser sends a Global Privacy Control signal, and we honour it: "
                        "analytics stays off, even if you accept all. You can still turn it on yourself under \u{201c}Choose\u{201d}."
                    </p>
                }
            });
            view! {
                <section id="consent-banner" class="consent-banner" role="region" aria-labelledby="consent-banner-title">
                    <div class="consent-banner__inner">
                        <div class="consent-banner__text">
                            <h2 id="consent-banner-title" class="consent-banner__title">"Your cookie choices"</h2>
                            <p>
                                "Curtain uses cookies the site needs to work: your sign-in, form protection and this answer. "
                                "With your permission it would also remember your preferences (keeping you signed in, your theme) "
                                "and count page views on its own server. Nothing optional is stored until you answer."
                            </p>
                            {changes}
                            {gpc}
                        </div>
                        <div class="consent-banner__actions">
                            <button
                                type="button"
                                id="consent-accept-all"
                                class="button button--secondary consent-banner__button"
                                on:click=move |_| consent.accept_all()
                            >
                                "Accept all"
                            </button>
                            <button
                                type="button"
                                id="consent-reject-all"
                                class="button button--secondary consent-banner__button"
                                on:click=move |_| consent.reject_all()
                            >
                                "Reject all"
                            </button>
                            <button
                                type="button"
                                id="consent-choose"
                                class="button button--secondary consent-banner__button"
                                aria-haspopup="dialog"
                                on:click=move |_| consent.open_dialog()
                            >
                                "Choose"
                            </button>
                        </div>
                    </div>
                </section>
            }
        })
    }
}

/// Shown instead of the banner when the browser keeps no cookies: asking
/// would loop forever, since the answer could not be stored.
#[component]
pub fn CookiesBlockedNotice() -> impl IntoView {
    let consent = use_consent();
    move || {
        consent.cookies_blocked().then(|| {
            view! {
                <section id="cookies-blocked" class="banner banner--warning" role="region" aria-label="Cookies are off">
                    <div class="banner__inner">
                        <p class="banner__message">
                            "Your browser is blocking cookies for Curtain. You can read every public page; signing in needs cookies."
                        </p>
                    </div>
                </section>
            }
        })
    }
}
