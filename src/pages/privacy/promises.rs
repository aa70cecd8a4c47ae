//! `/privacy/promises[?version=N]`: every promise a version of the privacy
//! policy makes (the version in effect by default), grouped by the section
//! that makes it: how Curtain keeps it, the control a member uses, how long
//! things are kept, and the tests that prove it.

use curtain_api::policy::{PolicyStatus, PolicyVersionSummary, Promise, PromiseList};
use leptos::prelude::*;
use crate::router::A;
use crate::router::use_query_map;

use crate::api::{self, ApiError};
use crate::components::policy_document::{long_date, urgent_sentence};
use crate::dom::{scroll_to_location_hash, set_page_title};
use curtain_ui::lang::fill;
use leptos_i18n::td_string;

#[component]
pub fn PolicyPromisesPage() -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    set_page_title(Some(td_string!(l, promises_page.heading)));
    let query = use_query_map();
    let version = move || query.with(|q| q.get("version"));
    let list = LocalResource::new(move || api::policy::promises(version()));
    let retrying = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(result) = list.get() else { return };
        retrying.set(false);
        // `#promise-<id>` in the address: the browser tried before it existed.
        if result.is_ok() {
            scroll_to_location_hash();
        }
    });
    let retry = Callback::new(move |()| {
        retrying.set(true);
        list.refetch();
    });
    view! {
        <div class="page promises">
            <h1>{td_string!(l, promises_page.heading)}</h1>
            <p class="lede">{td_string!(l, promises_page.lede)}</p>
            <Transition fallback=move || view! { <p class="muted" aria-busy="true">{td_string!(l, promises_page.loading)}</p> }>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Ok(list) => view! { <PromisesOfVersion list=list /> }.into_any(),
                            Err(error) => {
                                view! { <PromisesError error=error version=version() retry=retry retrying=retrying /> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// Where a version's text lives: `/privacy` for the one in effect.
fn policy_href(version: &PolicyVersionSummary) -> String {
    match version.status {
        PolicyStatus::Current => "/privacy".to_string(),
        _ => format!("/privacy/v/{}", version.version),
    }
}

/// Promises grouped under their sections, in the order the policy makes them.
#[derive(Debug, Clone, PartialEq)]
struct SectionPromises {
    id: String,
    title: String,
    promises: Vec<Promise>,
}

fn by_section(promises: Vec<Promise>) -> Vec<SectionPromises> {
    let mut sections: Vec<SectionPromises> = Vec::new();
    for promise in promises {
        match sections.iter_mut().find(|s| s.id == promise.section_id) {
            Some(section) => section.promises.push(promise),
            None => sections.push(SectionPromises {
                id: promise.section_id.clone(),
                title: promise.section_title.clone(),
                promises: vec![promise],
            }),
        }
    }
    sections
}

#[component]
fn PromisesOfVersion(list: PromiseList) -> impl IntoView {
    let version = list.version.clone();
    let policy = policy_href(&version);
    let count = list.promises.len();
    let l = crate::lang::page_lang().locale();
    let promises = if count == 1 {
        td_string!(l, promises_page.one_promise).to_string()
    } else {
        fill(td_string!(l, promises_page.n_promises), &[("n", &count)])
    };
    let date = long_date(&version.effective_date, crate::lang::page_lang());
    let template = match version.status {
        PolicyStatus::Current => td_string!(l, promises_page.current_makes),
        PolicyStatus::Upcoming => td_string!(l, promises_page.upcoming_makes),
        PolicyStatus::Past => td_string!(l, promises_page.past_made),
    };
    let which = fill(template, &[("version", &version.version), ("date", &date), ("promises", &promises)]);
    let other_version = (version.status != PolicyStatus::Current).then(|| {
        view! {
            <p class="notice__links">
                <A href="/privacy/promises">{td_string!(l, promises_page.in_effect_now)}</A>
            </p>
        }
    });
    let version_class = if other_version.is_some() { "notice notice--warning" } else { "promises__version" };
    let urgent = version.urgent_reason.as_deref().map(|reason| view! { <p class="policy__urgent">{urgent_sentence(reason, crate::lang::page_lang())}</p> });
    let sections = by_section(list.promises);
    let empty = sections.is_empty().then(|| view! { <p>{td_string!(l, promises_page.none_listed)}</p> });
    let link_to_policy = policy.clone();
    // A version not translated into the page's language: its statements are
    // quoted in English, the authoritative text, and marked so.
    let foreign = (version.language != crate::lang::page_lang().tag()).then(|| version.language.clone());
    let untranslated = foreign.is_some().then(|| {
        view! { <p id="promises-untranslated" class="notice notice--warning" role="note">{td_string!(l, policy.promises_untranslated)}</p> }
    });
    view! {
        <div id="promises-version" class=version_class>
            <p>
                {which} " "
                <A href=link_to_policy>{fill(td_string!(l, policy.read_version), &[("version", &version.version)])}</A>
                "."
            </p>
            {urgent}
            {other_version}
        </div>
        {untranslated}
        {empty}
        {sections
            .into_iter()
            .map(|section| view! { <PromiseSection section=section policy=policy.clone() text_lang=foreign.clone() /> })
            .collect_view()}
    }
}

#[component]
fn PromiseSection(
    section: SectionPromises,
    policy: String,
    /// The language of the policy's own words, when not the page's.
    text_lang: Option<String>,
) -> impl IntoView {
    let heading_id = format!("promises-{}-heading", section.id);
    let labelled_by = heading_id.clone();
    view! {
        <section id=format!("promises-{}", section.id) class="promises__section" aria-labelledby=labelled_by>
            <h2 id=heading_id lang=text_lang.clone()>{section.title}</h2>
            <ul class="promises__list">
                {section
                    .promises
                    .into_iter()
                    .map(|promise| view! { <li><PromiseCard promise=promise policy=policy.clone() text_lang=text_lang.clone() /></li> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// `article#promise-<id>`, named by its statement, so `#promise-<id>` links
/// here and a screen reader announces which promise it is.
#[component]
fn PromiseCard(promise: Promise, policy: String, text_lang: Option<String>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let id = format!("promise-{}", promise.id);
    let statement_id = format!("{id}-statement");
    let (labelled_by, described_by) = (statement_id.clone(), statement_id.clone());
    let source = format!("{policy}#{id}");
    let control = promise.control.map(|control| {
        view! {
            <dt>{td_string!(l, promises_page.control)}</dt>
            <dd><A href=control.href>{control.label}</A></dd>
        }
    });
    let retention = promise.retention.map(|retention| {
        view! {
            <dt>{td_string!(l, promises_page.kept)}</dt>
            <dd>{retention}</dd>
        }
    });
    view! {
        <article id=id class="card promise-item" aria-labelledby=labelled_by>
            <h3 id=statement_id class="promise-item__statement" tabindex="-1">
                <q lang=text_lang>{promise.statement}</q>
            </h3>
            <p class="promise-item__source">
                <A href=source attr:class="promise-item__source-link" attr:aria-describedby=described_by>
                    {td_string!(l, promises_page.read_in_policy)}
                </A>
            </p>
            <dl class="promise-item__facts">
                <dt>{td_string!(l, promises_page.how)}</dt>
                <dd class="promise-item__how">{promise.how}</dd>
                {control}
                {retention}
                <dt>{td_string!(l, promises_page.proved_by)}</dt>
                <dd>
                    <ul class="promise-item__tests">
                        {promise
                            .tests
                            .into_iter()
                            .map(|test| view! { <li><code>{format!("{} › {}", test.file, test.name)}</code></li> })
                            .collect_view()}
                    </ul>
                </dd>
            </dl>
        </article>
    }
}

/// Why the promises did not load. A version that does not exist is said so,
/// with the way to the version in effect; anything else can be tried again.
#[component]
fn PromisesError(
    error: ApiError,
    version: Option<String>,
    retry: Callback<()>,
    retrying: RwSignal<bool>,
) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let refused = matches!(error, ApiError::Http { status: 400..=499, .. });
    let message = error_message(&error, version.as_deref());
    let next = if refused {
        view! {
            <p>
                <A href="/privacy/promises">{td_string!(l, promises_page.see_in_effect)}</A>
            </p>
        }
        .into_any()
    } else {
        view! {
            <button
                type="button"
                class="button button--secondary retry"
                disabled=move || retrying.get()
                aria-busy=move || retrying.get().then_some("true")
                on:click=move |_| retry.run(())
            >
                {td_string!(l, shell.try_again)}
            </button>
        }
        .into_any()
    };
    view! {
        <div id="promises-error" class="form-error" role="alert">
            <p class="form-error__message">{message}</p>
            <div class="form-error__next">{next}</div>
        </div>
    }
}

/// What the server said, unless it was a bare "not found" for the version
/// asked for: then which version does not exist.
fn error_message(error: &ApiError, version: Option<&str>) -> String {
    let message = error.message();
    match (error, version) {
        (ApiError::Http { status: 404, .. }, Some(n)) if !message.contains(n.trim()) => {
            fill(td_string!(crate::lang::page_lang().locale(), promises_page.no_version), &[("version", &n.trim())])
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promise(id: &str, section: &str) -> Promise {
        Promise {
            id: id.into(),
            section_id: section.into(),
            section_title: section.to_uppercase(),
            statement: "We promise.".into(),
            how: "Like this.".into(),
            control: None,
            retention: None,
            tests: vec![],
        }
    }

    #[test]
    fn a_missing_version_is_named() {
        use curtain_api::ErrorDetail;
        let not_found = |message: &str| ApiError::Http {
            status: 404,
            body: ErrorDetail { code: "not_found".into(), message: message.into(), fields: Default::default() },
        };
        assert_eq!(error_message(&not_found("There is nothing here."), Some("999")), "There is no version 999 of the privacy policy.");
        let specific = "There is no version 999 of the privacy policy. Versions go from 1 to 5.";
        assert_eq!(error_message(&not_found(specific), Some("999")), specific);
        assert_eq!(error_message(&ApiError::Unreachable, Some("3")), ApiError::Unreachable.message());
    }

    #[test]
    fn promises_stay_in_order_under_their_sections() {
        let grouped = by_section(vec![promise("a", "one"), promise("b", "two"), promise("c", "one")]);
        let shape: Vec<(&str, Vec<&str>)> =
            grouped.iter().map(|s| (s.id.as_str(), s.promises.iter().map(|p| p.id.as_str()).collect())).collect();
        assert_eq!(shape, [("one", vec!["a", "c"]), ("two", vec!["b"])]);
        assert_eq!(grouped[0].title, "ONE");
    }
}
