//! A profile exactly as the server sent it. Nothing is filtered here: a field
//! the viewer may not see is simply absent from what the server sent.

use curtain_api::profile::{HistoryEntry, PreviewAs, ProfileView, Relation, TitleKind};
use curtain_ui::dates::long_date;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use crate::router::A;

use super::profile_avatar::Avatar;

/// "November 2026" from `YYYY-MM-DD`, in `lang`.
pub fn joined_phrase(date: &str, lang: curtain_ui::Lang) -> String {
    curtain_ui::dates::month_and_year(date, lang)
}

/// "Vertigo (1958)".
pub fn title_with_year(entry: &HistoryEntry) -> String {
    match entry.year {
        Some(year) => format!("{} ({year})", entry.title),
        None => entry.title.clone(),
    }
}

/// "Film" or "Series", in `lang`.
pub fn kind_label(kind: TitleKind, lang: curtain_ui::Lang) -> &'static str {
    match kind {
        TitleKind::Movie => td_string!(lang.locale(), profile.kind_movie),
        TitleKind::Show => td_string!(lang.locale(), profile.kind_show),
    }
}

/// Whether the viewer sees only what a private account shows everyone.
pub fn is_locked(view: &ProfileView) -> bool {
    view.private && !matches!(view.relation, Relation::Follower | Relation::Owner)
}

/// Whether the server sent anything beyond the username.
fn shows_anything(view: &ProfileView) -> bool {
    view.display_name.is_some()
        || view.location.is_some()
        || view.about.is_some()
        || view.age.is_some()
        || view.gender.is_some()
        || view.favourite_genres.is_some()
        || view.joined_on.is_some()
        || view.history.is_some()
        || view.followers.is_some()
        || view.following.is_some()
}

/// Section headings sit one level under the profile's name.
fn section_heading(main: bool, id: &'static str, text: &'static str) -> AnyView {
    if main {
        view! { <h2 class="profile__section-title" id=id>{text}</h2> }.into_any()
    } else {
        view! { <h3 class="profile__section-title" id=id>{text}</h3> }.into_any()
    }
}

