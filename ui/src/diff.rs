//! The differences between two versions: a list of the changed sections to
//! jump to, then every section, changed ones open and unchanged ones folded
//! away. Insertions and deletions are `<ins>`/`<del>` (underlined and struck
//! through, not only coloured) with a spoken "inserted"/"deleted" cue.

use curtain_api::policy::{side_ops, DiffKind, DiffOp, PolicyDiff, SectionChange, SectionDiff};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

use crate::lang::fill;
use crate::policy::{long_date, version_name};
use crate::{page_lang, Lang};

/// How the changes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffLayout {
    /// One text with insertions and deletions in place.
    #[default]
    Inline,
    /// The older text beside the newer one.
    SideBySide,
}

impl DiffLayout {
    /// The compare page's `view=` value: `side` for side by side, nothing
    /// for inline (the default).
    pub fn from_query(value: Option<&str>) -> DiffLayout {
        match value {
            Some("side") => DiffLayout::SideBySide,
            _ => DiffLayout::Inline,
        }
    }
}

/// The id of a section's block on the compare page (distinct from the
/// policy's own section ids, which this page does not show).
pub fn diff_section_id(section_id: &str) -> String {
    format!("diff-{section_id}")
}

/// The sections that changed in any way, in page order.
pub fn changed_sections(diff: &PolicyDiff) -> Vec<&SectionDiff> {
    diff.sections.iter().filter(|s| s.change != SectionChange::Unchanged || s.moved).collect()
}

fn change_label(section: &SectionDiff, lang: Lang) -> &'static str {
    let l = lang.locale();
    match section.change {
        SectionChange::Added => td_string!(l, diff.added),
        SectionChange::Removed => td_string!(l, diff.removed),
        SectionChange::Changed => td_string!(l, diff.changed),
        SectionChange::Unchanged if section.moved => td_string!(l, diff.moved),
        SectionChange::Unchanged => td_string!(l, diff.unchanged),
    }
}

