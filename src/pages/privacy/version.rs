//! `/privacy/v/:n`: one version, at an address that never changes.

use leptos::prelude::*;
use crate::router::use_params_map;

use super::PolicyLoaded;
use crate::api;
use crate::dom::set_page_title;
use curtain_ui::policy::PolicyPageFrame;

#[component]
pub fn PolicyVersionPage() -> impl IntoView {
    let params = use_params_map();
    let n = move || params.with(|p| p.get("n").unwrap_or_default());
    let doc = LocalResource::new(move || api::policy::version(n()));
    Effect::new(move |_| {
        let title = n().parse::<u32>().map(|n| curtain_ui::policy::version_heading(n, crate::lang::page_lang()));
        set_page_title(Some(title.as_deref().unwrap_or(curtain_ui::policy::policy_heading(crate::lang::page_lang()))));
    });
    view! {
        <PolicyPageFrame heading=Signal::derive(move || {
            let heading = leptos_i18n::td_string!(crate::lang::page_lang().locale(), policy.version_heading);
            curtain_ui::lang::fill(heading, &[("version", &n())])
        })>
            <PolicyLoaded doc=doc />
        </PolicyPageFrame>
    }
}
