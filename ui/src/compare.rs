//! The compare page's controls: the two version lists and the layout
//! switch. Both are real `GET` forms to `/privacy/compare`, so they work
//! without JavaScript; the SPA answers them in place.

use curtain_api::policy::{PolicyStatus, PolicyVersionSummary};
use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::diff::DiffLayout;
use crate::policy::{long_date, version_name};
use crate::{page_lang, Lang};

/// What `/privacy/compare` is called (the page's title, in English).
pub const COMPARE_HEADING: &str = "Compare privacy policy versions";

/// The compare page's heading in `lang`.
pub fn compare_heading(lang: Lang) -> &'static str {
    td_string!(lang.locale(), compare.heading)
}

/// The option text for one version.
pub fn version_label(v: &PolicyVersionSummary, lang: Lang) -> String {
    let l = lang.locale();
    let status = match v.status {
        PolicyStatus::Current => td_string!(l, compare.option_current),
        PolicyStatus::Upcoming => td_string!(l, compare.option_upcoming),
        PolicyStatus::Past => "",
    };
    format!("{}, {}{status}", version_name(v.version, lang), long_date(&v.effective_date, lang))
}

/// What to preselect when the page names no pair: the version before the
/// current one, and the current one.
pub fn default_pair(versions: &[PolicyVersionSummary]) -> (u32, u32) {
    let current = versions.iter().find(|v| v.status == PolicyStatus::Current).map_or(1, |v| v.version);
    let previous = versions.iter().map(|v| v.version).filter(|n| *n < current).max().unwrap_or(current);
    (previous, current)
}

/// The compare page's address for two versions, with the layout when it is
/// not the default.
pub fn compare_address(from: u32, to: u32, layout: DiffLayout) -> String {
    match layout {
        DiffLayout::Inline => format!("/privacy/compare?from={from}&to={to}"),
        DiffLayout::SideBySide => format!("/privacy/compare?from={from}&to={to}&view=side"),
    }
}

/// Two labelled lists and a button. The SPA's `on_compare` gets the pair
/// (two different versions; otherwise the form says so and keeps focus on
/// the second list); without it the form goes to the page itself.
#[component]
pub fn PolicyCompareForm(
    versions: Vec<PolicyVersionSummary>,
    #[prop(optional)] from: Option<u32>,
    #[prop(optional)] to: Option<u32>,
    #[prop(optional)] on_compare: Option<Callback<(u32, u32)>>,
) -> impl IntoView {
    let lang = page_lang().lang;
    let l = lang.locale();
    let (default_from, default_to) = default_pair(&versions);
    let known = |n: Option<u32>| n.filter(|n| versions.iter().any(|v| v.version == *n));
    let from = RwSignal::new(known(from).unwrap_or(default_from).to_string());
    let to = RwSignal::new(known(to).unwrap_or(default_to).to_string());
    let error = RwSignal::new(None::<String>);
    let to_ref = NodeRef::<leptos::html::Select>::new();

    let on_submit = move |ev: SubmitEvent| {
        let Some(on_compare) = on_compare else { return };
        ev.prevent_default();
        match (from.get_untracked().parse::<u32>(), to.get_untracked().parse::<u32>()) {
            (Ok(a), Ok(b)) if a != b => {
                error.set(None);
                on_compare.run((a, b));
            }
            _ => {
                error.set(Some(td_string!(l, compare.pick_two).into()));
                if let Some(select) = to_ref.get_untracked() {
                    let _ = select.focus();
                }
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
                view! { <option value=value selected=is_selected>{version_label(v, lang)}</option> }
            })
            .collect_view()
    };
    let invalid = move || error.with(Option::is_some);
    view! {
        <form id="compare-form" class="compare-form" method="get" action=page_lang().path("/privacy/compare") on:submit=on_submit novalidate=true>
            <div class="field compare-form__field">
                <label class="field__label" for="compare-from">{td_string!(l, compare.from)}</label>
                <select id="compare-from" name="from" class="input" on:change=move |ev| from.set(event_target_value(&ev))>
                    {options(from)}
                </select>
            </div>
            <div class="field compare-form__field" class:field--invalid=invalid>
                <label class="field__label" for="compare-to">{td_string!(l, compare.to)}</label>
                <select
                    id="compare-to"
                    name="to"
                    class="input"
                    node_ref=to_ref
                    aria-invalid=move || invalid().then_some("true")
                    aria-describedby=move || invalid().then_some("compare-form-error")
                    on:change=move |ev| to.set(event_target_value(&ev))
                >
                    {options(to)}
                </select>
            </div>
            <div class="compare-form__actions">
                <button id="compare-submit" type="submit" class="button button--secondary">{td_string!(l, compare.submit)}</button>
            </div>
            {move || error.get().map(|message| view! { <p id="compare-form-error" class="field-error">{message}</p> })}
        </form>
    }
}

