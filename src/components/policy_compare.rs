//! The "compare two versions" control: two labelled lists and a button that
//! opens the compare page for the pair.

use curtain_api::policy::{PolicyStatus, PolicyVersionSummary};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::policy_document::{compare_href, long_date};
use crate::dom::focus_soon;

/// The option text for one version.
pub fn version_label(v: &PolicyVersionSummary) -> String {
    let status = match v.status {
        PolicyStatus::Current => " (current)",
        PolicyStatus::Upcoming => " (upcoming)",
        PolicyStatus::Past => "",
    };
    format!("Version {}, {}{status}", v.version, long_date(&v.effective_date))
}

/// What to preselect when the page names no pair: the version before the
/// current one, and the current one.
pub fn default_pair(versions: &[PolicyVersionSummary]) -> (u32, u32) {
    let current = versions.iter().find(|v| v.status == PolicyStatus::Current).map_or(1, |v| v.version);
    let previous = versions.iter().map(|v| v.version).filter(|n| *n < current).max().unwrap_or(current);
    (previous, current)
}

#[component]
pub fn PolicyCompareForm(
    versions: Vec<PolicyVersionSummary>,
    #[prop(optional)] from: Option<u32>,
    #[prop(optional)] to: Option<u32>,
) -> impl IntoView {
    let navigate = use_navigate();
    let (default_from, default_to) = default_pair(&versions);
    let known = |n: Option<u32>| n.filter(|n| versions.iter().any(|v| v.version == *n));
    let from = RwSignal::new(known(from).unwrap_or(default_from).to_string());
    let to = RwSignal::new(known(to).unwrap_or(default_to).to_string());
    let error = RwSignal::new(None::<String>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (a, b) = (from.get_untracked(), to.get_untracked());
        match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a != b => {
                error.set(None);
                navigate(&compare_href(a, b), Default::default());
            }
            _ => {
                error.set(Some("Pick two different versions to compare.".into()));
                focus_soon("compare-to");
            }
        }
    };
    let options = move |selected: RwSignal<String>| {
        versions
            .iter()
            .map(|v| {
                let value = v.version.to_string();
                let is_selected = {
                    let value = value.clone();
                    move || selected.get() == value
                };
                view! { <option value=value selected=is_selected>{version_label(v)}</option> }
            })
            .collect_view()
    };
    let invalid = move || error.with(Option::is_some);
    view! {
        <form id="compare-form" class="compare-form" on:submit=on_submit novalidate=true>
            <div class="field compare-form__field">
                <label class="field__label" for="compare-from">"From version"</label>
                <select id="compare-from" class="input" on:change=move |ev| from.set(event_target_value(&ev))>
                    {options(from)}
                </select>
            </div>
            <div class="field compare-form__field" class:field--invalid=invalid>
                <label class="field__label" for="compare-to">"To version"</label>
                <select
                    id="compare-to"
                    class="input"
                    aria-invalid=move || invalid().then_some("true")
                    aria-describedby=move || invalid().then_some("compare-form-error")
                    on:change=move |ev| to.set(event_target_value(&ev))
                >
                    {options(to)}
                </select>
            </div>
            <div class="compare-form__actions">
                <button id="compare-submit" type="submit" class="button button--secondary">"Compare"</button>
            </div>
            {move || error.get().map(|message| view! { <p id="compare-form-error" class="field-error">{message}</p> })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u32, status: PolicyStatus) -> PolicyVersionSummary {
        PolicyVersionSummary { version: n, effective_date: "2026-06-01".into(), status, material: false, summary: String::new(), urgent_reason: None }
    }

    #[test]
    fn the_default_pair_is_the_last_change_in_effect() {
        let list = [v(4, PolicyStatus::Upcoming), v(3, PolicyStatus::Current), v(2, PolicyStatus::Past), v(1, PolicyStatus::Past)];
        assert_eq!(default_pair(&list), (2, 3));
        assert_eq!(default_pair(&[v(1, PolicyStatus::Current)]), (1, 1));
    }

    #[test]
    fn options_say_which_version_is_current() {
        assert_eq!(version_label(&v(3, PolicyStatus::Current)), "Version 3, 1 June 2026 (current)");
    }
}
