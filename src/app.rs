//! The app shell and every route, in one place.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::connection_banner::ConnectionBanner;
use crate::consent::banner::{ConsentBanner, CookiesBlockedNotice};
use crate::consent::dialog::ConsentDialog;
use crate::consent::page_views::PageViews;
use crate::consent::Consent;
use crate::pages::settings::cookies::CookieSettings;
use crate::components::policy_banner::PolicyBanner;
use crate::components::footer::SiteFooter;
use crate::components::header::{SiteHeader, SkipLink};
use crate::dom::focus_main_heading_soon;
use crate::pages::account_deleted::AccountDeletedPage;
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::privacy::compare::PolicyComparePage;
use crate::pages::privacy::version::PolicyVersionPage;
use crate::pages::privacy::versions::PolicyVersionsPage;
use crate::pages::privacy::PrivacyPage;
use crate::pages::profile::ProfilePage;
use crate::pages::report_child::ReportChildPage;
use crate::pages::search::SearchPage;
use crate::pages::settings::account::AccountSettings;
use crate::pages::settings::data::YourData;
use crate::pages::settings::email::EmailSettings;
use crate::pages::settings::privacy::PrivacySettingsPage;
use crate::pages::settings::profile::ProfileSettings;
use crate::pages::settings::{SettingsHome, SettingsLayout};
use crate::pages::signin::SigninPage;
use crate::pages::signup::SignupPage;
use crate::pages::unsubscribe::UnsubscribePage;
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    Consent::provide();
    view! {
        <Router>
            <SkipLink />
            <SiteHeader />
            <ConnectionBanner />
            <CookiesBlockedNotice />
            <ConsentBanner />
            <PolicyBanner />
            <main id="main" class="site-main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/signup") view=SignupPage />
                    <Route path=path!("/signin") view=SigninPage />
                    <Route path=path!("/privacy") view=PrivacyPage />
                    <Route path=path!("/privacy/versions") view=PolicyVersionsPage />
                    <Route path=path!("/privacy/v/:n") view=PolicyVersionPage />
                    <Route path=path!("/privacy/compare") view=PolicyComparePage />
                    <Route path=path!("/unsubscribe/:token") view=UnsubscribePage />
                    <Route path=path!("/report-child-account") view=ReportChildPage />
                    <Route path=path!("/account-deleted") view=AccountDeletedPage />
                    <Route path=path!("/u/:username") view=ProfilePage />
                    <Route path=path!("/search") view=SearchPage />
                    <ParentRoute path=path!("/settings") view=SettingsLayout>
                        <Route path=path!("") view=SettingsHome />
                        <Route path=path!("cookies") view=CookieSettings />
                        <Route path=path!("account") view=AccountSettings />
                        <Route path=path!("profile") view=ProfileSettings />
                        <Route path=path!("privacy") view=PrivacySettingsPage />
                        <Route path=path!("email") view=EmailSettings />
                        <Route path=path!("data") view=YourData />
                    </ParentRoute>
                </Routes>
            </main>
            <SiteFooter />
            <ConsentDialog />
            <PageViews />
            <FocusOnNavigation />
        </Router>
    }
}

/// Moves focus to the new page's heading after a client-side navigation, as a
/// full page load would reset it. The first render keeps the browser's default.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            focus_main_heading_soon();
        }
        path
    });
}
