//! Wall-clock helpers. Times are stored as Unix seconds in UTC.

use curtain_api::CivilDate;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Today's date in UTC. The age gate uses UTC so its answer does not depend on
/// where the server runs.
pub fn today() -> CivilDate {
    CivilDate::from_unix_days(now().div_euclid(86_400))
}

/// RFC 3339 form of a stored timestamp, for the wire.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}
