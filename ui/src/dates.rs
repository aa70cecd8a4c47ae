//! How Curtain writes dates and times: one rule for the whole site, the same
//! in the app, in the server's pages and in e-mails, in the reader's
//! language. A date is "1 June 2026" ("1. Juni 2026", "1 de junho de 2026");
//! a moment is "1 June 2026, 14:05" (a 24-hour clock, in the reader's zone);
//! a month is "June 2026". Month names are in the locale files.

use curtain_api::CivilDate;
use leptos_i18n::td_string;

use crate::lang::{Lang, BUILT_FOR};

/// The language the words will come out in: an app built for one language
/// has only that language's month names.
fn effective(lang: Lang) -> Lang {
    BUILT_FOR.unwrap_or(lang)
}

fn month_name(month: u8, lang: Lang) -> &'static str {
    let l = lang.locale();
    match month.clamp(1, 12) {
        1 => td_string!(l, dates.january),
        2 => td_string!(l, dates.february),
        3 => td_string!(l, dates.march),
        4 => td_string!(l, dates.april),
        5 => td_string!(l, dates.may),
        6 => td_string!(l, dates.june),
        7 => td_string!(l, dates.july),
        8 => td_string!(l, dates.august),
        9 => td_string!(l, dates.september),
        10 => td_string!(l, dates.october),
        11 => td_string!(l, dates.november),
        _ => td_string!(l, dates.december),
    }
}

/// "1 June 2026", "1. Juni 2026", "1 de junho de 2026".
pub fn civil(date: CivilDate, lang: Lang) -> String {
    let lang = effective(lang);
    let (day, month, year) = (date.day, month_name(date.month, lang), date.year);
    match lang {
        Lang::En => format!("{day} {month} {year}"),
        Lang::De => format!("{day}. {month} {year}"),
        Lang::PtBr => format!("{day} de {month} de {year}"),
    }
}

/// "1 June 2026" from `YYYY-MM-DD`; the text as it is if it is not a date.
pub fn long_date(iso: &str, lang: Lang) -> String {
    CivilDate::parse(iso).map_or_else(|| iso.to_string(), |d| civil(d, lang))
}

/// "June 2026" ("Juni 2026", "junho de 2026") from `YYYY-MM-DD`; empty if it is not a date.
pub fn month_and_year(iso: &str, lang: Lang) -> String {
    let lang = effective(lang);
    CivilDate::parse(iso).map_or_else(String::new, |d| {
        let month = month_name(d.month, lang);
        match lang {
            Lang::En | Lang::De => format!("{month} {}", d.year),
            Lang::PtBr => format!("{month} de {}", d.year),
        }
    })
}

/// "1 June 2026, 14:05", "1. Juni 2026, 14:05 Uhr", "1 de junho de 2026, às 14:05".
pub fn date_and_time(date: CivilDate, hour: u32, minute: u32, lang: Lang) -> String {
    let lang = effective(lang);
    let day = civil(date, lang);
    match lang {
        Lang::En => format!("{day}, {hour:02}:{minute:02}"),
        Lang::De => format!("{day}, {hour:02}:{minute:02} Uhr"),
        Lang::PtBr => format!("{day}, às {hour:02}:{minute:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_one_way() {
        let en = Lang::En;
        assert_eq!(long_date("2026-06-01", en), "1 June 2026");
        assert_eq!(long_date("2026-11-30", en), "30 November 2026");
        assert_eq!(long_date("soon", en), "soon");
        assert_eq!(month_and_year("2026-11-29", en), "November 2026");
        assert_eq!(month_and_year("nonsense", en), "");
        let day = CivilDate::new(2026, 1, 5).unwrap();
        assert_eq!(civil(day, en), "5 January 2026");
        assert_eq!(date_and_time(day, 9, 7, en), "5 January 2026, 09:07");
    }

    #[test]
    fn german_dates() {
        let de = Lang::De;
        assert_eq!(long_date("2026-06-01", de), "1. Juni 2026");
        assert_eq!(long_date("2026-03-31", de), "31. März 2026");
        assert_eq!(long_date("soon", de), "soon");
        assert_eq!(month_and_year("2026-11-29", de), "November 2026");
        let day = CivilDate::new(2026, 1, 5).unwrap();
        assert_eq!(civil(day, de), "5. Januar 2026");
        assert_eq!(date_and_time(day, 9, 7, de), "5. Januar 2026, 09:07 Uhr");
    }

    #[test]
    fn brazilian_portuguese_dates() {
        let pt = Lang::PtBr;
        assert_eq!(long_date("2026-06-01", pt), "1 de junho de 2026");
        assert_eq!(long_date("2026-03-31", pt), "31 de março de 2026");
        assert_eq!(month_and_year("2026-11-29", pt), "novembro de 2026");
        let day = CivilDate::new(2026, 12, 5).unwrap();
        assert_eq!(civil(day, pt), "5 de dezembro de 2026");
        assert_eq!(date_and_time(day, 14, 5, pt), "5 de dezembro de 2026, às 14:05");
    }

    #[test]
    fn every_month_has_a_name() {
        for lang in Lang::ALL {
            let names: Vec<_> = (1..=12).map(|m| month_name(m, lang)).collect();
            assert!(names.iter().all(|n| !n.is_empty()), "{lang:?}");
            let mut unique = names.clone();
            unique.dedup();
            assert_eq!(unique.len(), 12, "{lang:?}");
        }
    }
}
