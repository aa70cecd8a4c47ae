//! First-party page views: sent only while analytics consent holds and the
//! server has its receipt. Without consent this sends nothing at all.

use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::use_location;

use super::use_consent;
use crate::api;

/// Counts the page shown now, and each page navigated to after it.
#[component]
pub fn PageViews() -> impl IntoView {
    let consent = use_consent();
    let location = use_location();
    // A memo, so changing another category does not count the page twice.
    let active = Memo::new(move |_| consent.analytics_active());
    Effect::new(move |_| {
        // Counted per page, whatever its language: the address without its prefix.
        let path = curtain_ui::switch::without_prefix(&location.pathname.get());
        if active.get() {
            spawn_local(async move {
                // A page view that does not arrive is not worth bothering anyone about.
                let _ = api::consent::page_view(&path).await;
            });
        }
    });
}
