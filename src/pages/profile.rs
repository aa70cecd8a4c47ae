//! `/u/:username`: a member's profile as the server lets this viewer see it.
//! Its owner can preview it as everyone, a member or a follower (`?as=`);
//! the preview, too, comes from the server.

use curtain_api::profile::{PreviewAs, ProfileView, Relation};
use curtain_ui::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::td_string;
use crate::router::A;
use crate::router::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError};
use crate::components::profile_card::ProfileCard;
use crate::components::profile_follow::FollowControl;
use crate::dom::{focus_soon, set_page_title};
use crate::pages::not_found::NotFoundPage;
use crate::session::use_session;

const ROBOTS_META_ID: &str = "profile-robots";

/// Adds or removes `<meta name="robots" content="noindex">` in the document head.
pub fn set_noindex(noindex: bool) {
    let document = document();
    let existing = document.get_element_by_id(ROBOTS_META_ID);
    match (noindex, existing) {
        (true, None) => {
            let Ok(meta) = document.create_element("meta") else { return };
            let _ = meta.set_attribute("id", ROBOTS_META_ID);
            let _ = meta.set_attribute("name", "robots");
            let _ = meta.set_attribute("content", "noindex");
            if let Ok(Some(head)) = document.query_selector("head") {
                let _ = head.append_child(&meta);
            }
        }
        (false, Some(meta)) => meta.remove(),
        _ => {}
    }
}

/// "Preview: how everyone sees your profile".
pub fn preview_marker(preview: PreviewAs, lang: Lang) -> &'static str {
    let l = lang.locale();
    match preview {
        PreviewAs::Public => td_string!(l, profile.preview_public),
        PreviewAs::Member => td_string!(l, profile.preview_member),
        PreviewAs::Follower => td_string!(l, profile.preview_follower),
    }
}

/// "Everyone", "A signed-in member", "A follower": the picker's options.
pub fn audience_name(preview: PreviewAs, lang: Lang) -> &'static str {
    let l = lang.locale();
    match preview {
        PreviewAs::Public => td_string!(l, profile.as_public),
        PreviewAs::Member => td_string!(l, profile.as_member),
        PreviewAs::Follower => td_string!(l, profile.as_follower),
    }
}

#[derive(Clone)]
enum Loaded {
    Loading,
    Ready(ProfileView),
    Missing,
    Failed(ApiError),
}

/// The profile the address names, asked for when the route was chosen
/// (`api::profiles::fetch_profile`), for the page's first load.
#[derive(Clone, Copy)]
pub struct Prefetch {
    asked: StoredValue<Option<(String, Option<PreviewAs>)>>,
    answer: api::Prefetched<Result<api::Fetched, ApiError>>,
}

impl Prefetch {
    /// Starts the request for the address as it is now.
    pub fn start() -> Prefetch {
        let name = use_params_map().with_untracked(|p| p.get("username").unwrap_or_default());
        let preview = use_query_map().with_untracked(|q| q.get("as").and_then(|a| PreviewAs::parse(&a)));
        let answer = api::Prefetched::start(api::profiles::fetch_profile(name.clone(), preview));
        Prefetch { asked: StoredValue::new(Some((name, preview))), answer }
    }

    /// The answer for `name` as `preview`, once: later loads ask again.
    fn take(self, name: &str, preview: Option<PreviewAs>) -> Option<api::Prefetched<Result<api::Fetched, ApiError>>> {
        let matches = self.asked.with_value(|a| a.as_ref().is_some_and(|(n, p)| n == name && *p == preview));
        self.asked.set_value(None);
        matches.then_some(self.answer)
    }
}

