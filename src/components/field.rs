//! Labelled form controls with a hint and their error messages underneath.
//!
//! Conventions every form relies on: the control has id `ID`, its hint
//! `ID-hint`, its messages `ID-error`; while it has messages the control
//! carries `aria-invalid="true"` and `aria-describedby` names the messages.

use leptos::prelude::*;

use crate::forms::error_id;

fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

/// `aria-describedby` from the ids that exist right now.
pub fn described_by(ids: &[Option<&str>]) -> Option<String> {
    let ids: Vec<&str> = ids.iter().flatten().copied().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A single-line text input.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    /// The `name` attribute; password managers read it.
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let invalid = move || errors.with(|e| !e.is_empty());
    let hint_ref = hint.map(|_| hint_id(id));
    let describedby = {
        let hint_ref = hint_ref.clone();
        let error_ref = error_id(id);
        move || described_by(&[hint_ref.as_deref(), invalid().then_some(error_ref.as_str())])
    };
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_ref.clone()>{text}</p> })}
            <input
                class="input"
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                required=true
                spellcheck="false"
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=describedby
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                // Some autofill tools fire only a change event.
                on:change=move |ev| value.set(event_target_value(&ev))
            />
            <FieldError id=error_id(id) errors=errors />
        </div>
    }
}

/// A checkbox with its label beside it; the label may hold a link.
#[component]
pub fn CheckboxField(
    id: &'static str,
    name: &'static str,
    checked: RwSignal<bool>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = false)] required: bool,
    /// Greyed out and not changeable; say why in `also_described_by`.
    #[prop(optional, into)]
    disabled: MaybeProp<bool>,
    /// The id of one more element that describes the control (e.g. why it is disabled).
    #[prop(optional)]
    also_described_by: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let invalid = move || errors.with(|e| !e.is_empty());
    let hint_ref = hint.map(|_| hint_id(id));
    let describedby = {
        let hint_ref = hint_ref.clone();
        let error_ref = error_id(id);
        move || described_by(&[hint_ref.as_deref(), also_described_by, invalid().then_some(error_ref.as_str())])
    };
    view! {
        <div class="field field--checkbox" class:field--invalid=invalid>
            <div class="checkbox">
                <input
                    class="checkbox__input"
                    type="checkbox"
                    id=id
                    name=name
                    required=required
                    disabled=move || disabled.get().unwrap_or(false)
                    aria-invalid=move || invalid().then_some("true")
                    aria-describedby=describedby
                    prop:checked=move || checked.get()
                    on:change=move |ev| checked.set(event_target_checked(&ev))
                />
                <label class="checkbox__label" for=id>{children()}</label>
            </div>
            {hint.map(|text| view! { <p class="hint hint--checkbox" id=hint_ref.clone()>{text}</p> })}
            <FieldError id=error_id(id) errors=errors />
        </div>
    }
}

/// The messages for one field; absent while there are none.
#[component]
pub fn FieldError(id: String, #[prop(into)] errors: Signal<Vec<String>>) -> impl IntoView {
    move || {
        let messages = errors.get();
        (!messages.is_empty()).then(|| {
            view! {
                <p class="field-error" id=id.clone()>
                    {messages
                        .into_iter()
                        .map(|message| view! { <span class="field-error__message">{message}</span> })
                        .collect_view()}
                </p>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn describedby_lists_only_present_ids() {
        assert_eq!(described_by(&[None, None]), None);
        assert_eq!(described_by(&[Some("a-hint"), None]), Some("a-hint".into()));
        assert_eq!(described_by(&[Some("a-hint"), Some("a-error")]), Some("a-hint a-error".into()));
    }
}
