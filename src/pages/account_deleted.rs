//! `/account-deleted`: where the app lands after an account is deleted.

use leptos::prelude::*;
use crate::components::link::A;

use crate::dom::set_page_title;

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    set_page_title(Some("Account deleted"));
    view! {
        <div class="page page--narrow">
            <h1 id="account-deleted">"Your account has been deleted"</h1>
            <p class="lede">"Everything Curtain held about you is gone, and you are signed out on every device."</p>
            <p>
                "Your profile, settings, watch history, follows, sessions, sign-in log and the e-mail waiting for you "
                "were erased. Your username is free again."
            </p>
            <p>"Thank you for being part of the audience. " <A href="/">"Back to the home page"</A> "."</p>
        </div>
    }
}
