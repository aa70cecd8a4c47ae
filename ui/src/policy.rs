//! One version of the privacy policy: its version line, notices (not the
//! current version, an upcoming version), a table of contents and the
//! sections. The section HTML comes sanitised from the server (the same HTML
//! the API serves).

use curtain_api::policy::{PolicyDocument, PolicySection, PolicyStatus, PolicyVersionSummary, MATERIAL_NOTICE_DAYS};
use leptos::prelude::*;

use crate::compare::PolicyCompareForm;
use crate::page_lang;

pub use crate::dates::long_date;

/// The compare page's address for two versions.
pub fn compare_href(from: u32, to: u32) -> String {
    format!("/privacy/compare?from={from}&to={to}")
}

/// What a version published at short notice says about why.
pub fn urgent_sentence(reason: &str) -> String {
    format!("Announced with less than {MATERIAL_NOTICE_DAYS} days' notice because: {reason}")
}

#[component]
pub fn PolicyDocumentView(
    doc: PolicyDocument,
    /// The SPA's handler for a contents link (scroll, focus); without one the
    /// link is an ordinary `#section` link.
    #[prop(optional)]
    on_contents_link: Option<Callback<String>>,
) -> impl IntoView {
    let meta = doc.meta.clone();
    let version_line = format!("Version {}, effective {}", meta.version, long_date(&meta.effective_date));
    let changes_link = doc.previous_version.map(|previous| {
        view! {
            <li>
                <a href=page_lang().path(&compare_href(previous, meta.version)) id="policy-changes-link">
                    {format!("What changed since version {previous}")}
                </a>
            </li>
        }
    });
    let not_current = (meta.status != PolicyStatus::Current).then(|| {
        let current = doc.current_version;
        let (what, compare) = match meta.status {
            PolicyStatus::Upcoming => (
                format!(
                    "This is version {}, which takes effect on {}. Until then, version {current} applies.",
                    meta.version,
                    long_date(&meta.effective_date)
                ),
                page_lang().path(&compare_href(current, meta.version)),
            ),
            _ => (
                format!("This is version {}, an earlier version that no longer applies. Version {current} is in effect now.", meta.version),
                page_lang().path(&compare_href(meta.version, current)),
            ),
        };
        view! {
            <div id="policy-not-current" class="notice notice--warning" role="note">
                <p class="notice__title">
                    <strong>
                        {if meta.status == PolicyStatus::Upcoming { "Not yet in effect" } else { "Not the current version" }}
                    </strong>
                </p>
                <p>{what}</p>
                <p class="notice__links">
                    <a href=page_lang().path("/privacy")>"Read the current version"</a>
                    " · "
                    <a href=compare>"See the differences"</a>
                </p>
            </div>
        }
    });
    // Every version announced but not in effect yet, told on the version in effect.
    let announced = (meta.status == PolicyStatus::Current && !doc.announced.is_empty())
        .then(|| view! { <AnnouncedVersions current=meta.version announced=doc.announced.clone() /> });
    let material = meta.material.then(|| view! { <span class="badge badge--material">"Material change"</span> });
    let urgent = meta.urgent_reason.clone().map(|reason| {
        view! { <p id="policy-urgent" class="policy__urgent">{urgent_sentence(&reason)}</p> }
    });
    let promises_href = match meta.status {
        PolicyStatus::Current => "/privacy/promises".to_string(),
        _ => format!("/privacy/promises?version={}", meta.version),
    };
    let sections = doc.sections.clone();
    let toc = sections.clone();

    view! {
        <header class="policy__header">
            <p id="policy-version" class="policy__version">{version_line} " " {material}</p>
            <p class="policy__summary">{meta.summary.clone()}</p>
            {urgent}
            <ul class="policy__links">
                <li><a href=page_lang().path("/privacy/versions")>"All versions"</a></li>
                {changes_link}
                <li><a href=page_lang().path(&promises_href) id="policy-promises-link">"How we keep each promise"</a></li>
                <li><a href=page_lang().path("/privacy/request")>"Make a privacy request"</a></li>
                <li>
                    // A file, not a page of the app: the router must let it through.
                    <a href="/policies/privacy.atom" rel="external" type="application/atom+xml">"Atom feed of changes"</a>
                </li>
            </ul>
        </header>
        {not_current}
        {announced}
        <div class="policy__layout">
            <PolicyToc sections=toc on_link=on_contents_link />
            <div class="policy__body">
                {sections.into_iter().map(|s| view! { <PolicySectionView section=s /> }).collect_view()}
            </div>
        </div>
    }
}

