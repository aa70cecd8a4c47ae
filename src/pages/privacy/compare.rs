//! `/privacy/compare?from=&to=[&view=side]`: what changed between two
//! versions, word by word, inline or side by side (the layout is in the
//! address, so a link keeps it).

use curtain_ui::compare::{compare_address, compare_heading, DiffLayoutSwitch};
use curtain_ui::diff::{DiffLayout, PolicyDiffView};
use curtain_ui::policy::PolicyPageFrame;
use leptos::prelude::*;
use crate::router::{use_navigate, use_query_map};
use crate::router::NavigateOptions;

use super::LoadError;
use crate::api;
use crate::components::policy_compare::CompareControl;
use crate::dom::{page_ready, scroll_to_id, set_page_title};

#[component]
pub fn PolicyComparePage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), compare.heading)));
    let query = use_query_map();
    let from = move || query.with(|q| q.get("from"));
    let to = move || query.with(|q| q.get("to"));
    let layout = Signal::derive(move || query.with(|q| DiffLayout::from_query(q.get("view").as_deref())));
    let diff = LocalResource::new(move || {
        let (from, to) = (from(), to());
        async move {
            match (from, to) {
                (None, None) => None,
                (from, to) => Some(api::policy::diff(from.unwrap_or_default(), to.unwrap_or_default()).await),
            }
        }
    });
    let versions = LocalResource::new(api::policy::versions);
    Effect::new(move |_| {
        if diff.get().is_some() && versions.get().is_some() {
            page_ready();
        }
    });
    let navigate = use_navigate();
    // A comparison reads from the older version to the newer: asked the
    // other way round, the address is put right, so the pickers, the address
    // and the changes agree (the server does the same for a first load).
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            let number = |v: Option<String>| v.and_then(|v| v.trim().parse::<u32>().ok());
            if let (Some(a), Some(b)) = (number(from()), number(to())) {
                if a > b {
                    let address = compare_address(b, a, layout.get_untracked());
                    navigate(&address, NavigateOptions { replace: true, scroll: false, ..Default::default() });
                }
            }
        }
    });
    let on_layout = Callback::new(move |which: DiffLayout| {
        let pair = (from().and_then(|f| f.trim().parse().ok()), to().and_then(|t| t.trim().parse().ok()));
        if let (Some(a), Some(b)) = pair {
            navigate(&compare_address(a, b, which), NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });
    let on_jump = Callback::new(|id: String| {
        scroll_to_id(&id, true);
    });

    let form = move || {
        versions.get().map(|result| match result {
            Ok(list) => {
                let from = from().and_then(|f| f.trim().parse().ok());
                let to = to().and_then(|t| t.trim().parse().ok());
                view! { <CompareControl versions=list.versions from=from.unwrap_or(0) to=to.unwrap_or(0) layout=layout /> }
                    .into_any()
            }
            // The diff below says what is wrong; the form cannot be offered.
            Err(_) => ().into_any(),
        })
    };

    let l = crate::lang::page_lang().locale();
    let (comparing, pick_above) = (leptos_i18n::td_string!(l, compare.comparing), leptos_i18n::td_string!(l, compare.pick_above));
    view! {
        <PolicyPageFrame heading=compare_heading(crate::lang::page_lang()).to_string()>
            <section class="card policy__compare" aria-label=leptos_i18n::td_string!(l, compare.versions_label)>
                <Transition fallback=|| ()>{form}</Transition>
            </section>
            <DiffLayoutSwitch layout=layout from=Signal::derive(from) to=Signal::derive(to) on_layout=on_layout />
            <Transition fallback=move || view! { <p class="muted" aria-busy="true">{comparing}</p> }>
                {move || {
                    diff.get()
                        .map(|result| match result {
                            None => view! { <p class="hint">{pick_above}</p> }.into_any(),
                            Some(Ok(diff)) => view! { <PolicyDiffView diff=diff layout=layout on_jump=on_jump /> }.into_any(),
                            Some(Err(error)) => view! { <LoadError id="compare-error" error=error /> }.into_any(),
                        })
                }}
            </Transition>
        </PolicyPageFrame>
    }
}
