//! The privacy policy pages: `/privacy` (the version in effect), the list of
//! versions, a permalink per version, the comparison of any two, how each
//! promise is kept, and the form for privacy requests.

pub mod compare;
pub mod promises;
pub mod request;
pub mod version;
pub mod versions;

use curtain_api::policy::PolicyDocument;
use leptos::prelude::*;

use crate::api::{ApiError, Fetched, Prefetched};
use crate::components::policy_document::PolicyDocumentView;
use crate::dom::{page_ready, scroll_to_id, scroll_to_location_hash, set_page_title};
use curtain_ui::policy::{ErrorNotice, PolicyPageFrame};

/// `/privacy`, with the version in effect as fetched when the route was
/// chosen (`api::policy::fetch_current`).
#[component]
pub fn PrivacyPage(fetched: Prefetched<Result<Fetched, ApiError>>) -> impl IntoView {
    set_page_title(Some(curtain_ui::policy::policy_heading(crate::lang::page_lang())));
    let doc = LocalResource::new(move || async move { fetched.await.and_then(|answer| answer.read()) });
    view! {
        <PolicyPageFrame heading=curtain_ui::policy::policy_heading(crate::lang::page_lang()).to_string()>
            <PolicyLoaded doc=doc />
        </PolicyPageFrame>
    }
}

/// A version once it has arrived, or why it did not. When it arrives, a
/// `#section` (or `#promise-<id>`) in the address scrolls there, as on a
/// static page.
#[component]
pub fn PolicyLoaded(doc: LocalResource<Result<PolicyDocument, ApiError>>) -> impl IntoView {
    Effect::new(move |_| {
        let Some(result) = doc.get() else { return };
        // The server's page showed this too: the app's copy now replaces it.
        page_ready();
        if result.is_ok() {
            scroll_to_location_hash();
        }
    });
    let loading = leptos_i18n::td_string!(crate::lang::page_lang().locale(), policy.loading);
    view! {
        <Transition fallback=move || view! { <p class="muted" aria-busy="true">{loading}</p> }>
            {move || {
                doc.get()
                    .map(|result| match result {
                        Ok(doc) => {
                            let on_contents_link = Callback::new(|id: String| {
                                scroll_to_id(&id, true);
                            });
                            view! { <PolicyDocumentView doc=doc on_contents_link=on_contents_link /> }.into_any()
                        }
                        Err(error) => view! { <LoadError id="policy-error" error=error /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// What went wrong loading something, beside where it would have been.
#[component]
pub fn LoadError(id: &'static str, error: ApiError) -> impl IntoView {
    view! { <ErrorNotice id=id message=error.message() /> }
}
