//! A calendar date without a time zone, and the age arithmetic the age gate needs.
//!
//! Deliberately tiny: the SPA must not pull a date library into its wasm just
//! to check a birth date.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl CivilDate {
    /// A valid date, or `None` (e.g. 2023-02-29).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = digits(0..4)? as i32;
        let month = digits(5..7)? as u8;
        let day = digits(8..10)? as u8;
        Self::new(year, month, day)
    }

    /// Whole years between `self` (a birth date) and `today`. Someone born on
    /// 29 February turns a year older on 1 March in common years.
    pub fn age_on(self, today: CivilDate) -> i32 {
        let mut age = today.year - self.year;
        if (today.month, today.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }

    /// The date from days since 1970-01-01 (negative before). Used to turn the
    /// clock's Unix time into "today" in UTC.
    pub fn from_unix_days(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        Self {
            year: (if m <= 2 { y + 1 } else { y }) as i32,
            month: m,
            day: d,
        }
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> CivilDate {
        CivilDate::parse(s).unwrap()
    }

    #[test]
    fn parses_only_real_dates_in_iso_form() {
        assert_eq!(d("2010-03-31"), CivilDate { year: 2010, month: 3, day: 31 });
        assert!(CivilDate::parse("2024-02-29").is_some());
        for bad in ["2023-02-29", "2010-13-01", "2010-00-10", "2010-1-01", "10-01-2010", "", "2010-01-0a", "+201-01-01"] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn age_turns_over_on_the_birthday_not_before() {
        let born = d("2012-06-15");
        assert_eq!(born.age_on(d("2025-06-14")), 12);
        assert_eq!(born.age_on(d("2025-06-15")), 13);
        assert_eq!(born.age_on(d("2025-12-31")), 13);
    }

    #[test]
    fn leap_day_birthdays_count_from_march_first_in_common_years() {
        let born = d("2012-02-29");
        assert_eq!(born.age_on(d("2025-02-28")), 12);
        assert_eq!(born.age_on(d("2025-03-01")), 13);
        assert_eq!(born.age_on(d("2028-02-29")), 16);
    }

    #[test]
    fn unix_days_round_trip_known_dates() {
        assert_eq!(CivilDate::from_unix_days(0), d("1970-01-01"));
        assert_eq!(CivilDate::from_unix_days(-1), d("1969-12-31"));
        assert_eq!(CivilDate::from_unix_days(19_782), d("2024-02-29"));
        assert_eq!(CivilDate::from_unix_days(20_786), d("2026-11-29"));
        assert_eq!(d("2026-11-29").to_string(), "2026-11-29");
    }
}
