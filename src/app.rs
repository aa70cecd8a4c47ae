//! The app shell and every route, in one place.

use leptos::prelude::*;

use crate::router::{provide_router, use_location, PageLoad, Route, Routes};

use crate::components::connection_banner::ConnectionBanner;
use crate::components::footer::SiteFooter;
use crate::components::header::{SiteHeader, SkipLink};
use crate::consent::banner::{ConsentBanner, CookiesBlockedNotice};
use crate::consent::page_views::PageViews;
use crate::api::{ApiError, Fetched, Prefetched};
use crate::consent::Consent;
use crate::pages::home::HomePage;
use crate::pages::lazy::{lazy_page, lazy_part, lazy_part_when, members_only_page};
use crate::pages::not_found::NotFoundPage;
use crate::pages::settings::SettingsLayout;
use crate::session::Session;

// Every page but the home page is fetched when first shown.
lazy_page!(SignupRoute, signup, crate::pages::signup::SignupPage);
lazy_page!(SigninRoute, signin, crate::pages::signin::SigninPage);
lazy_page!(PrivacyRoute, privacy, crate::pages::privacy::PrivacyPage,
    fetched: Prefetched<Result<Fetched, ApiError>> = Prefetched::start(crate::api::policy::fetch_current()));
lazy_page!(PolicyVersionsRoute, policy_versions, crate::pages::privacy::versions::PolicyVersionsPage);
lazy_page!(PolicyVersionRoute, policy_version, crate::pages::privacy::version::PolicyVersionPage);
lazy_page!(PolicyCompareRoute, policy_compare, crate::pages::privacy::compare::PolicyComparePage);
lazy_page!(PolicyPromisesRoute, policy_promises, crate::pages::privacy::promises::PolicyPromisesPage);
lazy_page!(PrivacyRequestRoute, privacy_request, crate::pages::privacy::request::PrivacyRequestPage);
lazy_page!(UnsubscribeRoute, unsubscribe, crate::pages::unsubscribe::UnsubscribePage);
lazy_page!(VerifyEmailRoute, verify_email, crate::pages::verify_email::VerifyEmailPage);
lazy_page!(ReportChildRoute, report_child, crate::pages::report_child::ReportChildPage);
lazy_page!(AccountDeletedRoute, account_deleted, crate::pages::account_deleted::AccountDeletedPage);
lazy_page!(ProfileRoute, profile, crate::pages::profile::ProfilePage,
    prefetched: crate::pages::profile::Prefetch = crate::pages::profile::Prefetch::start());
lazy_page!(SearchRoute, search, crate::pages::search::SearchPage);
members_only_page!(SettingsHomeRoute, settings_home, crate::pages::settings::SettingsHome);
members_only_page!(CookieSettingsRoute, settings_cookies, crate::pages::settings::cookies::CookieSettings);
members_only_page!(AccountSettingsRoute, settings_account, crate::pages::settings::account::AccountSettings);
members_only_page!(ProfileSettingsRoute, settings_profile, crate::pages::settings::profile::ProfileSettings);
members_only_page!(PrivacySettingsRoute, settings_privacy, crate::pages::settings::privacy::PrivacySettingsPage);
members_only_page!(EmailSettingsRoute, settings_email, crate::pages::settings::email::EmailSettings);
members_only_page!(YourDataRoute, settings_data, crate::pages::settings::data::YourData);

// Parts a first visit does not need: fetched when first wanted.
lazy_part!(consent_dialog_part, crate::consent::dialog::ConsentDialog);
lazy_part!(policy_banner_part, crate::components::policy_banner::PolicyBanner);

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    Consent::provide();
    // The page's language: the shared views read it for their words and
    // links; the router keeps its prefix on every route and `<A>`.
    let page = crate::lang::page();
    provide_context(page);
    let is_routing = provide_router(page.prefix());
    view! {
        <RouteProgress is_routing=is_routing />
        <SkipLink />
        <SiteHeader />
        <ConnectionBanner />
        <CookiesBlockedNotice />
        <ConsentBanner />
        {
            // Only a signed-in member can have a policy change to acknowledge.
            let session = crate::session::use_session();
            let signed_in = Signal::derive(move || matches!(session.view(), crate::session::SessionView::SignedIn(_)));
            lazy_part_when(signed_in, policy_banner_part::view)
        }
        <main id="main" class="site-main" tabindex="-1">
            // The page comes in the task after the shell. A page the
            // server also drew says itself when it is ready to swap in.
            <NextTask then=(!crate::dom::first_paint_has_page()).then_some(crate::dom::page_ready as fn())>
                <Routes routes=ROUTES fallback=not_found />
            </NextTask>
        </main>
        <SiteFooter />
        {
            // The preferences dialog, fetched the first time it is asked for.
            let consent = crate::consent::use_consent();
            lazy_part_when(Signal::derive(move || consent.dialog_open()), consent_dialog_part::view)
        }
        <PageViews />
        <FocusOnNavigation />
        <ChooseFromAddress />
    }
}