#[component]
pub fn PolicyDiffView(
    diff: PolicyDiff,
    #[prop(into)] layout: Signal<DiffLayout>,
    /// The SPA's handler for a "changed sections" link (scroll, focus);
    /// without one the link is an ordinary `#diff-section` link.
    #[prop(optional)]
    on_jump: Option<Callback<String>>,
) -> impl IntoView {
    let lang = page_lang().lang;
    let l = lang.locale();
    // Versions not both translated into the page's language are compared in
    // English, the authoritative text, and the page says so.
    let foreign = (diff.language != lang.tag()).then(|| diff.language.clone());
    let changed: Vec<(String, String, &'static str)> =
        changed_sections(&diff).iter().map(|s| (s.id.clone(), s.title.clone(), change_label(s, lang))).collect();
    let from = diff.from.clone();
    let to = diff.to.clone();
    let summary = if changed.is_empty() {
        td_string!(l, diff.same).into_any()
    } else {
        let count = i32::try_from(changed.len()).unwrap_or(i32::MAX);
        td!(l, diff.sections_changed, count = move || count).into_any()
    };
    let jump_lang = foreign.clone();
    let jump_list = (!changed.is_empty()).then(|| {
        view! {
            <nav id="diff-changed-sections" class="diff__jump" aria-labelledby="diff-changed-heading">
                <h2 id="diff-changed-heading">{td_string!(l, diff.changed_heading)}</h2>
                <ul>
                    {changed
                        .into_iter()
                        .map(|(id, title, label)| {
                            let target = diff_section_id(&id);
                            let href = format!("#{target}");
                            let on_click = move |ev: leptos::ev::MouseEvent| {
                                if let Some(on_jump) = on_jump {
                                    ev.prevent_default();
                                    on_jump.run(target.clone());
                                }
                            };
                            view! {
                                <li>
                                    <a href=href on:click=on_click lang=jump_lang.clone()>{title}</a>
                                    " "
                                    <span class="badge">{label}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    });
    let old_label = version_name(from.version, lang);
    let new_label = version_name(to.version, lang);
    let untranslated = foreign.is_some().then(|| {
        view! {
            <p id="diff-untranslated" class="notice notice--warning" role="note">
                {td_string!(l, policy.diff_untranslated)}
            </p>
        }
    });
    view! {
        <div id="policy-diff" class="diff">
            <p class="diff__versions">
                {fill(
                    td_string!(l, diff.versions),
                    &[
                        ("from", &from.version),
                        ("from_date", &long_date(&from.effective_date, lang)),
                        ("to", &to.version),
                        ("to_date", &long_date(&to.effective_date, lang)),
                    ],
                )}
                <strong>{summary}</strong>
            </p>
            {untranslated}
            <p class="diff__summary">
                <strong>{format!("{}: ", version_name(to.version, lang))}</strong>
                <span lang=foreign.clone()>{to.summary.clone()}</span>
                {to.material.then(|| view! { " " <span class="badge badge--material">{td_string!(l, policy.material_change)}</span> })}
            </p>
            <p class="hint diff__legend">
                {td!(
                    l,
                    diff.legend,
                    <ins> = |children: ChildrenFn| view! { <ins>{children()}</ins> },
                    <del> = |children: ChildrenFn| view! { <del>{children()}</del> }
                )}
            </p>
            {jump_list}
            <div class="diff__sections" lang=foreign.clone()>
                {diff
                    .sections
                    .into_iter()
                    .map(|section| {
                        view! { <SectionDiffView section=section layout=layout old_label=old_label.clone() new_label=new_label.clone() /> }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

#[component]
fn SectionDiffView(
    section: SectionDiff,
    layout: Signal<DiffLayout>,
    old_label: String,
    new_label: String,
) -> impl IntoView {
    let lang = page_lang().lang;
    let l = lang.locale();
    let id = diff_section_id(&section.id);
    let label = change_label(&section, lang);
    if section.change == SectionChange::Unchanged {
        // Folded away, but still there to read in context.
        let moved = section.moved.then(|| view! { " " <span class="badge">{td_string!(l, diff.moved)}</span> });
        return view! {
            <details id=id class="diff__section diff__section--unchanged">
                <summary>
                    {section.title.clone()}
                    <span class="diff__unchanged-note">{td_string!(l, diff.unchanged_note)}</span>
                    {moved}
                </summary>
                <div class="diff__text">{ops_view(section.ops.clone())}</div>
            </details>
        }
        .into_any();
    }
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    let renamed = section.old_title.clone().map(|old| {
        view! {
            <p class="diff__renamed">
                {let new = section.title.clone();
                td!(
                    l,
                    diff.renamed,
                    <del> = |children: ChildrenFn| view! { <del>{children()}</del> },
                    <ins> = |children: ChildrenFn| view! { <ins>{children()}</ins> },
                    old = move || old.clone(),
                    new = move || new.clone()
                )}
            </p>
        }
    });
    let moved = section.moved.then(|| view! { <span class="badge">{td_string!(l, diff.moved)}</span> });
    let ops = section.ops.clone();
    let body = move || match layout.get() {
        DiffLayout::Inline => view! { <div class="diff__text">{ops_view(ops.clone())}</div> }.into_any(),
        DiffLayout::SideBySide => view! {
            <div class="diff__sides">
                <div class="diff__side">
                    <h3 class="diff__side-heading">{old_label.clone()}</h3>
                    <div class="diff__text">{ops_view(side_ops(&ops, false))}</div>
                </div>
                <div class="diff__side">
                    <h3 class="diff__side-heading">{new_label.clone()}</h3>
                    <div class="diff__text">{ops_view(side_ops(&ops, true))}</div>
                </div>
            </div>
        }
        .into_any(),
    };
    view! {
        <section id=id class="diff__section" aria-labelledby=labelled_by>
            <h2 id=heading_id tabindex="-1">
                {section.title.clone()} " " <span class="badge badge--change">{label}</span> " " {moved}
            </h2>
            {renamed}
            {body}
        </section>
    }
    .into_any()
}

/// Word runs as text, `<ins>` and `<del>`.
fn ops_view(ops: Vec<DiffOp>) -> impl IntoView {
    let l = page_lang().lang.locale();
    ops.into_iter()
        .map(|op| match op.kind {
            DiffKind::Equal => view! { <span>{op.text}</span> }.into_any(),
            DiffKind::Insert => view! {
                <ins><span class="visually-hidden">{td_string!(l, diff.inserted)}</span>{op.text}<span class="visually-hidden">"]"</span></ins>
            }
            .into_any(),
            DiffKind::Delete => view! {
                <del><span class="visually-hidden">{td_string!(l, diff.deleted)}</span>{op.text}<span class="visually-hidden">"]"</span></del>
            }
            .into_any(),
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use curtain_api::policy::{PolicyStatus, PolicyVersionSummary};

    use super::*;

    fn summary(v: u32) -> PolicyVersionSummary {
        PolicyVersionSummary {
            version: v,
            effective_date: "2026-01-01".into(),
            status: PolicyStatus::Past,
            material: false,
            summary: String::new(),
            urgent_reason: None,
            language: "en".into(),
        }
    }

    fn section(id: &str, change: SectionChange, moved: bool) -> SectionDiff {
        SectionDiff { id: id.into(), title: id.into(), old_title: None, moved, change, ops: vec![] }
    }

    #[test]
    fn the_jump_list_holds_every_changed_or_moved_section() {
        let diff = PolicyDiff {
            from: summary(1),
            to: summary(2),
            language: "en".into(),
            sections: vec![
                section("a", SectionChange::Unchanged, false),
                section("b", SectionChange::Changed, false),
                section("c", SectionChange::Unchanged, true),
                section("d", SectionChange::Removed, false),
            ],
        };
        let ids: Vec<&str> = changed_sections(&diff).iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"]);
        assert_eq!(diff_section_id("children"), "diff-children");
    }
}
