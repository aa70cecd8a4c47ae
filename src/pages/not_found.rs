use leptos::prelude::*;
use leptos_i18n::td_string;
use crate::router::A;

use crate::dom::set_page_title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), not_found.title)));
    let l = crate::lang::page_lang().locale();
    view! {
        <div class="page page--narrow">
            <h1>{td_string!(l, not_found.title)}</h1>
            <p class="lede">{td_string!(l, not_found.lede)}</p>
            <p>
                <A href="/">{td_string!(l, not_found.home)}</A>
            </p>
        </div>
    }
}
