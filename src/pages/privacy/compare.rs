//! `/privacy/compare?from=&to=`: what changed between two versions, word by
//! word, inline or side by side.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::LoadError;
use crate::api;
use crate::components::policy_compare::PolicyCompareForm;
use crate::components::policy_diff::{DiffLayout, PolicyDiffView};
use crate::dom::set_page_title;

#[component]
pub fn PolicyComparePage() -> impl IntoView {
    set_page_title(Some("Compare privacy policy versions"));
    let query = use_query_map();
    let from = move || query.with(|q| q.get("from"));
    let to = move || query.with(|q| q.get("to"));
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
    let layout = RwSignal::new(DiffLayout::Inline);

    let form = move || {
        versions.get().map(|result| match result {
            Ok(list) => {
                let from = from().and_then(|f| f.trim().parse().ok());
                let to = to().and_then(|t| t.trim().parse().ok());
                view! { <PolicyCompareForm versions=list.versions from=from.unwrap_or(0) to=to.unwrap_or(0) /> }
                    .into_any()
            }
            // The diff below says what is wrong; the form cannot be offered.
            Err(_) => ().into_any(),
        })
    };
    let toggle = move |which: DiffLayout, id: &'static str, label: &'static str| {
        view! {
            <button
                id=id
                type="button"
                class="button button--small button--secondary diff__toggle"
                aria-pressed=move || if layout.get() == which { "true" } else { "false" }
                on:click=move |_| layout.set(which)
            >
                {label}
            </button>
        }
    };

    view! {
        <div class="page policy">
            <h1>"Compare privacy policy versions"</h1>
            <section class="card policy__compare" aria-label="Versions to compare">
                <Transition fallback=|| ()>{form}</Transition>
            </section>
            <div class="diff__toolbar" role="group" aria-label="Show changes">
                {toggle(DiffLayout::Inline, "diff-view-inline", "Inline")}
                {toggle(DiffLayout::SideBySide, "diff-view-side", "Side by side")}
            </div>
            <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Comparing…"</p> }>
                {move || {
                    diff.get()
                        .map(|result| match result {
                            None => view! { <p class="hint">"Pick two versions above to see what changed."</p> }.into_any(),
                            Some(Ok(diff)) => view! { <PolicyDiffView diff=diff layout=layout /> }.into_any(),
                            Some(Err(error)) => view! { <LoadError id="compare-error" error=error /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}
