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
mod json;
mod lang;
mod pages;
mod router;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    // The app starts in steps, each a task of its own (instantiating the
    // module, the shell, then the page: see `app::App`), so that none of them
    // keeps the browser from answering the visitor for long.
    wasm_bindgen_futures::spawn_local(async {
        dom::next_task().await;
        // The server's page stays on screen while the app renders out of
        // sight; the two swap in one frame once the app's page is ready.
        dom::take_over_when_ready();
        leptos::mount::mount_to_body(app::App);
    });
}
