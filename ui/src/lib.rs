//! Views shared by the SPA and the server.
//!
//! The server renders these components to HTML for the first paint, so the
//! consent banner and the privacy policy work before (and without) the
//! wasm; the SPA renders the very same components and takes the page over.
//! Each is a pure view: data in, markup out. Behaviour comes as optional
//! callbacks the SPA passes; rendered on the server there are none, and the
//! markup's own forms and links do the work.
//!
//! Only plain elements and `<a href>` here: no router components, no
//! browser calls, no `into_any` (whose HTML rendering needs a server build of
//! Leptos), so the server can render them with Leptos' default features.

pub mod banner;
pub mod policy;

/// Renders a view to HTML, as the server sends it.
pub fn render<V: leptos::prelude::RenderHtml>(view: impl FnOnce() -> V) -> String {
    let owner = leptos::prelude::Owner::new();
    owner.with(|| view().to_html())
}

/// The shared views as HTML, for the server's first paint.
pub mod html {
    use curtain_api::policy::{PolicyDocument, PolicyVersionSummary};
    use leptos::prelude::*;

    use crate::banner::{BannerContent, ConsentBannerView};
    use crate::policy::{PolicyDocumentView, PolicyPageFrame, PolicyVersionsTable, VERSIONS_LEDE};

    pub fn consent_banner(content: BannerContent) -> String {
        super::render(move || view! { <ConsentBannerView content=content /> })
    }

    /// A policy page showing one version under `heading`.
    pub fn policy_page(heading: String, doc: PolicyDocument) -> String {
        super::render(move || {
            view! {
                <PolicyPageFrame heading=heading>
                    <PolicyDocumentView doc=doc />
                </PolicyPageFrame>
            }
        })
    }

    /// `/privacy/versions`.
    pub fn versions_page(heading: String, versions: Vec<PolicyVersionSummary>) -> String {
        super::render(move || {
            view! {
                <PolicyPageFrame heading=heading lede=VERSIONS_LEDE>
                    <PolicyVersionsTable versions=versions />
                </PolicyPageFrame>
            }
        })
    }
}
