//! Links between the app's pages that keep the page's language.
//!
//! The router's `<A>` leaves an absolute `href` as it is: its `base` (the
//! language prefix, see `crate::lang`) applies to relative links and to
//! `navigate` only. This `<A>` writes the prefix in, so `/privacy` on a
//! German page links to `/de/privacy`, which the router then handles.

use leptos::prelude::*;
use leptos_router::components::ToHref;

#[component]
pub fn A<H>(
    /// The page's path without a language prefix, as the routes name it.
    href: H,
    children: Children,
) -> impl IntoView
where
    H: ToHref + Send + Sync + 'static,
{
    let page = crate::lang::page();
    view! { <leptos_router::components::A href=move || page.path(&href.to_href()())>{children()}</leptos_router::components::A> }
}
