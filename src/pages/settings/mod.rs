//! `/settings`: one URL per section, a section list beside (or, on a phone,
//! above) the section itself. Every section needs a signed-in member.
//!
//! A section is one entry in [`SECTIONS`] plus one entry in `app::SETTINGS_ROUTES`.

pub mod account;
pub mod cookies;
pub mod data;
pub mod email;
pub mod privacy;
pub mod profile;

use leptos::prelude::*;
use crate::router::A;
use crate::router::Routes;
use crate::router::use_location;

use crate::dom::set_page_title;
use crate::session::{use_session, SessionView};

/// A settings section: its URL, and its name and summary in the page's language.
#[derive(Clone, Copy)]
pub struct SettingsSection {
    pub path: &'static str,
}

impl SettingsSection {
    /// Its name in the section list.
    pub fn label(&self) -> &'static str {
        let l = crate::lang::page_lang().locale();
        match self.path {
            "/settings/profile" => leptos_i18n::td_string!(l, settings.profile),
            "/settings/privacy" => leptos_i18n::td_string!(l, settings.privacy),
            "/settings/account" => leptos_i18n::td_string!(l, settings.account),
            "/settings/email" => leptos_i18n::td_string!(l, settings.email),
            "/settings/cookies" => leptos_i18n::td_string!(l, settings.cookies),
            _ => leptos_i18n::td_string!(l, settings.data),
        }
    }

    /// One line under the name on the settings home page.
    pub fn summary(&self) -> &'static str {
        let l = crate::lang::page_lang().locale();
        match self.path {
            "/settings/profile" => leptos_i18n::td_string!(l, settings.profile_summary),
            "/settings/privacy" => leptos_i18n::td_string!(l, settings.privacy_summary),
            "/settings/account" => leptos_i18n::td_string!(l, settings.account_summary),
            "/settings/email" => leptos_i18n::td_string!(l, settings.email_summary),
            "/settings/cookies" => leptos_i18n::td_string!(l, settings.cookies_summary),
            _ => leptos_i18n::td_string!(l, settings.data_summary),
        }
    }
}

/// The sections, in the order people see them.
pub const SECTIONS: &[SettingsSection] = &[
    SettingsSection { path: "/settings/profile" },
    SettingsSection { path: "/settings/privacy" },
    SettingsSection { path: "/settings/account" },
    SettingsSection { path: "/settings/email" },
    SettingsSection { path: "/settings/cookies" },
    SettingsSection { path: "/settings/data" },
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
    let l = crate::lang::page_lang().locale();
    let signed_in = move || state.get() == Layout::SignedIn;
    let nav = move || {
        signed_in().then(|| {
            view! {
                <nav class="settings__nav" aria-label=leptos_i18n::td_string!(l, settings.nav)>
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
                                            {s.label()}
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
        Layout::Loading => Some(view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings.loading)}</p> }.into_any()),
        Layout::SignedOut => {
            set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), header.settings)));
            Some(
                view! {
                    <h1>{leptos_i18n::td_string!(l, header.settings)}</h1>
                    <p>{leptos_i18n::td_string!(l, settings.sign_in_prompt)}</p>
                    <p>
                        <A href="/signin" attr:class="button button--primary">{leptos_i18n::td_string!(l, header.sign_in)}</A>
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
                <Routes routes=crate::app::SETTINGS_ROUTES prefix="/settings" fallback=crate::app::not_found />
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
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), header.settings)));
    let l = crate::lang::page_lang().locale();
    view! {
        <h1>{leptos_i18n::td_string!(l, header.settings)}</h1>
        <ul class="settings__home">
            {SECTIONS
                .iter()
                .map(|s| {
                    view! {
                        <li>
                            <a href=crate::lang::page().path(s.path)>{s.label()}</a>
                            <p class="hint">{s.summary()}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