/// The profile. `main`: it is the page's subject (an `h1`), not a preview
/// inside another page (an `h2`).
#[component]
pub fn ProfileCard(view: ProfileView, #[prop(default = true)] main: bool) -> impl IntoView {
    let lang = crate::lang::page_lang();
    let l = lang.locale();
    let name = view.display_name.clone().unwrap_or_else(|| view.username.clone());
    let heading = if main {
        view! { <h1 class="profile__name" id="profile-name">{name}</h1> }.into_any()
    } else {
        view! { <h2 class="profile__name" id="profile-name">{name}</h2> }.into_any()
    };
    let locked = is_locked(&view).then(|| {
        view! {
            <p class="profile__notice" id="profile-private-notice">
                {td_string!(l, profile.private)}
            </p>
        }
    });
    let nothing = (!is_locked(&view) && !shows_anything(&view)).then(|| {
        view! {
            <p class="profile__notice" id="profile-nothing-shared">
                {let name = view.username.clone(); td!(l, profile.nothing_shared, name = move || name.clone())}
            </p>
        }
    });

    let mut facts = Vec::new();
    if let Some(location) = view.location.clone() {
        facts.push((td_string!(l, profile.location), "profile-location", location.into_any()));
    }
    if let Some(age) = view.age {
        facts.push((td_string!(l, profile.age), "profile-age", td!(l, profile.age_value, age = move || age).into_any()));
    }
    if let Some(gender) = view.gender.clone() {
        facts.push((td_string!(l, profile.gender), "profile-gender", gender.into_any()));
    }
    if let Some(joined) = view.joined_on.as_deref() {
        facts.push((td_string!(l, profile.member_since), "profile-joined", joined_phrase(joined, lang).into_any()));
    }
    let facts = (!facts.is_empty()).then(|| {
        view! {
            <dl class="profile__facts">
                {facts
                    .into_iter()
                    .map(|(label, id, value)| {
                        view! {
                            <div class="profile__fact">
                                <dt>{label}</dt>
                                <dd id=id>{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        }
    });

    let about = view.about.clone().map(|about| {
        view! {
            <section class="profile__section" aria-labelledby="profile-about-heading">
                {section_heading(main, "profile-about-heading", td_string!(l, profile.about))}
                // Text, never markup: whatever the member typed shows as typed.
                <p class="profile__about" id="profile-about">{about}</p>
            </section>
        }
    });
    let genres = view.favourite_genres.clone().map(|genres| {
        view! {
            <section class="profile__section" aria-labelledby="profile-genres-heading">
                {section_heading(main, "profile-genres-heading", td_string!(l, profile.genres))}
                <ul class="tag-list" id="profile-genres">
                    {genres.into_iter().map(|g| view! { <li class="tag">{g}</li> }).collect_view()}
                </ul>
            </section>
        }
    });
    let history = view.history.clone().map(|entries| {
        let list = if entries.is_empty() {
            view! { <p class="muted">{td_string!(l, profile.nothing_logged)}</p> }.into_any()
        } else {
            view! {
                <ol class="history-list">
                    {entries
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li class="history-list__item">
                                    <span class="history-list__title">{title_with_year(&e)}</span>
                                    <span class="history-list__meta">
                                        {kind_label(e.kind, lang)} {td_string!(l, profile.watched)} {long_date(&e.watched_on, lang)}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        };
        view! {
            <section class="profile__section" id="profile-history" aria-labelledby="profile-history-heading">
                {section_heading(main, "profile-history-heading", td_string!(l, profile.history))}
                {list}
            </section>
        }
    });
    let people = |id: &'static str, heading_id: &'static str, title: &'static str, list: &'static str| {
        let (names, next) = match list {
            "followers" => (view.followers.clone(), view.followers_next.clone()),
            _ => (view.following.clone(), view.following_next.clone()),
        };
        names.map(|names| {
            let list = if names.is_empty() {
                view! { <p class="muted">{td_string!(l, profile.no_one)}</p> }.into_any()
            } else {
                view! { <PeopleList username=view.username.clone() list names next preview=view.preview /> }.into_any()
            };
            view! {
                <section class="profile__section" id=id aria-labelledby=heading_id>
                    {section_heading(main, heading_id, title)}
                    {list}
                </section>
            }
        })
    };
    let followers = people("profile-followers", "profile-followers-heading", td_string!(l, profile.followers), "followers");
    let following = people("profile-following", "profile-following-heading", td_string!(l, profile.following), "following");

    view! {
        <article class="profile card">
            <header class="profile__header">
                <Avatar username=view.username.clone() large=true />
                <div>
                    {heading}
                    <p class="profile__username" id="profile-username">"@" {view.username.clone()}</p>
                </div>
            </header>
            {locked}
            {nothing}
            {facts}
            {about}
            {genres}
            {history}
            <div class="profile__people">{followers} {following}</div>
        </article>
    }
}

/// A follow list: the first page the server sent, and "Show more" while
/// there are further pages (each as the server lets this viewer see it).
#[component]
fn PeopleList(
    username: String,
    /// `followers` or `following`.
    list: &'static str,
    names: Vec<String>,
    next: Option<String>,
    preview: Option<PreviewAs>,
) -> impl IntoView {
    let names = RwSignal::new(names);
    let next = RwSignal::new(next);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let l = crate::lang::page_lang().locale();
    let more_words = match list {
        "followers" => td_string!(l, profile.more_followers),
        _ => td_string!(l, profile.more_following),
    };
    let more = move |_| {
        let Some(after) = next.get_untracked() else { return };
        let username = username.clone();
        loading.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::profiles::member_page(&username, list, preview, &after).await {
                Ok(page) => {
                    names.update(|n| n.extend(page.members));
                    next.set(page.next);
                    failed.set(None);
                }
                Err(e) => failed.set(Some(e.message())),
            }
            loading.set(false);
        });
    };
    view! {
        <ul class="people-list">
            <For each=move || names.get() key=|n| n.clone() let:n>
                <li>
                    <A href=format!("/u/{n}") attr:class="people-list__link">
                        <Avatar username=n.clone() />
                        <span>{n.clone()}</span>
                    </A>
                </li>
            </For>
        </ul>
        {move || failed.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {move || {
            next.get()
                .map(|_| {
                    view! {
                        <button class="button" type="button" on:click=more.clone() disabled=move || loading.get()
                            aria-busy=move || loading.get().to_string()>
                            {more_words}
                        </button>
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use curtain_api::profile::TitleKind;

    use super::*;

    #[test]
    fn dates_read_as_words() {
        assert_eq!(joined_phrase("2026-11-29", curtain_ui::Lang::En), "November 2026");
        assert_eq!(joined_phrase("2026-11-29", curtain_ui::Lang::PtBr), "novembro de 2026");
        assert_eq!(joined_phrase("nonsense", curtain_ui::Lang::En), "");
    }

    #[test]
    fn titles_carry_their_year_when_known() {
        let mut e = HistoryEntry { id: 1, title: "Heat".into(), year: Some(1995), kind: TitleKind::Movie, watched_on: "2026-01-01".into() };
        assert_eq!(title_with_year(&e), "Heat (1995)");
        e.year = None;
        assert_eq!(title_with_year(&e), "Heat");
    }
}
