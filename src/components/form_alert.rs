//! The form-level message: what the server said, or that it could not be
//! reached (with a button that sends the same input again).

use leptos::prelude::*;

use crate::dom::focus_soon;
use crate::forms::{Alert, Feedback, FieldSpec};

/// Rendered only while there is something to say. `id` lets the form move
/// focus here after a failed submit.
#[component]
pub fn FormAlert(
    id: &'static str,
    #[prop(into)] alert: Signal<Option<Alert>>,
    #[prop(into)] busy: Signal<bool>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    move || {
        alert.get().map(|alert| {
            let retry = matches!(alert, Alert::Unreachable).then(|| {
                view! {
                    <button
                        type="button"
                        class="button button--secondary retry"
                        disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                        on:click=move |_| on_retry.run(())
                    >
                        {leptos_i18n::td_string!(l, shell.try_again)}
                    </button>
                }
            });
            view! {
                <div class="form-error" id=id role="alert" tabindex="-1">
                    <p class="form-error__message">{alert.message()}</p>
                    {retry}
                </div>
            }
        })
    }
}

/// Shows a failed submit's feedback and moves focus to where the person
/// should look next: the first invalid field, or else the form-level alert.
pub fn show_feedback(
    feedback: RwSignal<Feedback>,
    next: Feedback,
    form: &[FieldSpec],
    alert_id: &'static str,
) {
    let target = next.first_invalid(form).unwrap_or(alert_id);
    feedback.set(next);
    focus_soon(target);
}

/// A submit button that says it is busy while the form is being sent.
#[component]
pub fn SubmitButton(
    id: &'static str,
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button--primary"
            id=id
            disabled=move || busy.get()
            aria-busy=move || busy.get().then_some("true")
        >
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}

/// "You have unsaved changes." beside a form's Save button while the form
/// differs from what is saved: every settings page says it the same way.
#[component]
pub fn UnsavedNote(id: &'static str, #[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    view! {
        <p id=id class="unsaved-note" aria-live="polite">
            {move || dirty.get().then_some(leptos_i18n::td_string!(l, forms.unsaved))}
        </p>
    }
}

