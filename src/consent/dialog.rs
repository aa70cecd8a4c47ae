//! The preferences dialog: a real modal (`<dialog>` opened with
//! `showModal()`, so the rest of the page is inert), focus moved in and kept
//! in, Escape to close, focus given back to what opened it.

use curtain_api::consent::Choices;
use leptos::prelude::*;
use leptos_i18n::td_string;
use wasm_bindgen::JsCast;

use super::choices::{ChoiceIds, ConsentChoices};
use super::{use_consent, Consent};

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), a[href], summary, [tabindex]:not([tabindex='-1'])";

#[component]
pub fn ConsentDialog() -> impl IntoView {
    let consent = use_consent();
    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    let draft = RwSignal::new(Choices::NONE);

    Effect::new(move |_| {
        let open = consent.dialog_open();
        let Some(dialog) = dialog_ref.get() else { return };
        if open {
            // Start from the answer that counts; without one every optional
            // switch is off (nothing is pre-ticked, GPC or not).
            draft.set(consent.record.with_untracked(|r| r.as_ref().map(|r| r.choices)).unwrap_or_default());
            show(dialog, 60);
        } else if dialog.open() {
            dialog.close();
        }
    });

    // Runs however the dialog closed: an answer, the Close button, or Escape.
    let on_close = move |_| {
        if consent.dialog_open.get_untracked() {
            consent.close_dialog();
        }
        Consent::restore_focus();
    };

    // `showModal()` makes the page behind inert, but Tab from the last control
    // would still leave for the browser's own interface; keep it inside.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(dialog) = dialog_ref.get_untracked() else { return };
        let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return };
        let items: Vec<web_sys::HtmlElement> =
            (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect();
        let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
        let active = document().active_element();
        let is = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
        if ev.shift_key() && (is(first) || active.as_ref().is_some_and(|a| a == dialog.unchecked_ref::<web_sys::Element>())) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && is(last) {
            ev.prevent_default();
            let _ = first.focus();
        }
    };

    let ids = ChoiceIds {
        switches: "consent",
        save: "consent-save",
        accept_all: "consent-dialog-accept-all",
        reject_all: "consent-dialog-reject-all",
    };
    let l = crate::lang::page_lang().locale();
    let gpc_note = move || {
        consent.gpc().then(|| {
            view! {
                <p class="consent-dialog__gpc" id="consent-dialog-gpc">
                    {td_string!(l, dialog.gpc)}
                </p>
            }
        })
    };

    view! {
        <dialog
            id="consent-dialog"
            class="consent-dialog"
            node_ref=dialog_ref
            aria-labelledby="consent-dialog-title"
            aria-describedby="consent-dialog-intro"
            on:close=on_close
            on:keydown=on_keydown
        >
            <div class="consent-dialog__header">
                <h2 id="consent-dialog-title">{td_string!(l, dialog.title)}</h2>
                <button
                    type="button"
                    id="consent-dialog-close"
                    class="button button--small button--secondary"
                    on:click=move |_| consent.close_dialog()
                >
                    {td_string!(l, dialog.close)}
                </button>
            </div>
            <p id="consent-dialog-intro">
                {td_string!(l, dialog.intro)}
            </p>
            {gpc_note}
            <ConsentChoices ids=ids draft=draft on_answer=Callback::new(move |()| consent.close_dialog()) />
        </dialog>
    }
}

/// The first switch a person can change, else the first control.
/// Opens the dialog as a modal with focus on its first control. Its code
/// is fetched when first asked for, so the first time it may not be in the
/// page yet: then it opens on a next frame (trying for about a second).
fn show(dialog: web_sys::HtmlDialogElement, frames_left: u32) {
    if !dialog.is_connected() {
        if frames_left > 0 {
            leptos::prelude::request_animation_frame(move || show(dialog, frames_left - 1));
        }
        return;
    }
    if !dialog.open() {
        let _ = dialog.show_modal();
    }
    focus_first(&dialog);
}

fn focus_first(dialog: &web_sys::HtmlDialogElement) {
    let target = dialog
        .query_selector("input:not([disabled])")
        .ok()
        .flatten()
        .or_else(|| dialog.query_selector(FOCUSABLE).ok().flatten());
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
