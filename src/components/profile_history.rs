//! Logging watched titles, and removing them, from the profile settings.

use curtain_api::profile::{self as rules, HistoryEntry, NewHistoryEntry, TitleKind};
use curtain_api::{CivilDate, FieldErrors};
use curtain_ui::lang::fill;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::field::FieldError;
use super::profile_card::{kind_label, title_with_year};
use curtain_ui::Lang;
use leptos_i18n::td_string;
use curtain_ui::dates::long_date;
use crate::api;
use crate::dom::{focus_soon, today};
use crate::forms::error_id;

/// `template` (from the locale files) with the title in place of `{title}`.
fn with_title(template: &str, entry: &HistoryEntry) -> String {
    template.replace("{title}", &title_with_year(entry))
}

/// A message of the shared history rules (`curtain_api::profile::history_entry`,
/// which the server speaks in English) in `lang`; one it does not know stays
/// as it is.
fn rule_message(english: &str, today: CivilDate, lang: Lang) -> String {
    use rules::{TITLE_MAX, YEAR_MIN};
    let l = lang.locale();
    let latest = today.year + 5;
    match english {
        "Enter the title." => td_string!(l, history.rule_title_missing).to_string(),
        m if m == format!("Use at most {TITLE_MAX} characters.") => {
            fill(td_string!(l, history.rule_title_long), &[("max", &TITLE_MAX)])
        }
        "Keep it to one line." => td_string!(l, history.rule_one_line).to_string(),
        m if m == format!("Enter a year from {YEAR_MIN} to {latest}.") => {
            fill(td_string!(l, history.rule_year), &[("min", &YEAR_MIN), ("max", &latest)])
        }
        "Enter the date as YYYY-MM-DD, for example 2026-03-27." => td_string!(l, history.rule_date_shape).to_string(),
        "That date is in the future." => td_string!(l, history.rule_date_future).to_string(),
        "That date is too long ago." => td_string!(l, history.rule_date_old).to_string(),
        other => other.to_string(),
    }
}

/// The shared history rules' messages, in `lang`.
fn history_problems(entry: &NewHistoryEntry, today: CivilDate, lang: Lang) -> FieldErrors {
    let mut problems = rules::history_entry(entry, today);
    for messages in problems.values_mut() {
        for message in messages.iter_mut() {
            *message = rule_message(message, today, lang);
        }
    }
    problems
}

/// The year box as typed: empty is "not given"; anything else must be a number.
pub fn parse_year(typed: &str, lang: Lang) -> Result<Option<i32>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    typed.parse().map(Some).map_err(|_| td_string!(lang.locale(), history.year_digits).to_string())
}

