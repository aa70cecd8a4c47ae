use leptos::prelude::*;
use crate::components::link::A;

use crate::components::signin_form::SigninForm;
use crate::dom::set_page_title;

#[component]
pub fn SigninPage() -> impl IntoView {
    set_page_title(Some("Sign in"));
    view! {
        <div class="page page--narrow">
            <h1>"Sign in"</h1>
            <p class="lede">
                "New to Curtain? " <A href="/signup">"Create an account"</A> "."
            </p>
            <div class="card card--form">
                <SigninForm />
            </div>
        </div>
    }
}
