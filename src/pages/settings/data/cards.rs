//! The markup of "Your data": a card per kind of data (heading, what it is,
//! how long it is kept, the member's values, the link to its control), lists
//! folded after a few entries. Everything it says comes from `kinds.rs`.

use curtain_api::retention::Retention;
use leptos::prelude::*;
use serde_json::Value;

use super::kinds::{self, Body, Ctx, Entry, Fact, Group, Shown};
use curtain_ui::lang::fill;
use leptos_i18n::td_string;
use super::words::{count_words, kept_sentence, name_words, period_for, short_reference};

/// Lists show this many entries, and fold the rest.
const SHOWN_AT_FIRST: usize = 3;

fn value(shown: Shown) -> AnyView {
    match shown {
        Shown::Words(words) => words.into_any(),
        Shown::Verbatim(text) => view! { <span class="data-verbatim">{text}</span> }.into_any(),
        Shown::Reference(full) => view! {
            <details class="data-ref">
                <summary>{fill(td_string!(crate::lang::page_lang().locale(), your_data.reference_short), &[("short", &short_reference(&full))])}</summary>
                <code class="data-ref__full">{full}</code>
            </details>
        }
        .into_any(),
    }
}

fn facts(facts: Vec<Fact>) -> Option<AnyView> {
    (!facts.is_empty()).then(|| {
        view! {
            <dl class="data-facts">
                {facts
                    .into_iter()
                    .map(|f| view! { <div><dt>{f.label}</dt><dd>{value(f.value)}</dd></div> })
                    .collect_view()}
            </dl>
        }
        .into_any()
    })
}

fn entry(e: Entry) -> AnyView {
    let line = (!e.lead.is_empty() || !e.rest.is_empty()).then(|| {
        let badge = e.badge.map(|b| view! { <span class="session__badge">{b}</span> });
        let lead = (!e.lead.is_empty()).then(|| view! { <strong>{e.lead}</strong> });
        (lead, e.rest, badge)
    });
    let note = e.note.map(|n| view! { <p class="data-entry__note">{n}</p> });
    let facts = facts(e.facts);
    match e.folded {
        // The line is the fold's summary: the text (an e-mail's) opens under it.
        Some(text) => view! {
            <li class="data-entry">
                <details class="data-mail">
                    <summary>{line}</summary>
                    {note}
                    {facts}
                    <p class="data-mail__body data-verbatim">{text}</p>
                </details>
            </li>
        }
        .into_any(),
        None => view! {
            <li class="data-entry">
                {line.map(|line| view! { <p class="data-entry__line">{line}</p> })}
                {note}
                {facts}
            </li>
        }
        .into_any(),
    }
}

fn body(body: Body) -> AnyView {
    match body {
        Body::Facts(list) => facts(list).into_any(),
        Body::List { entries, empty, .. } if entries.is_empty() => {
            view! { <p class="muted data-kind__empty">{empty}</p> }.into_any()
        }
        Body::List { mut entries, noun, .. } => {
            let total = entries.len();
            let rest = entries.split_off(total.min(SHOWN_AT_FIRST));
            let more = (!rest.is_empty()).then(|| {
                let label = fill(
                    td_string!(crate::lang::page_lang().locale(), your_data.show_more),
                    &[("n", &rest.len()), ("all", &count_words(total, noun.0, noun.1))],
                );
                view! {
                    <details class="data-more">
                        <summary>{label}</summary>
                        <ul class="data-entries">{rest.into_iter().map(entry).collect_view()}</ul>
                    </details>
                }
            });
            view! {
                <ul class="data-entries">{entries.into_iter().map(entry).collect_view()}</ul>
                {more}
            }
            .into_any()
        }
        Body::Nothing(words) => view! { <p class="muted data-kind__empty">{words}</p> }.into_any(),
        Body::Words(words) => view! { <p>{words}</p> }.into_any(),
    }
}

/// One card. `retention` is `None` until the periods have loaded (or when
/// they failed to: the page says so where they are listed).
fn card(
    id: String,
    title: String,
    about: &'static str,
    section: &str,
    retention: Option<&Retention>,
    values: Body,
    control: (&'static str, &'static str),
) -> AnyView {
    let kept = retention.map(|r| match period_for(Some(r), section) {
        Some(period) => kept_sentence(period),
        None => td_string!(crate::lang::page_lang().locale(), your_data.kept_unknown).into(),
    });
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="data-kind" id=id aria-labelledby=labelled_by>
            <h3 id=heading>{title}</h3>
            <p class="data-kind__about">{about}</p>
            {kept.map(|kept| view! { <p class="data-kind__kept">{kept}</p> })}
            {body(values)}
            <p class="data-kind__control">
                <a href=crate::lang::page().path(control.0)>{control.1}</a>
            </p>
        </section>
    }
    .into_any()
}

/// The cards of one group, for this export.
pub fn cards(group: Group, export: &Value, ctx: &Ctx, retention: Option<&Retention>) -> Vec<AnyView> {
    if group == Group::Other {
        return kinds::unknown_sections(export)
            .into_iter()
            .map(|(key, v)| {
                card(
                    kinds::section_id(key),
                    name_words(key),
                    td_string!(crate::lang::page_lang().locale(), your_data.other_about),
                    key,
                    retention,
                    kinds::generic_body(v, ctx),
                    ("/privacy/request", td_string!(crate::lang::page_lang().locale(), your_data.other_control)),
                )
            })
            .collect();
    }
    kinds::kinds()
        .into_iter()
        .filter(|kind| kind.group == group)
        .filter_map(|kind| {
            let v = kinds::section(export, kind.section)?;
            Some(card(
                kind.id.to_string(),
                kind.title.to_string(),
                kind.about,
                kind.section,
                retention,
                kinds::body(kind.part, v, ctx),
                kind.control,
            ))
        })
        .collect()
}