#[component]
pub fn HistoryEditor(username: String) -> impl IntoView {
    let entries = RwSignal::new(None::<Result<Vec<HistoryEntry>, String>>);
    let title = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let kind = RwSignal::new(TitleKind::Movie);
    let watched_on = RwSignal::new(today().to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let username = StoredValue::new(username);
    let lang = crate::lang::page_lang();
    let l = lang.locale();

    let load = move || {
        spawn_local(async move {
            let result = api::profiles::history(&username.get_value()).await;
            entries.set(Some(result.map_err(|e| e.message())));
        });
    };
    load();

    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let year_value = parse_year(&year.get_untracked(), lang);
        let entry = NewHistoryEntry {
            title: title.get_untracked(),
            year: year_value.clone().unwrap_or(None),
            kind: kind.get_untracked(),
            watched_on: watched_on.get_untracked(),
        };
        let mut problems = history_problems(&entry, today(), lang);
        if let Err(m) = year_value {
            problems.insert("year".into(), vec![m]);
        }
        if !problems.is_empty() {
            focus_first(&problems);
            errors.set(problems);
            return;
        }
        errors.set(FieldErrors::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::profiles::add_history(&entry).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    message.set(Some((true, with_title(td_string!(l, history.added), &saved))));
                    title.set(String::new());
                    year.set(String::new());
                    load();
                    focus_soon("history-title");
                }
                Err(e) => {
                    let fields = e.field_errors().clone();
                    focus_first(&fields);
                    errors.set(fields);
                    message.set(Some((false, e.message())));
                }
            }
        });
    };

    let remove = move |entry: HistoryEntry| {
        spawn_local(async move {
            match api::profiles::delete_history(entry.id).await {
                Ok(()) => {
                    message.set(Some((true, with_title(td_string!(l, history.removed), &entry))));
                    load();
                    focus_soon("history-title");
                }
                Err(e) => message.set(Some((false, e.message()))),
            }
        });
    };

    let errs = move |wire: &'static str| Signal::derive(move || errors.with(|e| e.get(wire).cloned().unwrap_or_default()));
    let invalid = move |wire: &'static str| move || errors.with(|e| e.contains_key(wire)).then_some("true");

    view! {
        <section class="history-editor" aria-labelledby="history-heading">
            <h2 id="history-heading">{td_string!(l, history.heading)}</h2>
            <p class="hint">{td_string!(l, history.hint)}</p>
            <form class="form history-form" id="history-form" novalidate=true on:submit=add>
                <div class="history-form__grid">
                    <div class="field">
                        <label class="field__label" for="history-title">{td_string!(l, history.title)}</label>
                        <input class="input" id="history-title" name="title" type="text" maxlength="200"
                            aria-invalid=invalid("title") aria-describedby=error_id("history-title")
                            prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                        <FieldError id=error_id("history-title") errors=errs("title") />
                    </div>
                    <div class="field">
                        <label class="field__label" for="history-year">{td_string!(l, history.year)}</label>
                        <input class="input" id="history-year" name="year" type="text" inputmode="numeric" maxlength="4"
                            aria-invalid=invalid("year") aria-describedby=error_id("history-year")
                            prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev)) />
                        <FieldError id=error_id("history-year") errors=errs("year") />
                    </div>
                    <div class="field">
                        <label class="field__label" for="history-kind">{td_string!(l, history.kind)}</label>
                        <select class="input" id="history-kind" name="kind"
                            on:change=move |ev| {
                                if let Some(k) = TitleKind::parse(&event_target_value(&ev)) {
                                    kind.set(k);
                                }
                            }>
                            <option value="movie" selected=true>{kind_label(TitleKind::Movie, lang)}</option>
                            <option value="show">{kind_label(TitleKind::Show, lang)}</option>
                        </select>
                    </div>
                    <div class="field">
                        <label class="field__label" for="history-watched-on">{td_string!(l, history.watched_on)}</label>
                        <input class="input" id="history-watched-on" name="watched_on" type="date"
                            aria-invalid=invalid("watched_on") aria-describedby=error_id("history-watched-on")
                            prop:value=move || watched_on.get() on:input=move |ev| watched_on.set(event_target_value(&ev)) />
                        <FieldError id=error_id("history-watched-on") errors=errs("watched_on") />
                    </div>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button button--secondary" id="history-add"
                        disabled=move || busy.get() aria-busy=move || busy.get().then_some("true")>
                        {td_string!(l, history.add)}
                    </button>
                </div>
            </form>
            <p class="history-editor__message" id="history-message" role="status">
                {move || message.get().map(|(ok, m)| view! { <span class:field-error=!ok>{m}</span> })}
            </p>
            {move || match entries.get() {
                None => view! { <p class="muted" aria-busy="true">{td_string!(l, history.loading)}</p> }.into_any(),
                Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{td_string!(l, profile.nothing_logged)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="history-list" id="history-entries">
                        {list
                            .into_iter()
                            .map(|e| {
                                let label = with_title(td_string!(l, history.remove_label), &e);
                                let entry = e.clone();
                                view! {
                                    <li class="history-list__item">
                                        <span class="history-list__title">{title_with_year(&e)}</span>
                                        <span class="history-list__meta">{kind_label(e.kind, lang)} {td_string!(l, profile.watched)} {long_date(&e.watched_on, lang)}</span>
                                        <button type="button" class="button button--small button--secondary history-remove"
                                            aria-label=label on:click=move |_| remove(entry.clone())>
                                            {td_string!(l, history.remove)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any(),
            }}
        </section>
    }
}

fn focus_first(errors: &FieldErrors) {
    for (wire, id) in [("title", "history-title"), ("year", "history-year"), ("watched_on", "history-watched-on")] {
        if errors.contains_key(wire) {
            focus_soon(id);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_optional_but_numeric() {
        assert_eq!(parse_year("", Lang::En), Ok(None));
        assert_eq!(parse_year(" 1958 ", Lang::En), Ok(Some(1958)));
        assert!(parse_year("fifties", Lang::En).unwrap_err().contains("four digits"));
        assert!(parse_year("fifties", Lang::De).unwrap_err().contains("vier Ziffern"));
    }

    #[test]
    fn the_shared_rules_speak_the_page_language() {
        let today = CivilDate::parse("2026-11-29").unwrap();
        let entry = |title: &str, year, watched_on: &str| NewHistoryEntry {
            title: title.into(),
            year,
            kind: TitleKind::Movie,
            watched_on: watched_on.into(),
        };
        let bad = [
            entry("", Some(1500), "soon"),
            entry(&"x".repeat(rules::TITLE_MAX + 1), None, "2030-01-01"),
            entry("a\nb", None, "1700-01-01"),
        ];
        for e in &bad {
            let english = rules::history_entry(e, today);
            assert_eq!(history_problems(e, today, Lang::En), english);
            for lang in [Lang::De, Lang::PtBr] {
                let theirs = history_problems(e, today, lang);
                assert_eq!(theirs.keys().collect::<Vec<_>>(), english.keys().collect::<Vec<_>>());
                for (field, messages) in &theirs {
                    for message in messages {
                        assert!(!english[field].contains(message), "{lang:?} {field}: {message}");
                        assert!(!message.contains('{'), "{lang:?} {field}: {message}");
                    }
                }
            }
        }
    }

    #[test]
    fn messages_name_the_title() {
        let entry = HistoryEntry { id: 1, title: "Heat".into(), year: Some(1995), kind: TitleKind::Movie, watched_on: "2026-01-01".into() };
        for lang in Lang::ALL {
            let l = lang.locale();
            for template in [td_string!(l, history.added), td_string!(l, history.removed), td_string!(l, history.remove_label)] {
                assert!(with_title(template, &entry).contains("Heat (1995)"), "{lang:?}: {template}");
            }
        }
        assert_eq!(with_title(td_string!(Lang::En.locale(), history.added), &entry), "Added Heat (1995).");
    }
}
