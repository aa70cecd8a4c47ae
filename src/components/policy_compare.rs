//! The "compare two versions" control: the view is shared with the server
//! (`curtain_ui::compare`); here it opens the compare page in place.

use curtain_ui::compare::{compare_address, PolicyCompareForm};
use curtain_ui::diff::DiffLayout;
use leptos::prelude::*;
use crate::router::use_navigate;

/// The compare form, opening the pair in the app.
#[component]
pub fn CompareControl(
    versions: Vec<curtain_api::policy::PolicyVersionSummary>,
    #[prop(optional)] from: Option<u32>,
    #[prop(optional)] to: Option<u32>,
    #[prop(optional, into)] layout: Option<Signal<DiffLayout>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let on_compare = Callback::new(move |(a, b): (u32, u32)| {
        let layout = layout.map(|l| l.get_untracked()).unwrap_or_default();
        navigate(&compare_address(a, b, layout), Default::default());
    });
    view! { <PolicyCompareForm versions=versions from=from.unwrap_or(0) to=to.unwrap_or(0) on_compare=on_compare /> }
}
