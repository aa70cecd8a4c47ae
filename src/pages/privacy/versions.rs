//! `/privacy/versions`: every version with its date, status, whether it was a
//! material change, its summary, and a way to compare any two.

use curtain_api::policy::{PolicyStatus, PolicyVersionList};
use leptos::prelude::*;
use leptos_router::components::A;

use super::LoadError;
use crate::api;
use crate::components::policy_compare::PolicyCompareForm;
use crate::components::policy_document::{compare_href, long_date, urgent_sentence};
use crate::dom::set_page_title;

#[component]
pub fn PolicyVersionsPage() -> impl IntoView {
    set_page_title(Some("Privacy policy versions"));
    let list = LocalResource::new(api::policy::versions);
    view! {
        <div class="page policy">
            <h1>"Privacy policy versions"</h1>
            <p class="lede">
                "Every version we have published, newest first. Each has a permanent address, and you can compare any two."
            </p>
            <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Loading the versions…"</p> }>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Ok(list) => versions_view(list).into_any(),
                            Err(error) => view! { <LoadError id="policy-error" error=error /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

fn versions_view(list: PolicyVersionList) -> impl IntoView {
    let rows = list.versions.clone();
    view! {
        <div class="table-wrap">
            <table id="policy-versions" class="policy-versions">
                <caption class="visually-hidden">"Versions of the privacy policy"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Effective"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Summary"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|v| {
                            let previous = (v.version > 1).then(|| v.version - 1);
                            let (status, status_class) = match v.status {
                                PolicyStatus::Current => ("Current", "badge badge--current"),
                                PolicyStatus::Upcoming => ("Upcoming", "badge badge--upcoming"),
                                PolicyStatus::Past => ("Past", "badge"),
                            };
                            view! {
                                <tr id=format!("policy-version-{}", v.version)>
                                    <th scope="row">
                                        <A href=format!("/privacy/v/{}", v.version)>{format!("Version {}", v.version)}</A>
                                    </th>
                                    <td>{long_date(&v.effective_date)}</td>
                                    <td><span class=status_class>{status}</span></td>
                                    <td>
                                        {if v.material {
                                            view! { <span class="badge badge--material">"Material"</span> }.into_any()
                                        } else {
                                            view! { <span class="muted">"Wording"</span> }.into_any()
                                        }}
                                    </td>
                                    <td>
                                        {v.summary.clone()}
                                        {previous
                                            .map(|p| {
                                                view! {
                                                    " "
                                                    <A href=compare_href(p, v.version)>
                                                        {format!("What changed from version {p}")}
                                                    </A>
                                                }
                                            })}
                                        {v.urgent_reason.as_deref().map(|reason| {
                                            view! { <p class="policy__urgent">{urgent_sentence(reason)}</p> }
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <section class="card policy__compare" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare two versions"</h2>
            <PolicyCompareForm versions=list.versions />
        </section>
    }
}