/// "Inline" and "Side by side": toggle buttons that, without JavaScript,
/// reload the page with `view=` set (so the layout is in the address either
/// way).
#[component]
pub fn DiffLayoutSwitch(
    #[prop(into)] layout: Signal<DiffLayout>,
    /// The pair on show, kept when the form is sent.
    #[prop(into)]
    from: Signal<Option<String>>,
    #[prop(into)]
    to: Signal<Option<String>>,
    #[prop(optional)] on_layout: Option<Callback<DiffLayout>>,
) -> impl IntoView {
    let toggle = move |which: DiffLayout, id: &'static str, value: &'static str, label: &'static str| {
        let on_click = move |ev: MouseEvent| {
            if let Some(on_layout) = on_layout {
                ev.prevent_default();
                on_layout.run(which);
            }
        };
        view! {
            <button
                id=id
                type="submit"
                name="view"
                value=value
                class="button button--small button--secondary diff__toggle"
                aria-pressed=move || if layout.get() == which { "true" } else { "false" }
                on:click=on_click
            >
                {label}
            </button>
        }
    };
    let l = page_lang().lang.locale();
    view! {
        <form method="get" action=page_lang().path("/privacy/compare")>
            {move || from.get().map(|from| view! { <input type="hidden" name="from" value=from /> })}
            {move || to.get().map(|to| view! { <input type="hidden" name="to" value=to /> })}
            <div class="diff__toolbar" role="group" aria-label=td_string!(l, compare.layout_label)>
                {toggle(DiffLayout::Inline, "diff-view-inline", "inline", td_string!(l, compare.inline))}
                {toggle(DiffLayout::SideBySide, "diff-view-side", "side", td_string!(l, compare.side_by_side))}
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u32, status: PolicyStatus) -> PolicyVersionSummary {
        PolicyVersionSummary { version: n, effective_date: "2026-06-01".into(), status, material: false, summary: String::new(), urgent_reason: None, language: "en".into() }
    }

    #[test]
    fn the_default_pair_is_the_last_change_in_effect() {
        let list = [v(4, PolicyStatus::Upcoming), v(3, PolicyStatus::Current), v(2, PolicyStatus::Past), v(1, PolicyStatus::Past)];
        assert_eq!(default_pair(&list), (2, 3));
        assert_eq!(default_pair(&[v(1, PolicyStatus::Current)]), (1, 1));
    }

    #[test]
    fn options_say_which_version_is_current() {
        assert_eq!(version_label(&v(3, PolicyStatus::Current), Lang::En), "Version 3, 1 June 2026 (current)");
        assert_eq!(version_label(&v(3, PolicyStatus::Current), Lang::De), "Version 3, 1. Juni 2026 (aktuell)");
        assert_eq!(version_label(&v(4, PolicyStatus::Upcoming), Lang::PtBr), "Versão 4, 1 de junho de 2026 (futura)");
    }

    #[test]
    fn the_layout_is_in_the_address() {
        assert_eq!(compare_address(1, 3, DiffLayout::Inline), "/privacy/compare?from=1&to=3");
        assert_eq!(compare_address(1, 3, DiffLayout::SideBySide), "/privacy/compare?from=1&to=3&view=side");
        assert_eq!(DiffLayout::from_query(Some("side")), DiffLayout::SideBySide);
        assert_eq!(DiffLayout::from_query(Some("x")), DiffLayout::Inline);
    }
}
