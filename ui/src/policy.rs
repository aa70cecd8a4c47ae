//! One version of the privacy policy: its version line, notices (not the
//! current version, an upcoming version), a table of contents and the
//! sections. The section HTML comes sanitised from the server (the same HTML
//! the API serves).

use curtain_api::policy::{PolicyDocument, PolicySection, PolicyStatus, PolicyVersionSummary, MATERIAL_NOTICE_DAYS};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

use crate::compare::PolicyCompareForm;
use crate::lang::fill;
use crate::{page_lang, Lang};

pub use crate::dates::long_date;

/// The compare page's address for two versions.
pub fn compare_href(from: u32, to: u32) -> String {
    format!("/privacy/compare?from={from}&to={to}")
}

/// The `lang` attribute for a version's one line on a page in `page`: the
/// line's own language when it is not the page's (a version not translated
/// yet), else none.
fn language_of(v: &PolicyVersionSummary, page: Lang) -> Option<String> {
    (v.language != page.tag()).then(|| v.language.clone())
}

/// The address of the policy's Atom feed in `lang`.
pub fn feed_href(lang: Lang) -> String {
    match lang {
        Lang::En => "/policies/privacy.atom".to_string(),
        other => format!("/policies/privacy.atom?lang={}", other.tag()),
    }
}

/// The words of the policy's Atom feed in one language.
pub struct FeedWords {
    pub title: &'static str,
    pub subtitle: &'static str,
    /// `{version}`, `{date}` and `{kind}` to fill.
    pub entry: &'static str,
    /// `{date}` to fill.
    pub effective: &'static str,
    pub material: &'static str,
    pub not_material: &'static str,
}

/// The feed's words in `lang`.
pub fn feed_words(lang: Lang) -> FeedWords {
    let l = lang.locale();
    FeedWords {
        title: td_string!(l, policy.feed_title),
        subtitle: td_string!(l, policy.feed_subtitle),
        entry: td_string!(l, policy.feed_entry),
        effective: td_string!(l, policy.feed_effective),
        material: td_string!(l, policy.feed_material),
        not_material: td_string!(l, policy.feed_not_material),
    }
}

/// What a version published at short notice says about why.
pub fn urgent_sentence(reason: &str, lang: Lang) -> String {
    fill(td_string!(lang.locale(), policy.urgent), &[("days", &MATERIAL_NOTICE_DAYS), ("reason", &reason)])
}

/// "Version 3".
pub fn version_name(version: u32, lang: Lang) -> String {
    fill(td_string!(lang.locale(), policy.version_n), &[("version", &version)])
}

/// The heading of `/privacy`.
pub fn policy_heading(lang: Lang) -> &'static str {
    td_string!(lang.locale(), policy.heading)
}

/// The heading of `/privacy/v/:n`.
pub fn version_heading(version: u32, lang: Lang) -> String {
    fill(td_string!(lang.locale(), policy.version_heading), &[("version", &version)])
}

/// The heading of `/privacy/versions`.
pub fn versions_heading(lang: Lang) -> &'static str {
    td_string!(lang.locale(), policy.versions_heading)
}

/// What `/privacy/versions` says under its heading.
pub fn versions_lede(lang: Lang) -> &'static str {
    td_string!(lang.locale(), policy.versions_lede)
}

