use leptos::prelude::*;
use leptos_i18n::td_string;
use crate::router::A;

use crate::components::signin_form::SigninForm;
use crate::dom::set_page_title;

#[component]
pub fn SigninPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), header.sign_in)));
    let l = crate::lang::page_lang().locale();
    view! {
        <div class="page page--narrow">
            <h1>{td_string!(l, header.sign_in)}</h1>
            <p class="lede">
                {td_string!(l, signin.new_here)} <A href="/signup">{td_string!(l, home.create_account)}</A> "."
            </p>
            <div class="card card--form">
                <SigninForm />
            </div>
        </div>
    }
}