#[component]
pub fn ProfilePage(prefetched: Prefetch) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let username = Memo::new(move |_| params.with(|p| p.get("username").unwrap_or_default()));
    let preview = Memo::new(move |_| query.with(|q| q.get("as").and_then(|a| PreviewAs::parse(&a))));
    let session = use_session();
    let loaded = RwSignal::new(Loaded::Loading);
    // Bumped to fetch again (after a follow, or "Try again").
    let refresh = RwSignal::new(0u32);
    let refocus_follow = StoredValue::new(false);

    Effect::new(move |_| {
        let name = username.get();
        let asked_as = preview.get();
        refresh.track();
        // Signing in or out changes what the server lets this viewer see.
        let _ = session.view();
        set_page_title(Some(&format!("@{name}")));
        // Another member's profile: do not leave the last one on screen meanwhile.
        if !matches!(loaded.get_untracked(), Loaded::Ready(ref v) if v.username.eq_ignore_ascii_case(&name)) {
            loaded.set(Loaded::Loading);
        }
        spawn_local(async move {
            let result = match prefetched.take(&name, asked_as) {
                Some(answer) => answer.await.and_then(|fetched| fetched.read()),
                None => api::profiles::profile(&name, asked_as).await,
            };
            // A slow answer for an address the person already left is dropped.
            if username.get_untracked() != name || preview.get_untracked() != asked_as {
                return;
            }
            loaded.set(match result {
                Ok(view) => {
                    // The page is drawn anew; the follow button keeps focus.
                    if refocus_follow.get_value() {
                        refocus_follow.set_value(false);
                        focus_soon("follow-button");
                    }
                    Loaded::Ready(view)
                }
                Err(ApiError::Http { status: 404, .. }) => Loaded::Missing,
                Err(e) => Loaded::Failed(e),
            });
        });
    });
    // Search engines are told to stay away while the owner says so; the tag
    // goes when the page does.
    Effect::new(move |_| {
        let noindex = matches!(loaded.get(), Loaded::Ready(ref v) if !v.indexable);
        set_noindex(noindex);
    });
    on_cleanup(|| set_noindex(false));

    let l = crate::lang::page_lang().locale();
    move || match loaded.get() {
        Loaded::Loading => view! {
            <div class="page"><p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, profile.loading)}</p></div>
        }
        .into_any(),
        Loaded::Missing => view! { <NotFoundPage /> }.into_any(),
        Loaded::Failed(error) => view! {
            <div class="page page--narrow">
                <h1>{leptos_i18n::td_string!(l, profile.failed)}</h1>
                <div class="form-error" role="alert">
                    <p class="form-error__message">{error.message()}</p>
                    <button type="button" class="button button--secondary retry" on:click=move |_| refresh.update(|n| *n += 1)>
                        {leptos_i18n::td_string!(l, shell.try_again)}
                    </button>
                </div>
            </div>
        }
        .into_any(),
        Loaded::Ready(view) => {
            let owner = view.relation == Relation::Owner || view.preview.is_some();
            let on_change = Callback::new(move |_| {
                refocus_follow.set_value(true);
                refresh.update(|n| *n += 1);
            });
            let follow = (!owner).then(|| {
                view! { <FollowControl username=view.username.clone() relation=view.relation private=view.private on_change=on_change /> }
            });
            let tools = owner.then(|| view! { <OwnerTools username=view.username.clone() preview=view.preview /> });
            view! {
                <div class="page profile-page">
                    {tools}
                    <ProfileCard view=view />
                    {follow}
                    <p class="profile-page__search">
                        <A href="/search" attr:id="profile-find-members">{leptos_i18n::td_string!(l, profile.find_members)}</A>
                    </p>
                </div>
            }
            .into_any()
        }
    }
}

/// The owner's "view as" picker, the preview marker, and a way to edit.
#[component]
fn OwnerTools(username: String, preview: Option<PreviewAs>) -> impl IntoView {
    let navigate = use_navigate();
    let lang = crate::lang::page_lang();
    let l = lang.locale();
    let base = format!("/u/{username}");
    let change = {
        let base = base.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let target = match PreviewAs::parse(&value) {
                Some(p) => format!("{base}?as={}", p.as_str()),
                None => base.clone(),
            };
            navigate(&target, Default::default());
        }
    };
    let marker = preview.map(|p| {
        view! {
            <div class="preview-banner" id="preview-banner" role="status">
                <p class="preview-banner__text">
                    <strong>{preview_marker(p, lang)}</strong>
                    {td_string!(l, profile.preview_explained)}
                </p>
                <A href=base.clone() attr:id="preview-exit">{td_string!(l, profile.stop_preview)}</A>
            </div>
        }
    });
    view! {
        <div class="owner-tools">
            <div class="owner-tools__row">
                <label class="field__label" for="view-as">{td_string!(l, profile.view_as)}</label>
                <select class="input owner-tools__select" id="view-as" on:change=change prop:value=preview.map_or("", PreviewAs::as_str)>
                    <option value="" selected=preview.is_none()>{td_string!(l, profile.myself)}</option>
                    {PreviewAs::ALL
                        .into_iter()
                        .map(|p| view! { <option value=p.as_str() selected=preview == Some(p)>{audience_name(p, lang)}</option> })
                        .collect_view()}
                </select>
                <A href="/settings/profile" attr:class="button button--secondary button--small" attr:id="edit-profile-link">
                    {td_string!(l, profile.edit)}
                </A>
            </div>
            {marker}
        </div>
    }
}

#[cfg(test)]
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_marker_names_the_audience() {
        assert_eq!(preview_marker(PreviewAs::Public, Lang::En), "Preview: how everyone sees your profile");
        assert_eq!(preview_marker(PreviewAs::Follower, Lang::En), "Preview: how a follower sees your profile");
        assert_eq!(capitalise("a signed-in member"), "A signed-in member");
        for p in PreviewAs::ALL {
            // The English words are the audience's own, as the API names it.
            assert_eq!(preview_marker(p, Lang::En), format!("Preview: how {} sees your profile", p.who()));
            assert_eq!(audience_name(p, Lang::En), capitalise(p.who()));
        }
        assert_eq!(preview_marker(PreviewAs::Member, Lang::De), "Vorschau: So sieht ein angemeldetes Mitglied Ihr Profil");
    }
}
