use leptos::prelude::*;
use crate::components::link::A;

use crate::components::signup_form::SignupForm;
use crate::dom::set_page_title;

#[component]
pub fn SignupPage() -> impl IntoView {
    set_page_title(Some("Sign up"));
    view! {
        <div class="page page--narrow">
            <h1>"Create your account"</h1>
            <p class="lede">
                "Already a member? " <A href="/signin">"Sign in"</A> "."
            </p>
            <div class="card card--form">
                <SignupForm />
            </div>
        </div>
    }
}
