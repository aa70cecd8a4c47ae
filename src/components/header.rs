//! The site header: the name, and the account controls in the main navigation.

use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos::task::spawn_local;
use crate::router::A;
use crate::router::{use_location, use_navigate};
use wasm_bindgen::JsCast;

use crate::dom::{focus_main, focus_main_heading_soon};
use crate::pages::lazy::{lazy_part, lazy_part_when};
use crate::session::{use_session, SessionView};
use curtain_api::SessionUser;

/// First in the page, so keyboard users can jump past the header.
#[component]
pub fn SkipLink() -> impl IntoView {
    // The router would turn a click on "#main" into a scroll without moving
    // focus; do what a plain page does instead.
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        focus_main();
    };
    let l = crate::lang::page_lang().locale();
    view! {
        <a class="skip-link" href="#main" on:click=skip>
            {td_string!(l, shell.skip)}
        </a>
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="site-name">
                    <span class="site-name__mark" aria-hidden="true"></span>
                    "Curtain"
                </A>
                <nav class="site-nav" aria-label=td_string!(l, header.main_nav)>
                    <AccountControls />
                </nav>
            </div>
        </header>
    }
}

/// Sign in / sign up, or who is signed in and a way out. While the app does
/// not yet know, it shows neither; the space is reserved by the stylesheet.
/// A member's controls are fetched the first time someone is signed in: a
/// first visit does not need them.
#[component]
fn AccountControls() -> impl IntoView {
    let session = use_session();
    let signed_in = Signal::derive(move || matches!(session.view(), SessionView::SignedIn(_)));
    let l = crate::lang::page_lang().locale();
    let signed_out = move || {
        matches!(session.view(), SessionView::SignedOut).then(|| {
            view! {
                <ul class="site-nav__list">
                    <li>
                        <A href="/signin" attr:id="signin-link" attr:class="site-nav__link">
                            {td_string!(l, header.sign_in)}
                        </A>
                    </li>
                    <li>
                        <A href="/signup" attr:id="signup-link" attr:class="button button--small button--primary">
                            {td_string!(l, header.sign_up)}
                        </A>
                    </li>
                </ul>
            }
        })
    };
    view! {
        {signed_out}
        {lazy_part_when(signed_in, member_controls_part::view)}
    }
}

lazy_part!(member_controls_part, crate::components::header::MemberControls);

/// The signed-in member's controls, while someone is signed in.
#[component]
pub fn MemberControls() -> impl IntoView {
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
        SessionView::SignedIn(user) => Some(view! { <MemberNav user=user sign_out=sign_out.clone() /> }),
        _ => None,
    }
}

/// A member's links. On a phone they fold behind "Menu" (a disclosure
/// button): closed again by Escape, by a click elsewhere, and by going to a
/// page. Follow requests waiting for an answer show beside the name.
#[component]
fn MemberNav(user: SessionUser, sign_out: impl Fn(leptos::ev::MouseEvent) + Clone + 'static) -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let nav_ref = NodeRef::<leptos::html::Div>::new();
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let close_and_return = move || {
        open.set(false);
        if let Some(button) = button_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            close_and_return();
        }
    };
    let outside = window_event_listener(leptos::ev::click, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = nav_ref.get_untracked().is_some_and(|nav| {
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            nav.contains(target.as_ref())
        });
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());

    let l = crate::lang::page_lang().locale();
    let requests = user.follow_requests;
    let requests_link = (requests > 0).then(|| {
        let count = i32::try_from(requests).unwrap_or(i32::MAX);
        let label = td!(l, header.follow_requests, count = move || count);
        view! {
            <A href="/settings/privacy#requests-heading" attr:id="follow-requests-link" attr:class="site-nav__requests">
                <span aria-hidden="true" class="site-nav__requests-count">{requests}</span>
                <span class="visually-hidden">{label}</span>
            </A>
        }
    });
    view! {
        <div class="site-nav__member" node_ref=nav_ref on:keydown=on_keydown>
            <span class="site-nav__account">
                <span class="visually-hidden">{td_string!(l, header.signed_in_as)}</span>
                // Their own profile, as others may see it.
                <A href=format!("/u/{}", user.username) attr:id="account-name" attr:class="account-name">
                    {user.username.clone()}
                </A>
            </span>
            {requests_link}
            <button
                id="menu-button"
                type="button"
                class="button button--small button--secondary site-nav__menu-button"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="site-menu"
                node_ref=button_ref
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {td_string!(l, header.menu)}
            </button>
            <ul id="site-menu" class="site-nav__list site-nav__menu" class:site-nav__menu--open=open>
                <li>
                    <A href="/search" attr:id="search-link" attr:class="site-nav__link">
                        {td_string!(l, header.members)}
                    </A>
                </li>
                <li>
                    <A href="/settings" attr:id="settings-link" attr:class="site-nav__link">
                        {td_string!(l, header.settings)}
                    </A>
                </li>
                <li>
                    <button
                        id="signout"
                        type="button"
                        class="button button--small button--secondary"
                        disabled=move || session.busy()
                        aria-busy=move || session.busy().then_some("true")
                        on:click=sign_out
                    >
                        {td_string!(l, header.sign_out)}
                    </button>
                </li>
            </ul>
        </div>
    }
}
