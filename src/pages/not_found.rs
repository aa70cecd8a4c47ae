use leptos::prelude::*;
use crate::components::link::A;

use crate::dom::set_page_title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_title(Some("Page not found"));
    view! {
        <div class="page page--narrow">
            <h1>"Page not found"</h1>
            <p class="lede">"There is nothing at this address. It may have moved, or the link may have a typo."</p>
            <p>
                <A href="/">"Go to the home page"</A>
            </p>
        </div>
    }
}
