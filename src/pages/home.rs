use leptos::prelude::*;
use leptos_i18n::td_string;
use crate::router::A;

use crate::dom::set_page_title;
use crate::session::{use_session, SessionView};

#[component]
pub fn HomePage() -> impl IntoView {
    set_page_title(None);
    let session = use_session();
    let l = crate::lang::page_lang().locale();

    let next_step = move || match session.view() {
        SessionView::Unknown => None,
        SessionView::SignedOut => Some(
            view! {
                <div class="hero__actions">
                    <A href="/signup" attr:class="button button--primary">{td_string!(l, home.create_account)}</A>
                    <A href="/signin" attr:class="button button--secondary">{td_string!(l, header.sign_in)}</A>
                </div>
            }
            .into_any(),
        ),
        SessionView::SignedIn(user) => Some(
            view! {
                <p id="home-greeting" class="hero__greeting">
                    {td_string!(l, home.welcome_before)} <strong>{user.username}</strong> {td_string!(l, home.welcome_after)}
                </p>
                {(!user.email_verified).then(|| view! {
                    <p id="home-confirm-email">
                        {td_string!(l, home.confirm_before)} <strong>{user.email.clone()}</strong> {td_string!(l, home.confirm_after)}
                        <A href="/settings/account">{td_string!(l, home.send_again)}</A>
                    </p>
                })}
            }
            .into_any(),
        ),
    };

    view! {
        <div class="page">
            <section class="hero">
                <h1 class="hero__title">{td_string!(l, home.title)}</h1>
                <p class="lede">
                    {td_string!(l, home.lede)}
                </p>
                <div class="hero__next">{next_step}</div>
            </section>

            <section class="promises" aria-labelledby="promises-heading">
                <h2 id="promises-heading">{td_string!(l, home.promises_heading)}</h2>
                <ul class="promise-list">
                    <li class="card promise">
                        <h3>{td_string!(l, home.policy_title)}</h3>
                        <p>
                            {td_string!(l, home.policy_text)}
                        </p>
                    </li>
                    <li class="card promise">
                        <h3>{td_string!(l, home.cookies_title)}</h3>
                        <p>
                            {td_string!(l, home.cookies_text)}
                        </p>
                    </li>
                    <li class="card promise">
                        <h3>{td_string!(l, home.profile_title)}</h3>
                        <p>
                            {td_string!(l, home.profile_text)}
                        </p>
                    </li>
                </ul>
            </section>
        </div>
    }
}