/// `#policy-upcoming`: each version announced but not in effect yet, soonest
/// first, with what it changes and a preview of the differences.
#[component]
fn AnnouncedVersions(current: u32, announced: Vec<PolicyVersionSummary>) -> impl IntoView {
    let heading = match announced.len() {
        1 => "A new version is on its way".to_string(),
        n => format!("{n} new versions are on their way"),
    };
    view! {
        <section id="policy-upcoming" class="notice policy__announced" aria-labelledby="policy-upcoming-heading">
            <h2 id="policy-upcoming-heading" class="notice__heading">{heading}</h2>
            <ul class="policy__announced-list">
                {announced
                    .into_iter()
                    .map(|v| {
                        let urgent = v.urgent_reason.as_deref().map(|reason| {
                            view! { <p class="policy__urgent">{urgent_sentence(reason)}</p> }
                        });
                        let kind = if v.material {
                            view! { <span class="badge badge--material">"Material change"</span> }
                        } else {
                            view! { <span class="badge">"Wording only"</span> }
                        };
                        view! {
                            <li id=format!("policy-announced-{}", v.version) class="policy__announced-item">
                                <p class="notice__title">
                                    <strong>{format!("Version {} takes effect on {}", v.version, long_date(&v.effective_date))}</strong>
                                    " "
                                    {kind}
                                </p>
                                <p>{v.summary.clone()}</p>
                                {urgent}
                                <p class="notice__links">
                                    <a href=page_lang().path(&compare_href(current, v.version))>
                                        {format!("Preview the changes from version {current}")}
                                    </a>
                                    " · "
                                    <a href=page_lang().path(&format!("/privacy/v/{}", v.version))>{format!("Read version {}", v.version)}</a>
                                </p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// `nav#policy-toc`: one link per section. A click scrolls to the section
/// and moves focus to its heading, and the address shows `#id` to share.
#[component]
fn PolicyToc(sections: Vec<PolicySection>, on_link: Option<Callback<String>>) -> impl IntoView {
    view! {
        <nav id="policy-toc" class="policy__toc" aria-labelledby="policy-toc-heading">
            <h2 id="policy-toc-heading" class="policy__toc-heading">"Contents"</h2>
            <ol>
                {sections
                    .into_iter()
                    .map(|s| {
                        let id = s.id.clone();
                        let on_click = move |ev: leptos::ev::MouseEvent| {
                            if let Some(on_link) = on_link {
                                ev.prevent_default();
                                on_link.run(id.clone());
                            }
                        };
                        view! {
                            <li>
                                <a href=format!("#{}", s.id) on:click=on_click>{s.title}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

#[component]
fn PolicySectionView(section: PolicySection) -> impl IntoView {
    let heading_id = format!("{}-heading", section.id);
    let labelled_by = heading_id.clone();
    view! {
        <section id=section.id.clone() class="policy__section" aria-labelledby=labelled_by>
            <h2 id=heading_id tabindex="-1">{section.title}</h2>
            <div class="policy__text" inner_html=section.html></div>
        </section>
    }
}

/// `table#policy-versions`: every version with its date, status, kind of
/// change and summary, each linking to its page and to what it changed.
#[component]
pub fn PolicyVersionsTable(versions: Vec<PolicyVersionSummary>) -> impl IntoView {
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
                    {versions
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
                                        <a href=page_lang().path(&format!("/privacy/v/{}", v.version))>{format!("Version {}", v.version)}</a>
                                    </th>
                                    <td>{long_date(&v.effective_date)}</td>
                                    <td><span class=status_class>{status}</span></td>
                                    <td>
                                        {if v.material {
                                            view! { <span class="badge badge--material">"Material"</span> }
                                        } else {
                                            view! { <span class="muted">"Wording"</span> }
                                        }}
                                    </td>
                                    <td>
                                        {v.summary.clone()}
                                        {previous
                                            .map(|p| {
                                                view! {
                                                    " "
                                                    <a href=page_lang().path(&compare_href(p, v.version))>
                                                        {format!("What changed from version {p}")}
                                                    </a>
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
    }
}

/// `/privacy/versions` below its heading: the table, then the form to
/// compare any two.
#[component]
pub fn PolicyVersionsView(
    versions: Vec<PolicyVersionSummary>,
    #[prop(optional)] on_compare: Option<Callback<(u32, u32)>>,
) -> impl IntoView {
    let form = match on_compare {
        Some(on_compare) => view! { <PolicyCompareForm versions=versions.clone() on_compare=on_compare /> }.into_any(),
        None => view! { <PolicyCompareForm versions=versions.clone() /> }.into_any(),
    };
    view! {
        <PolicyVersionsTable versions=versions />
        <section class="card policy__compare" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare two versions"</h2>
            {form}
        </section>
    }
}

/// What `/privacy/versions` says under its heading.
pub const VERSIONS_LEDE: &str =
    "Every version we have published, newest first. Each has a permanent address, and you can compare any two.";

/// A policy page: its heading, an optional line under it, then the page's
/// own content.
#[component]
pub fn PolicyPageFrame(
    #[prop(into)] heading: Signal<String>,
    #[prop(optional)] lede: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="page policy">
            <h1>{move || heading.get()}</h1>
            {lede.map(|lede| view! { <p class="lede">{lede}</p> })}
            {children()}
        </div>
    }
}

/// What went wrong loading something, beside where it would have been.
#[component]
pub fn ErrorNotice(id: &'static str, message: String) -> impl IntoView {
    view! {
        <div id=id class="form-error" role="alert">
            <p class="form-error__message">{message}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_words() {
        assert_eq!(long_date("2026-06-01"), "1 June 2026");
        assert_eq!(long_date("2025-12-31"), "31 December 2025");
        assert_eq!(long_date("soon"), "soon");
    }

    #[test]
    fn compare_links_name_both_versions() {
        assert_eq!(compare_href(1, 3), "/privacy/compare?from=1&to=3");
    }
}
