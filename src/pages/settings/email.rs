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
    set_page_title(Some(leptos_i18n::td_string!(crate::lang::page_lang().locale(), titles.email_settings)));
    let l = crate::lang::page_lang().locale();
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
        <h1>{leptos_i18n::td_string!(l, settings.email)}</h1>
        <p class="lede">
            {leptos_i18n::td_string!(l, settings_email.lede)}
        </p>
        {move || match load.get() {
            Load::Loading => view! { <p class="muted" aria-busy="true">{leptos_i18n::td_string!(l, settings_email.loading)}</p> }.into_any(),
            Load::Failed(message) => view! {
                <div class="form-error" role="alert">
                    <p class="form-error__message">{message}</p>
                    <button type="button" class="button button--secondary retry" on:click=move |_| fetch()>
                        {leptos_i18n::td_string!(l, shell.try_again)}
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
                        <legend class="field__label">{leptos_i18n::td_string!(l, settings_email.send_me)}</legend>
                        <CheckboxField
                            id="email-newsletter"
                            name="newsletter"
                            checked=newsletter
                            errors=no_errors
                            hint=leptos_i18n::td_string!(l, settings_email.newsletter_hint)
                        >
                            {leptos_i18n::td_string!(l, settings_email.newsletter)}
                        </CheckboxField>
                        <CheckboxField
                            id="email-product-updates"
                            name="product_updates"
                            checked=product_updates
                            errors=no_errors
                            hint=leptos_i18n::td_string!(l, settings_email.product_updates_hint)
                        >
                            {leptos_i18n::td_string!(l, settings_email.product_updates)}
                        </CheckboxField>
                        <CheckboxField
                            id="email-partner-offers"
                            name="partner_offers"
                            checked=partner_offers
                            errors=no_errors
                            hint=leptos_i18n::td_string!(l, settings_email.partner_offers_hint)
                        >
                            {leptos_i18n::td_string!(l, settings_email.partner_offers)}
                        </CheckboxField>
                    </fieldset>
                    <div class="form__actions">
                        <SubmitButton id="email-save" label=leptos_i18n::td_string!(l, settings_email.save) busy_label=leptos_i18n::td_string!(l, settings_email.saving) busy=Signal::derive(move || busy.get()) />
                        <UnsavedNote id="email-unsaved" dirty=dirty />
                        <p id="email-status" class="status-message" role="status">{move || saved.get()}</p>
                    </div>
                </form>
                <p class="hint">
                    {leptos_i18n::td_string!(l, settings_email.account_mail)}
                </p>
            }
            .into_any(),
        }}
    }
}

/// What the status line says after a save.
pub fn saved_sentence(p: EmailPreferences) -> String {
    let l = crate::lang::page_lang().locale();
    let on: Vec<&str> = [
        (p.newsletter, leptos_i18n::td_string!(l, settings_email.the_newsletter)),
        (p.product_updates, leptos_i18n::td_string!(l, settings_email.the_product_updates)),
        (p.partner_offers, leptos_i18n::td_string!(l, settings_email.the_partner_offers)),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    match on.as_slice() {
        [] => leptos_i18n::td_string!(l, settings_email.saved_none).into(),
        [one] => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_email.saved_one), &[("one", one)]),
        [first, second] => curtain_ui::lang::fill(leptos_i18n::td_string!(l, settings_email.saved_two), &[("first", first), ("second", second)]),
        _ => leptos_i18n::td_string!(l, settings_email.saved_all).into(),
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
