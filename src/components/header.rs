//! The site header: the name, and the account controls in the main navigation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::dom::{focus_main, focus_main_heading_soon};
use crate::session::{use_session, SessionView};

/// First in the page, so keyboard users can jump past the header.
#[component]
pub fn SkipLink() -> impl IntoView {
    // The router would turn a click on "#main" into a scroll without moving
    // focus; do what a plain page does instead.
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        focus_main();
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>
            "Skip to main content"
        </a>
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="site-name">
                    <span class="site-name__mark" aria-hidden="true"></span>
                    "Curtain"
                </A>
                <nav class="site-nav" aria-label="Main">
                    <AccountControls />
                </nav>
            </div>
        </header>
    }
}

/// Sign in / sign up, or who is signed in and a way out. While the app does
/// not yet know, it shows neither; the space is reserved by the stylesheet.
#[component]
fn AccountControls() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();

    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            if session.sign_out().await {
                navigate("/", Default::default());
                // Navigating to the page already shown does not move focus;
                // the button that had it is gone, so place it on purpose.
                focus_main_heading_soon();
            }
        });
    };

    move || match session.view() {
        SessionView::Unknown => None,
        SessionView::SignedOut => Some(
            view! {
                <ul class="site-nav__list">
                    <li>
                        <A href="/signin" attr:id="signin-link" attr:class="site-nav__link">
                            "Sign in"
                        </A>
                    </li>
                    <li>
                        <A href="/signup" attr:id="signup-link" attr:class="button button--small button--primary">
                            "Sign up"
                        </A>
                    </li>
                </ul>
            }
            .into_any(),
        ),
        SessionView::SignedIn(user) => Some(
            view! {
                <ul class="site-nav__list">
                    <li class="site-nav__account">
                        <span class="visually-hidden">"Signed in as "</span>
                        // Their own profile, as others may see it.
                        <A href=format!("/u/{}", user.username) attr:id="account-name" attr:class="account-name">
                            {user.username.clone()}
                        </A>
                    </li>
                    <li>
                        <A href="/search" attr:id="search-link" attr:class="site-nav__link">
                            "Members"
                        </A>
                    </li>
                    <li>
                        <A href="/settings" attr:id="settings-link" attr:class="site-nav__link">
                            "Settings"
                        </A>
                    </li>
                    <li>
                        <button
                            id="signout"
                            type="button"
                            class="button button--small button--secondary"
                            disabled=move || session.busy()
                            aria-busy=move || session.busy().then_some("true")
                            on:click=sign_out.clone()
                        >
                            "Sign out"
                        </button>
                    </li>
                </ul>
            }
            .into_any(),
        ),
    }
}
