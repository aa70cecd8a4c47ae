//! How Curtain writes dates and times: one rule for the whole site, the same
//! in the app, in the server's pages and in e-mails. A date is "1 June 2026";
//! a moment is "1 June 2026, 14:05" (a 24-hour clock, in the reader's zone);
//! a month is "June 2026".

use curtain_api::CivilDate;

const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

fn month_name(month: u8) -> &'static str {
    MONTHS[usize::from(month.clamp(1, 12)) - 1]
}

/// "1 June 2026".
pub fn civil(date: CivilDate) -> String {
    format!("{} {} {}", date.day, month_name(date.month), date.year)
}

/// "1 June 2026" from `YYYY-MM-DD`; the text as it is if it is not a date.
pub fn long_date(iso: &str) -> String {
    CivilDate::parse(iso).map_or_else(|| iso.to_string(), civil)
}

/// "June 2026" from `YYYY-MM-DD`; empty if it is not a date.
pub fn month_and_year(iso: &str) -> String {
    CivilDate::parse(iso).map_or_else(String::new, |d| format!("{} {}", month_name(d.month), d.year))
}

/// "1 June 2026, 14:05".
pub fn date_and_time(date: CivilDate, hour: u32, minute: u32) -> String {
    format!("{}, {hour:02}:{minute:02}", civil(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_one_way() {
        assert_eq!(long_date("2026-06-01"), "1 June 2026");
        assert_eq!(long_date("2026-11-30"), "30 November 2026");
        assert_eq!(long_date("soon"), "soon");
        assert_eq!(month_and_year("2026-11-29"), "November 2026");
        assert_eq!(month_and_year("nonsense"), "");
        let day = CivilDate::new(2026, 1, 5).unwrap();
        assert_eq!(civil(day), "5 January 2026");
        assert_eq!(date_and_time(day, 9, 7), "5 January 2026, 09:07");
    }
}