#[component]
pub fn PolicyDocumentView(
    doc: PolicyDocument,
    /// The SPA's handler for a contents link (scroll, focus); without one the
    /// link is an ordinary `#section` link.
    #[prop(optional)]
    on_contents_link: Option<Callback<String>>,
) -> impl IntoView {
    let lang = page_lang().lang;
    let l = lang.locale();
    let meta = doc.meta.clone();
    let version_line = fill(
        td_string!(l, policy.version_line),
        &[("version", &meta.version), ("date", &long_date(&meta.effective_date, lang))],
    );
    let changes_link = doc.previous_version.map(|previous| {
        view! {
            <li>
                <a href=page_lang().path(&compare_href(previous, meta.version)) id="policy-changes-link">
                    {fill(td_string!(l, policy.changes_since), &[("previous", &previous)])}
                </a>
            </li>
        }
    });
    let not_current = (meta.status != PolicyStatus::Current).then(|| {
        let current = doc.current_version;
        let (what, compare) = match meta.status {
            PolicyStatus::Upcoming => (
                fill(
                    td_string!(l, policy.upcoming_notice),
                    &[("version", &meta.version), ("date", &long_date(&meta.effective_date, lang)), ("current", &current)],
                ),
                page_lang().path(&compare_href(current, meta.version)),
            ),
            _ => (
                fill(td_string!(l, policy.past_notice), &[("version", &meta.version), ("current", &current)]),
                page_lang().path(&compare_href(meta.version, current)),
            ),
        };
        view! {
            <div id="policy-not-current" class="notice notice--warning" role="note">
                <p class="notice__title">
                    <strong>
                        {if meta.status == PolicyStatus::Upcoming { td_string!(l, policy.not_yet) } else { td_string!(l, policy.not_current) }}
                    </strong>
                </p>
                <p>{what}</p>
                <p class="notice__links">
                    <a href=page_lang().path("/privacy")>{td_string!(l, policy.read_current)}</a>
                    " · "
                    <a href=compare>{td_string!(l, policy.see_differences)}</a>
                </p>
            </div>
        }
    });
    // Every version announced but not in effect yet, told on the version in effect.
    let announced = (meta.status == PolicyStatus::Current && !doc.announced.is_empty())
        .then(|| view! { <AnnouncedVersions current=meta.version announced=doc.announced.clone() /> });
    let material = meta.material.then(|| view! { <span class="badge badge--material">{td_string!(l, policy.material_change)}</span> });
    let urgent = meta.urgent_reason.clone().map(|reason| {
        view! { <p id="policy-urgent" class="policy__urgent">{urgent_sentence(&reason, lang)}</p> }
    });
    let promises_href = match meta.status {
        PolicyStatus::Current => "/privacy/promises".to_string(),
        _ => format!("/privacy/promises?version={}", meta.version),
    };
    let sections = doc.sections.clone();
    let toc = sections.clone();
    // English is the authoritative text: a translation says so, and a
    // version not translated into the page's language shows the English,
    // marked as English for screen readers and translators.
    let text_lang = Lang::from_tag(&meta.language).unwrap_or(Lang::En);
    let foreign = (text_lang != lang).then_some(text_lang.tag());
    let translation = (lang != Lang::En && text_lang == lang).then(|| {
        let english = crate::PageLang { lang: Lang::En, explicit: true }.path(&format!("/privacy/v/{}", meta.version));
        view! {
            <div id="policy-translation" class="notice" role="note">
                <p class="notice__title"><strong>{td_string!(l, policy.translation_title)}</strong></p>
                <p>{td_string!(l, policy.translation_note)}</p>
                <p class="notice__links">
                    <a href=english hreflang="en" rel="alternate">
                        {fill(td_string!(l, policy.translation_link), &[("version", &meta.version)])}
                    </a>
                </p>
            </div>
        }
    });
    let untranslated = foreign.is_some().then(|| {
        view! {
            <div id="policy-untranslated" class="notice notice--warning" role="note">
                <p class="notice__title"><strong>{td_string!(l, policy.untranslated_title)}</strong></p>
                <p>{fill(td_string!(l, policy.untranslated_note), &[("version", &meta.version)])}</p>
            </div>
        }
    });

    view! {
        <header class="policy__header">
            <p id="policy-version" class="policy__version">{version_line} " " {material}</p>
            <p class="policy__summary" lang=foreign>{meta.summary.clone()}</p>
            {urgent}
            <ul class="policy__links">
                <li><a href=page_lang().path("/privacy/versions")>{td_string!(l, policy.all_versions)}</a></li>
                {changes_link}
                <li><a href=page_lang().path(&promises_href) id="policy-promises-link">{td_string!(l, policy.promises_link)}</a></li>
                <li><a href=page_lang().path("/privacy/request")>{td_string!(l, policy.request_link)}</a></li>
                <li>
                    // A file, not a page of the app: the router must let it through.
                    <a href=feed_href(lang) rel="external" type="application/atom+xml">{td_string!(l, policy.feed)}</a>
                </li>
            </ul>
        </header>
        {translation}
        {untranslated}
        {not_current}
        {announced}
        <div class="policy__layout" lang=foreign>
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
    let lang = page_lang().lang;
    let l = lang.locale();
    let count = i32::try_from(announced.len()).unwrap_or(i32::MAX);
    let heading = td!(l, policy.announced_heading, count = move || count);
    view! {
        <section id="policy-upcoming" class="notice policy__announced" aria-labelledby="policy-upcoming-heading">
            <h2 id="policy-upcoming-heading" class="notice__heading">{heading}</h2>
            <ul class="policy__announced-list">
                {announced
                    .into_iter()
                    .map(|v| {
                        let urgent = v.urgent_reason.as_deref().map(|reason| {
                            view! { <p class="policy__urgent">{urgent_sentence(reason, lang)}</p> }
                        });
                        let kind = if v.material {
                            view! { <span class="badge badge--material">{td_string!(l, policy.material_change)}</span> }
                        } else {
                            view! { <span class="badge">{td_string!(l, policy.wording_only)}</span> }
                        };
                        view! {
                            <li id=format!("policy-announced-{}", v.version) class="policy__announced-item">
                                <p class="notice__title">
                                    <strong>
                                        {fill(
                                            td_string!(l, policy.takes_effect),
                                            &[("version", &v.version), ("date", &long_date(&v.effective_date, lang))],
                                        )}
                                    </strong>
                                    " "
                                    {kind}
                                </p>
                                <p lang=language_of(&v, lang)>{v.summary.clone()}</p>
                                {urgent}
                                <p class="notice__links">
                                    <a href=page_lang().path(&compare_href(current, v.version))>
                                        {fill(td_string!(l, policy.preview_changes), &[("current", &current)])}
                                    </a>
                                    " · "
                                    <a href=page_lang().path(&format!("/privacy/v/{}", v.version))>{fill(td_string!(l, policy.read_version), &[("version", &v.version)])}</a>
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
    let l = page_lang().lang.locale();
    view! {
        <nav id="policy-toc" class="policy__toc" aria-labelledby="policy-toc-heading">
            <h2 id="policy-toc-heading" class="policy__toc-heading">{td_string!(l, policy.contents)}</h2>
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
    let lang = page_lang().lang;
    let l = lang.locale();
    view! {
        <div class="table-wrap">
            <table id="policy-versions" class="policy-versions">
                <caption class="visually-hidden">{td_string!(l, policy.table_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, policy.col_version)}</th>
                        <th scope="col">{td_string!(l, policy.col_effective)}</th>
                        <th scope="col">{td_string!(l, policy.col_status)}</th>
                        <th scope="col">{td_string!(l, policy.col_change)}</th>
                        <th scope="col">{td_string!(l, policy.col_summary)}</th>
                    </tr>
                </thead>
                <tbody>
                    {versions
                        .into_iter()
                        .map(|v| {
                            let previous = (v.version > 1).then(|| v.version - 1);
                            let (status, status_class) = match v.status {
                                PolicyStatus::Current => (td_string!(l, policy.status_current), "badge badge--current"),
                                PolicyStatus::Upcoming => (td_string!(l, policy.status_upcoming), "badge badge--upcoming"),
                                PolicyStatus::Past => (td_string!(l, policy.status_past), "badge"),
                            };
                            view! {
                                <tr id=format!("policy-version-{}", v.version)>
                                    <th scope="row">
                                        <a href=page_lang().path(&format!("/privacy/v/{}", v.version))>{version_name(v.version, lang)}</a>
                                    </th>
                                    <td>{long_date(&v.effective_date, lang)}</td>
                                    <td><span class=status_class>{status}</span></td>
                                    <td>
                                        {if v.material {
                                            view! { <span class="badge badge--material">{td_string!(l, policy.material)}</span> }
                                        } else {
                                            view! { <span class="muted">{td_string!(l, policy.wording)}</span> }
                                        }}
                                    </td>
                                    <td>
                                        <span lang=language_of(&v, lang)>{v.summary.clone()}</span>
                                        {previous
                                            .map(|p| {
                                                view! {
                                                    " "
                                                    <a href=page_lang().path(&compare_href(p, v.version))>
                                                        {fill(td_string!(l, policy.changed_from), &[("previous", &p)])}
                                                    </a>
                                                }
                                            })}
                                        {v.urgent_reason.as_deref().map(|reason| {
                                            view! { <p class="policy__urgent">{urgent_sentence(reason, lang)}</p> }
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
    let l = page_lang().lang.locale();
    view! {
        <PolicyVersionsTable versions=versions />
        <section class="card policy__compare" aria-labelledby="compare-heading">
            <h2 id="compare-heading">{td_string!(l, compare.section_heading)}</h2>
            {form}
        </section>
    }
}

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
        assert_eq!(long_date("2026-06-01", Lang::En), "1 June 2026");
        assert_eq!(long_date("2025-12-31", Lang::En), "31 December 2025");
        assert_eq!(long_date("soon", Lang::En), "soon");
        assert_eq!(long_date("2025-12-31", Lang::De), "31. Dezember 2025");
    }

    #[test]
    fn sentences_with_numbers_read_in_each_language() {
        assert_eq!(urgent_sentence("a fix", Lang::En), format!("Announced with less than {MATERIAL_NOTICE_DAYS} days' notice because: a fix"));
        assert_eq!(version_heading(4, Lang::En), "Privacy policy, version 4");
        assert_eq!(version_heading(4, Lang::PtBr), "Política de privacidade, versão 4");
        assert_eq!(version_name(2, Lang::De), "Version 2");
        for lang in Lang::ALL {
            assert!(!urgent_sentence("x", lang).contains('{'), "{lang:?}");
        }
    }

    #[test]
    fn compare_links_name_both_versions() {
        assert_eq!(compare_href(1, 3), "/privacy/compare?from=1&to=3");
    }
}
