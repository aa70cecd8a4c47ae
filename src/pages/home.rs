use leptos::prelude::*;
use crate::components::link::A;

use crate::dom::set_page_title;
use crate::session::{use_session, SessionView};

#[component]
pub fn HomePage() -> impl IntoView {
    set_page_title(None);
    let session = use_session();

    let next_step = move || match session.view() {
        SessionView::Unknown => None,
        SessionView::SignedOut => Some(
            view! {
                <div class="hero__actions">
                    <A href="/signup" attr:class="button button--primary">"Create an account"</A>
                    <A href="/signin" attr:class="button button--secondary">"Sign in"</A>
                </div>
            }
            .into_any(),
        ),
        SessionView::SignedIn(user) => Some(
            view! {
                <p id="home-greeting" class="hero__greeting">
                    "Welcome, " <strong>{user.username}</strong> ". Good to have you in the audience."
                </p>
                {(!user.email_verified).then(|| view! {
                    <p id="home-confirm-email">
                        "We sent a link to " <strong>{user.email.clone()}</strong> " to confirm your address. "
                        <A href="/settings/account">"Send it again"</A>
                    </p>
                })}
            }
            .into_any(),
        ),
    };

    view! {
        <div class="page">
            <section class="hero">
                <h1 class="hero__title">"Keep track of what you watch. Keep your privacy too."</h1>
                <p class="lede">
                    "Curtain is a community for people who love films and series. Log what you watch, "
                    "follow friends and see what they are enjoying, with every sharing choice in your hands."
                </p>
                <div class="hero__next">{next_step}</div>
            </section>

            <section class="promises" aria-labelledby="promises-heading">
                <h2 id="promises-heading">"Your choices, in plain view"</h2>
                <ul class="promise-list">
                    <li class="card promise">
                        <h3>"A privacy policy you can read"</h3>
                        <p>
                            "Written in plain words, with every past version kept and each change shown, "
                            "so you always know what changed and when."
                        </p>
                    </li>
                    <li class="card promise">
                        <h3>"Cookie choices that stick"</h3>
                        <p>
                            "Only the cookies the site needs, unless you say otherwise. Saying no is as easy "
                            "as saying yes, and you can change your mind at any time."
                        </p>
                    </li>
                    <li class="card promise">
                        <h3>"Your profile, your audience"</h3>
                        <p>
                            "For each part of your profile, choose who sees it: everyone, members, "
                            "your followers or only you."
                        </p>
                    </li>
                </ul>
            </section>
        </div>
    }
}
