use leptos::prelude::*;
use leptos_i18n::td_string;
use crate::router::A;

use crate::components::signup_form::SignupForm;
use crate::dom::set_page_title;

#[component]
pub fn SignupPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), header.sign_up)));
    let l = crate::lang::page_lang().locale();
    view! {
        <div class="page page--narrow">
            <h1>{td_string!(l, signup.heading)}</h1>
            <p class="lede">
                {td_string!(l, signup.already_member)} <A href="/signin">{td_string!(l, header.sign_in)}</A> "."
            </p>
            <div class="card card--form">
                <SignupForm />
            </div>
        </div>
    }
}
