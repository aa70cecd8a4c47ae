//! `/settings/email`: which marketing e-mail the member wants. Every list is
//! off until they turn it on.

use curtain_api::account::EmailPreferences;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::field::CheckboxField;
use crate::components::form_alert::{FormAlert, SubmitButton, UnsavedNote};
use crate::dom::{focus_soon, set_page_title};
use crate::forms::Alert;
use crate::session::use_session;

/// Loading state shared by the settings pages of this issue.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Ready,
    Failed(String),
}

#[component]
pub fn EmailSettings() -> impl IntoView {
    set_page_title(Some("E-mail settings"));
    let session = use_session();
    let newsletter = RwSignal::new(false);
    let product_updates = RwSignal::new(false);
    let partner_offers = RwSignal::new(false);
    let load = RwSignal::new(Load::Loading);
    let alert = RwSignal::new(None::<Alert>);
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let no_errors = Signal::derive(Vec::<String>::new);

    // What the server holds, to tell unsaved changes from saved ones.
    let stored = RwSignal::new(None::<EmailPreferences>);
    let show = move |p: EmailPreferences| {
        stored.set(Some(p));
        newsletter.set(p.newsletter);
        product_updates.set(p.product_updates);
        partner_offers.set(p.partner_offers);
    };
    let fetch = move || {
        load.set(Load::Loading);
        spawn_local(async move {
            match api::account::email_preferences().await {
                Ok(p) => {
                    show(p);
                    load.set(Load::Ready);
                }
                Err(e) => {
                    session.note_error(&e);
                    load.set(Load::Failed(e.message()));
                }
            }
        });
    };
    fetch();

    let save = move || {
        if busy.get_untracked() {
            return;
        }
        let prefs = EmailPreferences {
            newsletter: newsletter.get_untracked(),
            product_updates: product_updates.get_untracked(),
            partner_offers: partner_offers.get_untracked(),
        };
        busy.set(true);
        alert.set(None);
        saved.set(None);
        spawn_local(async move {
            let result = api::account::save_email_preferences(prefs).await;
            busy.set(false);
            match result {
                Ok(p) => {
                    show(p);
                    saved.set(Some(saved_sentence(p)));
                }
                Err(e) => {
                    session.note_error(&e);
                    alert.set(Some(if e.is_unreachable() { Alert::Unreachable } else { Alert::Problem(e.message()) }));
                    focus_soon("email-form-error");
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save();
    };
    let dirty = Signal::derive(move || {
        let now = EmailPreferences {
            newsletter: newsletter.get(),
            product_updates: product_updates.get(),
            partner_offers: partner_offers.get(),
        };
        stored.get().is_some_and(|s| s != now)
    });
    Effect::new(move |_| {
        if dirty.get() {
            saved.set(None);
        }
    });

    view! {
        <h1>"E-mail"</h1>
        <p class="lede">
            "Curtain only sends you marketing e-mail you asked for, and only once you have confirmed your address "
            "(see Settings, Account). Every message has a link that turns it off with one click, no sign-in needed."
        </p>
        {move || match load.get() {
            Load::Loading => view! { <p class="muted" aria-busy="true">"Loading your e-mail settings…"</p> }.into_any(),
            Load::Failed(message) => view! {
                <div class="form-error" role="alert">
                    <p class="form-error__message">{message}</p>
                    <button type="button" class="button button--secondary retry" on:click=move |_| fetch()>
                        "Try again"
                    </button>
                </div>
            }
            .into_any(),
            Load::Ready => view! {
                <form id="email-form" class="form card card--form" novalidate=true on:submit=on_submit>
                    <FormAlert
                        id="email-form-error"
                        alert=Signal::derive(move || alert.get())
                        busy=Signal::derive(move || busy.get())
                        on_retry=Callback::new(move |()| save())
                    />
                    <fieldset class="field">
                        <legend class="field__label">"Send me"</legend>
                        <CheckboxField
                            id="email-newsletter"
                            name="newsletter"
                            checked=newsletter
                            errors=no_errors
                            hint="About once a week: what the community is watching."
                        >
                            "The newsletter"
                        </CheckboxField>
                        <CheckboxField
                            id="email-product-updates"
                            name="product_updates"
                            checked=product_updates
                            errors=no_errors
                            hint="Now and then, when Curtain gains a feature."
                        >
                            "Product updates"
                        </CheckboxField>
                        <CheckboxField
                            id="email-partner-offers"
                            name="partner_offers"
                            checked=partner_offers
                            errors=no_errors
                            hint="Offers from cinemas and streaming services we work with. We never give them your address."
                        >
                            "Partner offers"
                        </CheckboxField>
                    </fieldset>
                    <div class="form__actions">
                        <SubmitButton id="email-save" label="Save e-mail settings" busy_label="Saving…" busy=Signal::derive(move || busy.get()) />
                        <UnsavedNote id="email-unsaved" dirty=dirty />
                        <p id="email-status" class="status-message" role="status">{move || saved.get()}</p>
                    </div>
                </form>
                <p class="hint">
                    "Messages about your account itself (for example, that your e-mail address was changed) are not "
                    "marketing and are sent whatever you choose here."
                </p>
            }
            .into_any(),
        }}
    }
}

/// What the status line says after a save.
pub fn saved_sentence(p: EmailPreferences) -> String {
    let on: Vec<&str> = [
        (p.newsletter, "the newsletter"),
        (p.product_updates, "product updates"),
        (p.partner_offers, "partner offers"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    match on.as_slice() {
        [] => "Saved. You get no marketing e-mail.".into(),
        [one] => format!("Saved. You get {one}."),
        [first, second] => format!("Saved. You get {first} and {second}."),
        _ => "Saved. You get the newsletter, product updates and partner offers.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_saved_sentence_names_what_is_on() {
        assert_eq!(saved_sentence(EmailPreferences::default()), "Saved. You get no marketing e-mail.");
        let one = EmailPreferences { newsletter: true, ..Default::default() };
        assert_eq!(saved_sentence(one), "Saved. You get the newsletter.");
        let two = EmailPreferences { product_updates: true, partner_offers: true, ..Default::default() };
        assert_eq!(saved_sentence(two), "Saved. You get product updates and partner offers.");
    }
}
