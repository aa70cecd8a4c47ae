//! Curtain's single-page app: a Leptos client-side app compiled to WebAssembly.
//!
//! Map: `app` holds the shell and the routes, `pages` one module per route,
//! `components` the pieces pages compose, `session` who is signed in, `api`
//! every HTTP request, `forms` the browser-free form logic.

// Deep view types: on the host, the tests build Leptos with the server's
// rendering turned on too (the server shares the `curtain-ui` views), which
// nests them further than the default limit.
#![recursion_limit = "256"]

mod api;
mod app;
mod components;
mod consent;
mod dom;
mod forms;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    let wait_for_page = dom::first_paint_has_page();
    if wait_for_page {
        dom::take_over_when_ready();
    }
    leptos::mount::mount_to_body(app::App);
    if !wait_for_page {
        // Same task as the mount, so the browser never paints an empty page.
        dom::remove_loading_shell();
    }
}
