//! `/settings`: one URL per section, a section list beside (or, on a phone,
//! above) the section itself. Every section needs a signed-in member.
//!
//! A section is one entry in [`SECTIONS`] plus one child route in `app.rs`.

pub mod account;
pub mod cookies;
pub mod data;
pub mod email;
pub mod privacy;
pub mod profile;

use leptos::prelude::*;
use crate::components::link::A;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::dom::set_page_title;
use crate::session::{use_session, SessionView};

/// A settings section: its URL and its name in the section list.
pub struct SettingsSection {
    pub path: &'static str,
    pub label: &'static str,
    /// One line under the name on the settings home page.
    pub summary: &'static str,
}

/// The sections, in the order people see them.
pub const SECTIONS: &[SettingsSection] = &[
    SettingsSection {
        path: "/settings/profile",
        label: "Profile",
        summary: "Every profile field, who sees each one, a preview as others see it, and your watch history.",
    },
    SettingsSection {
        path: "/settings/privacy",
        label: "Privacy",
        summary: "Private account, appearing in search, search engines; follow requests and followers.",
    },
    SettingsSection {
        path: "/settings/account",
        label: "Account",
        summary: "Your e-mail address and password, and every device you're signed in on.",
    },
    SettingsSection {
        path: "/settings/email",
        label: "E-mail",
        summary: "The newsletter, product updates and partner offers: each off until you turn it on.",
    },
    SettingsSection {
        path: "/settings/cookies",
        label: "Cookies",
        summary: "What this device may store and count, and your consent receipts.",
    },
    SettingsSection {
        path: "/settings/data",
        label: "Your data",
        summary: "Everything Curtain holds about you, a download of all of it, and deleting your account.",
    },
];

/// The frame around every section: the section list and the signed-in check.
/// What the settings layout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Loading,
    SignedOut,
    SignedIn,
}

#[component]
pub fn SettingsLayout() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // Only whether someone is signed in decides the layout: a change to the
    // member (a new address, say) must not rebuild the section and wipe its
    // status messages and focus.
    let state = Memo::new(move |_| match session.view() {
        SessionView::Unknown => Layout::Loading,
        SessionView::SignedOut => Layout::SignedOut,
        SessionView::SignedIn(_) => Layout::SignedIn,
    });
    let signed_in = move || state.get() == Layout::SignedIn;
    let nav = move || {
        signed_in().then(|| {
            view! {
                <nav class="settings__nav" aria-label="Settings sections">
                    <ul>
                        {SECTIONS
                            .iter()
                            .map(|s| {
                                let path = s.path;
                                view! {
                                    <li>
                                        <a
                                            href=crate::lang::page().path(path)
                                            aria-current=move || (location.pathname.get() == crate::lang::page().path(path)).then_some("page")
                                        >
                                            {s.label}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
            }
        })
    };
    let notice = move || match state.get() {
        Layout::Loading => Some(view! { <p class="muted" aria-busy="true">"Loading your settings…"</p> }.into_any()),
        Layout::SignedOut => {
            set_page_title(Some("Settings"));
            Some(
                view! {
                    <h1>"Settings"</h1>
                    <p>"Sign in to see and change your settings."</p>
                    <p>
                        <A href="/signin" attr:class="button button--primary">"Sign in"</A>
                    </p>
                }
                .into_any(),
            )
        }
        Layout::SignedIn => None,
    };
    // One outlet whoever is signed in: the router finishes a move between
    // sections only once the new section is in the page (a section shows
    // nothing until a member is signed in: see [`MembersOnly`]).
    view! {
        <div class=move || if signed_in() { "page settings" } else { "page page--narrow" }>
            {nav}
            <div class="settings__section">
                {notice}
                <Outlet />
            </div>
        </div>
    }
}

/// Shows `children` only to a signed-in member: every settings section is
/// wrapped in it, so none asks the server for a member's data otherwise.
#[component]
pub fn MembersOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let signed_in = Memo::new(move |_| matches!(session.view(), SessionView::SignedIn(_)));
    move || signed_in.get().then(|| children())
}

/// `/settings`: the list of sections, so the page is useful on a phone too.
#[component]
pub fn SettingsHome() -> impl IntoView {
    set_page_title(Some("Settings"));
    view! {
        <h1>"Settings"</h1>
        <ul class="settings__home">
            {SECTIONS
                .iter()
                .map(|s| {
                    view! {
                        <li>
                            <a href=crate::lang::page().path(s.path)>{s.label}</a>
                            <p class="hint">{s.summary}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
