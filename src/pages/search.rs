//! `/search?q=`: member search. The server lists only members who chose to
//! be found, with a display name only where this viewer may see it.

use curtain_api::profile::SearchResults;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::A;
use crate::router::{use_navigate, use_query_map};

use crate::api;
use crate::components::profile_avatar::Avatar;
use crate::dom::set_page_title;

#[derive(Clone)]
enum Found {
    Nothing,
    Searching,
    Results(SearchResults),
    Failed(String),
}

#[component]
pub fn SearchPage() -> impl IntoView {
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), search.title)));
    let l = crate::lang::page_lang().locale();
    let query = use_query_map();
    let navigate = use_navigate();
    let asked = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    // What is in the box; starts as the address says.
    let typed = RwSignal::new(asked.get_untracked());
    let found = RwSignal::new(Found::Nothing);

    Effect::new(move |_| {
        let q = asked.get();
        typed.set(q.clone());
        if q.trim().is_empty() {
            found.set(Found::Nothing);
            return;
        }
        found.set(Found::Searching);
        spawn_local(async move {
            let result = api::profiles::search(&q, None).await;
            if asked.get_untracked() != q {
                return;
            }
            found.set(match result {
                Ok(r) => Found::Results(r),
                Err(e) => Found::Failed(e.message()),
            });
        });
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_string();
        let encoded = String::from(js_sys::encode_uri_component(&q));
        navigate(&format!("/search?q={encoded}"), Default::default());
    };

    // The next page is added below the ones shown.
    let loading_more = RwSignal::new(false);
    let more_failed = RwSignal::new(None::<String>);
    let more = move |_| {
        let Found::Results(shown) = found.get_untracked() else { return };
        let Some(after) = shown.next.clone() else { return };
        loading_more.set(true);
        spawn_local(async move {
            let result = api::profiles::search(&shown.query, Some(&after)).await;
            loading_more.set(false);
            match result {
                Ok(page) if asked.get_untracked() == shown.query => {
                    more_failed.set(None);
                    found.update(|f| {
                        if let Found::Results(r) = f {
                            r.members.extend(page.members);
                            r.next = page.next;
                        }
                    });
                }
                Ok(_) => {}
                Err(e) => more_failed.set(Some(e.message())),
            }
        });
    };

    let results = move || match found.get() {
        Found::Nothing => None,
        Found::Searching => Some(view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, search.searching)}</p> }.into_any()),
        Found::Failed(message) => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
        Found::Results(r) if r.members.is_empty() => Some(
            view! {
                <p id="search-empty" role="status">
                    {curtain_ui::lang::fill(leptos_i18n::td_string!(l, search.empty), &[("query", &r.query)])}
                    {leptos_i18n::td_string!(l, search.hidden)}
                </p>
            }
            .into_any(),
        ),
        Found::Results(r) => Some(
            view! {
                <p class="visually-hidden" role="status">{match r.members.len() {
                    1 => leptos_i18n::td_string!(l, search.found_one).to_string(),
                    n => curtain_ui::lang::fill(leptos_i18n::td_string!(l, search.found_n), &[("n", &n)]),
                }}</p>
                <ul class="people-list people-list--results" id="search-results">
                    {r
                        .members
                        .into_iter()
                        .map(|m| {
                            let href = format!("/u/{}", m.username);
                            view! {
                                <li>
                                    <A href=href attr:class="people-list__link">
                                        <Avatar username=m.username.clone() />
                                        <span class="people-list__names">
                                            {m.display_name.map(|n| view! { <span class="people-list__display">{n}</span> })}
                                            <span class="people-list__username">"@" {m.username.clone()}</span>
                                        </span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {move || more_failed.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {r.next.is_some().then(|| view! {
                    <button class="button" id="search-more" type="button" on:click=more
                        disabled=move || loading_more.get() aria-busy=move || loading_more.get().to_string()>
                        {leptos_i18n::td_string!(l, search.more)}
                    </button>
                })}
            }
            .into_any(),
        ),
    };

    view! {
        <div class="page page--narrow">
            <h1>{leptos_i18n::td_string!(l, search.title)}</h1>
            <form class="search-form" role="search" on:submit=submit>
                <label class="field__label" for="search-q">{leptos_i18n::td_string!(l, search.label)}</label>
                <div class="search-form__row">
                    <input
                        class="input"
                        id="search-q"
                        name="q"
                        type="search"
                        maxlength="60"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <button class="button button--primary" id="search-submit" type="submit">{leptos_i18n::td_string!(l, search.submit)}</button>
                </div>
            </form>
            <div class="search-results" aria-live="polite">{results}</div>
        </div>
    }
}
