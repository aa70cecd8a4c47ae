//! Date of birth as three boxes (day, month, year): easier to type and to
//! correct than a date picker, and it works the same on every device.

use leptos::prelude::*;
use leptos_i18n::td_string;

use super::field::{described_by, FieldError};
use crate::forms::error_id;

/// The three parts, as typed.
#[derive(Clone, Copy)]
pub struct BirthDateParts {
    pub day: RwSignal<String>,
    pub month: RwSignal<String>,
    pub year: RwSignal<String>,
}

impl BirthDateParts {
    pub fn new() -> Self {
        Self { day: RwSignal::new(String::new()), month: RwSignal::new(String::new()), year: RwSignal::new(String::new()) }
    }

    /// Empties the three boxes.
    pub fn clear(&self) {
        self.day.set(String::new());
        self.month.set(String::new());
        self.year.set(String::new());
    }
}

/// A `<fieldset>` with id `id`; its boxes are `{prefix}-day`, `{prefix}-month`, `{prefix}-year`.
#[component]
pub fn DateOfBirth(
    id: &'static str,
    prefix: &'static str,
    parts: BirthDateParts,
    #[prop(into)] errors: Signal<Vec<String>>,
    hint: &'static str,
) -> impl IntoView {
    let l = crate::lang::page_lang().locale();
    let invalid = move || errors.with(|e| !e.is_empty());
    let hint_ref = format!("{id}-hint");
    let describedby = {
        let hint_ref = hint_ref.clone();
        let error_ref = error_id(id);
        move || described_by(&[Some(hint_ref.as_str()), invalid().then_some(error_ref.as_str())])
    };
    let part = move |suffix: &'static str, label: &'static str, value: RwSignal<String>, autocomplete: &'static str, wide: bool| {
        let part_id = format!("{prefix}-{suffix}");
        view! {
            <div class="date-input__item">
                <label class="date-input__label" for=part_id.clone()>{label}</label>
                <input
                    class="input date-input__input"
                    class:date-input__input--year=wide
                    id=part_id
                    name=format!("birth_{suffix}")
                    type="text"
                    inputmode="numeric"
                    autocomplete=autocomplete
                    maxlength=if wide { "4" } else { "2" }
                    required=true
                    aria-invalid=move || invalid().then_some("true")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    // Some autofill tools fire only a change event.
                    on:change=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    view! {
        <fieldset class="field date-input" class:field--invalid=invalid id=id aria-describedby=describedby>
            <legend class="field__label">{td_string!(l, birth.legend)}</legend>
            <p class="hint" id=hint_ref>{hint}</p>
            <div class="date-input__parts">
                {part("day", td_string!(l, birth.day), parts.day, "bday-day", false)}
                {part("month", td_string!(l, birth.month), parts.month, "bday-month", false)}
                {part("year", td_string!(l, birth.year), parts.year, "bday-year", true)}
            </div>
            <FieldError id=error_id(id) errors=errors />
        </fieldset>
    }
}
