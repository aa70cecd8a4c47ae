//! `/privacy/versions`: every version with its date, status, whether it was a
//! material change, its summary, and a way to compare any two.

use curtain_api::policy::PolicyVersionList;
use curtain_ui::policy::{compare_href, versions_heading, versions_lede, PolicyPageFrame, PolicyVersionsView};
use crate::router::use_navigate;
use leptos::prelude::*;

use super::LoadError;
use crate::api;
use crate::dom::{page_ready, set_page_title};

#[component]
pub fn PolicyVersionsPage() -> impl IntoView {
    set_page_title(Some(curtain_ui::policy::versions_heading(crate::lang::page_lang())));
    let list = LocalResource::new(api::policy::versions);
    Effect::new(move |_| {
        if list.get().is_some() {
            page_ready();
        }
    });
    let lang = crate::lang::page_lang();
    let loading = leptos_i18n::td_string!(lang.locale(), policy.loading_versions);
    view! {
        <PolicyPageFrame heading=versions_heading(lang).to_string() lede=versions_lede(lang)>
            <Transition fallback=move || view! { <p class="muted" aria-busy="true">{loading}</p> }>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Ok(list) => versions_view(list).into_any(),
                            Err(error) => view! { <LoadError id="policy-error" error=error /> }.into_any(),
                        })
                }}
            </Transition>
        </PolicyPageFrame>
    }
}

fn versions_view(list: PolicyVersionList) -> impl IntoView {
    let navigate = use_navigate();
    let on_compare = Callback::new(move |(a, b): (u32, u32)| navigate(&compare_href(a, b), Default::default()));
    view! { <PolicyVersionsView versions=list.versions on_compare=on_compare /> }
}
