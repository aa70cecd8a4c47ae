//! Pages whose code is fetched the first time they are shown. Each is split
//! out of the main wasm at build time (`cargo xtask build` splits at these
//! points, with the `split` feature), so a first visit downloads the shell,
//! the consent banner and the home page, not every page of the site. Without
//! the feature (Trunk's build, for the dev loop) the same routes show pages
//! compiled into the one module.
//!
//! A page that cannot be fetched (the connection dropped, say) shows a notice
//! with a way to try again instead of taking the app down; the failure is not
//! remembered, so the next visit to the page fetches it afresh.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::dom::set_page_title;

/// A page's code could not be fetched.
pub struct PageLoadFailed;

impl From<SplitLoaderError> for PageLoadFailed {
    fn from(_: SplitLoaderError) -> Self {
        PageLoadFailed
    }
}

/// `lazy_page!(Route, chunk, Page)` defines `Route`, a [`crate::router::LazyRoute`]
/// showing the component `Page`, whose code lives in the split module `chunk`.
/// Use it in a route table as `PageLoad::later::<Route>`.
///
/// `lazy_page!(Route, chunk, Page, prop: Type = start)` also evaluates `start`
/// as soon as the route is chosen, in the main module, and hands it to the
/// page as `prop`: a page's request then travels while its code downloads,
/// instead of after.
macro_rules! lazy_page {
    ($route:ident, $chunk:ident, $page:path, $prop:ident: $ty:ty = $start:expr) => {
        pub struct $route {
            $prop: $ty,
        }

        mod $chunk {
            use super::*;

            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
            pub fn page($prop: $ty) -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$page $prop=$prop /> }.into_any())
            }

            #[cfg(not(feature = "split"))]
            pub async fn page($prop: $ty) -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$page $prop=$prop /> }.into_any())
            }
        }

        impl $crate::router::LazyRoute for $route {
            fn data() -> Self {
                $route { $prop: $start }
            }

            async fn view(this: Self) -> AnyView {
                $chunk::page(this.$prop).await.unwrap_or_else(|_| $crate::pages::lazy::load_failed())
            }
        }
    };
    ($route:ident, $chunk:ident, $page:path) => {
        pub struct $route;

        mod $chunk {
            use leptos::prelude::*;

            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
            pub fn page() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$page /> }.into_any())
            }

            #[cfg(not(feature = "split"))]
            pub async fn page() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$page /> }.into_any())
            }
        }

        impl $crate::router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $chunk::page().await.unwrap_or_else(|_| $crate::pages::lazy::load_failed())
            }
        }
    };
}
pub(crate) use lazy_page;

/// `members_only_page!(Route, chunk, Page)`: [`lazy_page!`] for a settings
/// section, shown only to a signed-in member (see
/// [`crate::pages::settings::MembersOnly`]).
macro_rules! members_only_page {
    ($route:ident, $chunk:ident, $page:path) => {
        pub struct $route;

        mod $chunk {
            use leptos::prelude::*;
            use $crate::pages::settings::MembersOnly;

            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
            pub fn page() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <MembersOnly><$page /></MembersOnly> }.into_any())
            }

            #[cfg(not(feature = "split"))]
            pub async fn page() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <MembersOnly><$page /></MembersOnly> }.into_any())
            }
        }

        impl $crate::router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $chunk::page().await.unwrap_or_else(|_| $crate::pages::lazy::load_failed())
            }
        }
    };
}
pub(crate) use members_only_page;

/// What shows in place of a page whose code could not be fetched.
pub fn load_failed() -> AnyView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), page_load.title)));
    view! {
        <div class="page page--narrow">
            <h1>{leptos_i18n::td_string!(crate::lang::page_lang().locale(), page_load.heading)}</h1>
            <p class="lede" role="alert">
                {leptos_i18n::td_string!(crate::lang::page_lang().locale(), page_load.part_failed)}
            </p>
            <p>
                <button type="button" class="button button--primary" on:click=|_| reload()>
                    {leptos_i18n::td_string!(crate::lang::page_lang().locale(), shell.try_again)}
                </button>
            </p>
        </div>
    }
    .into_any()
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// `lazy_part!(chunk, Component)` puts a component that a first visit does
/// not need (a dialog, a signed-in member's notice) in the split module
/// `chunk`; `chunk::view()` fetches it and gives its view.
macro_rules! lazy_part {
    ($chunk:ident, $component:path) => {
        mod $chunk {
            use leptos::prelude::*;

            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
            pub fn view() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$component /> }.into_any())
            }

            #[cfg(not(feature = "split"))]
            pub async fn view() -> Result<AnyView, $crate::pages::lazy::PageLoadFailed> {
                Ok(view! { <$component /> }.into_any())
            }
        }
    };
}

pub(crate) use lazy_part;

/// Shows a [`lazy_part!`] once `wanted` has been true, and keeps it from
/// then on. If its code cannot be fetched, a note says so in its place.
pub fn lazy_part_when<F>(wanted: Signal<bool>, load: fn() -> F) -> impl IntoView
where
    F: std::future::Future<Output = Result<AnyView, PageLoadFailed>> + 'static,
{
    // The part's reactive owner is this one, not the effect's.
    let owner = Owner::current();
    let part: StoredValue<Option<AnyView>, LocalStorage> = StoredValue::new_local(None);
    let arrived = RwSignal::new(false);
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || !wanted.get() {
            return started == Some(true);
        }
        let fetch = async move {
            let view = load().await.unwrap_or_else(|_| part_failed());
            part.set_value(Some(view));
            arrived.set(true);
        };
        match &owner {
            Some(owner) => owner.with(|| leptos::reactive::spawn_local_scoped(fetch)),
            None => leptos::task::spawn_local(fetch),
        }
        true
    });
    move || arrived.get().then(|| part.try_update_value(Option::take).flatten()).flatten()
}

fn part_failed() -> AnyView {
    view! {
        <p class="banner banner--warning" role="alert">
            {leptos_i18n::td_string!(crate::lang::page_lang().locale(), page_load.part_failed)}
        </p>
    }
    .into_any()
}