/// Every page, by path (without the language prefix).
const ROUTES: &[Route] = &[
    Route { path: "/", nested: false, page: || PageLoad::now(HomePage) },
    Route { path: "/signup", nested: false, page: PageLoad::later::<SignupRoute> },
    Route { path: "/signin", nested: false, page: PageLoad::later::<SigninRoute> },
    Route { path: "/privacy", nested: false, page: PageLoad::later::<PrivacyRoute> },
    Route { path: "/privacy/versions", nested: false, page: PageLoad::later::<PolicyVersionsRoute> },
    Route { path: "/privacy/v/:n", nested: false, page: PageLoad::later::<PolicyVersionRoute> },
    Route { path: "/privacy/compare", nested: false, page: PageLoad::later::<PolicyCompareRoute> },
    Route { path: "/privacy/promises", nested: false, page: PageLoad::later::<PolicyPromisesRoute> },
    Route { path: "/privacy/request", nested: false, page: PageLoad::later::<PrivacyRequestRoute> },
    Route { path: "/unsubscribe/:token", nested: false, page: PageLoad::later::<UnsubscribeRoute> },
    Route { path: "/verify-email/:token", nested: false, page: PageLoad::later::<VerifyEmailRoute> },
    Route { path: "/report-child-account", nested: false, page: PageLoad::later::<ReportChildRoute> },
    Route { path: "/account-deleted", nested: false, page: PageLoad::later::<AccountDeletedRoute> },
    Route { path: "/u/:username", nested: false, page: PageLoad::later::<ProfileRoute> },
    Route { path: "/search", nested: false, page: PageLoad::later::<SearchRoute> },
    Route { path: "/settings", nested: true, page: || PageLoad::now(SettingsLayout) },
];

/// The settings sections, below `/settings` (see [`SettingsLayout`]).
pub const SETTINGS_ROUTES: &[Route] = &[
    Route { path: "", nested: false, page: PageLoad::later::<SettingsHomeRoute> },
    Route { path: "/cookies", nested: false, page: PageLoad::later::<CookieSettingsRoute> },
    Route { path: "/account", nested: false, page: PageLoad::later::<AccountSettingsRoute> },
    Route { path: "/profile", nested: false, page: PageLoad::later::<ProfileSettingsRoute> },
    Route { path: "/privacy", nested: false, page: PageLoad::later::<PrivacySettingsRoute> },
    Route { path: "/email", nested: false, page: PageLoad::later::<EmailSettingsRoute> },
    Route { path: "/data", nested: false, page: PageLoad::later::<YourDataRoute> },
];

/// What an address the app has no page for shows.
pub fn not_found() -> AnyView {
    view! { <NotFoundPage /> }.into_any()
}

/// A thin bar at the top, and "Loading the page…" for screen readers, when
/// the next page takes more than a moment to arrive (its code or its data).
#[component]
fn RouteProgress(is_routing: ReadSignal<bool>) -> impl IntoView {
    let shown = RwSignal::new(false);
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    Effect::new(move |_| {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        if is_routing.get() {
            let handle = set_timeout_with_handle(move || shown.set(true), std::time::Duration::from_millis(300));
            pending.set_value(handle.ok());
        } else {
            shown.set(false);
        }
    });
    let loading = leptos_i18n::td_string!(crate::lang::page_lang().locale(), shell.loading);
    view! {
        <div class="route-progress" class:route-progress--on=move || shown.get() role="status">
            <span class="visually-hidden">{move || shown.get().then_some(loading)}</span>
        </div>
    }
}

/// Renders `children` in a later task than the rest of the view, then calls
/// `then`.
#[component]
fn NextTask(children: ChildrenFn, then: Option<fn()>) -> impl IntoView {
    let ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        crate::dom::next_task().await;
        ready.set(true);
        if let Some(then) = then {
            then();
        }
    });
    move || ready.get().then(|| children())
}

/// Moves focus to the new page's heading after a client-side navigation, as a
/// full page load would reset it. The first render keeps the browser's default.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    // What had focus as the move started: if the visitor has moved focus
    // since (tabbing on while the page downloads), it is not taken back.
    let focused_at_start: StoredValue<Option<web_sys::Element>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        location.pathname.track();
        focused_at_start.set_value(document().active_element());
    });
    Effect::new(move |previous: Option<String>| {
        // Once the new page is in, not as the move starts.
        let path = location.arrived.get();
        if previous.is_some_and(|previous| previous != path) {
            // Checked when focus would move (the next frame), as a key
            // pressed before then moves it too.
            request_animation_frame(move || {
                let now = document().active_element();
                let untouched = focused_at_start.try_with_value(|start| *start == now).unwrap_or(false)
                    || now.is_none_or(|e| e.tag_name() == "BODY");
                if untouched {
                    crate::dom::focus_main_heading();
                }
            });
            // The server's robots rule was about the address it answered.
            if let Some(meta) = document().get_element_by_id("first-paint-robots") {
                meta.remove();
            }
        }
        path
    });
}

/// `?consent=choose` (the server's "Cookie settings" link, or "Choose"
/// pressed before the app started) opens the preferences dialog, and leaves
/// the address as it was without it.
#[component]
fn ChooseFromAddress() -> impl IntoView {
    let location = use_location();
    let consent = crate::consent::use_consent();
    let navigate = crate::router::use_navigate();
    Effect::new(move |_| {
        let search = location.search.get();
        let params: Vec<&str> = search.trim_start_matches('?').split('&').filter(|p| !p.is_empty()).collect();
        if !params.contains(&curtain_ui::banner::CHOOSE_QUERY) {
            return;
        }
        let rest: Vec<&str> = params.into_iter().filter(|p| *p != curtain_ui::banner::CHOOSE_QUERY).collect();
        let path = location.pathname.get_untracked();
        let address = if rest.is_empty() { path } else { format!("{path}?{}", rest.join("&")) };
        // The address is whole, its language prefix included: not resolved against the router's base.
        navigate(&address, crate::router::NavigateOptions { replace: true, scroll: false, resolve: false });
        consent.open_dialog();
    });
}
