//! The theme control: light, dark or the device's setting. The choice is
//! remembered (in `curtain_theme`) only with preferences consent.

use curtain_api::consent::Theme;
use leptos::prelude::*;

use super::use_consent;

#[component]
pub fn ThemePicker() -> impl IntoView {
    let consent = use_consent();
    let on_change = move |ev: leptos::ev::Event| consent.set_theme(Theme::parse(&event_target_value(&ev)));
    let hint = move || {
        if consent.preferences_granted() {
            leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.remembered)
        } else {
            leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.this_visit)
        }
    };
    view! {
        <div class="theme-picker">
            <label for="theme-select">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.label)}</label>
            <select
                id="theme-select"
                class="theme-picker__select"
                aria-describedby="theme-hint"
                prop:value=move || consent.theme().as_str()
                on:change=on_change
            >
                <option value="system">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.system)}</option>
                <option value="light">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.light)}</option>
                <option value="dark">{leptos_i18n::td_string!(crate::lang::page_lang().locale(), theme.dark)}</option>
            </select>
            <span id="theme-hint" class="theme-picker__hint">{hint}</span>
        </div>
    }
}
