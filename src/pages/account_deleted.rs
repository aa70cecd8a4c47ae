//! `/account-deleted`: where the app lands after an account is deleted.

use leptos::prelude::*;
use crate::router::A;

use crate::dom::set_page_title;

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), account_deleted.title)));
    view! {
        <div class="page page--narrow">
            <h1 id="account-deleted">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), account_deleted.heading)}</h1>
            <p class="lede">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), account_deleted.lede)}</p>
            <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), account_deleted.erased)}</p>
            <p>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), account_deleted.thanks)} <A href="/">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), signup.refused_home)}</A> "."</p>
        </div>
    }
}
