//! The versioned privacy policy: version files ([`document`]), their HTML and
//! plain text ([`render`]), word-level diffs ([`diff`]), the Atom feed
//! ([`feed`]), the database ([`store`]), and which version applies when.
//!
//! Published versions never change. Which one is *current* is decided at the
//! moment of each request: the newest version whose effective instant
//! (00:00 UTC of its effective date) has passed. Later ones are *upcoming*.

pub mod diff;
pub mod document;
pub mod feed;
pub mod published;
pub mod render;
pub mod store;

use curtain_api::policy::{PendingPolicyChange, PolicyStatus, PolicyVersionSummary};

pub use document::{PolicySource, PromiseSource, SectionSource, SourceError};

/// The version in effect at `now`: the newest one whose effective instant
/// has passed. `versions` may be in any order.
pub fn current(versions: &[PolicySource], now: i64) -> Option<&PolicySource> {
    versions.iter().filter(|v| v.effective_at() <= now).max_by_key(|v| v.version)
}

/// Where `version` stands at `now`.
pub fn status(versions: &[PolicySource], version: &PolicySource, now: i64) -> PolicyStatus {
    match current(versions, now) {
        Some(c) if c.version == version.version => PolicyStatus::Current,
        _ if version.effective_at() > now => PolicyStatus::Upcoming,
        _ => PolicyStatus::Past,
    }
}

/// The first upcoming version at `now`, if one is announced.
pub fn next_upcoming(versions: &[PolicySource], now: i64) -> Option<&PolicySource> {
    versions.iter().filter(|v| v.effective_at() > now).min_by_key(|v| v.version)
}

/// The wire summary of one version.
pub fn summary(versions: &[PolicySource], version: &PolicySource, now: i64) -> PolicyVersionSummary {
    PolicyVersionSummary {
        version: version.version,
        effective_date: version.effective.to_string(),
        status: status(versions, version, now),
        material: version.material,
        summary: version.summary.clone(),
        urgent_reason: version.urgent_reason.clone(),
        language: version.language.tag().to_string(),
    }
}

/// Every version announced at `now` but not in effect yet, soonest first.
pub fn announced(versions: &[PolicySource], now: i64) -> Vec<&PolicySource> {
    let mut list: Vec<&PolicySource> = versions.iter().filter(|v| v.effective_at() > now).collect();
    list.sort_by_key(|v| v.version);
    list
}

/// The earliest date a material version published at `now` may take effect
/// without an urgent reason.
pub fn earliest_material_date(now: i64) -> curtain_api::CivilDate {
    curtain_api::CivilDate::from_unix_days(now.div_euclid(86_400) + curtain_api::policy::MATERIAL_NOTICE_DAYS)
}

/// A material change in effect at `now` that is newer than the version the
/// member last accepted or acknowledged. Upcoming versions never count, and
/// neither do non-material ones.
pub fn pending_change(versions: &[PolicySource], acknowledged: u32, now: i64) -> Option<PendingPolicyChange> {
    let current = current(versions, now)?;
    let newest_material = versions
        .iter()
        .filter(|v| v.material && v.version > acknowledged && v.version <= current.version)
        .max_by_key(|v| v.version)?;
    Some(PendingPolicyChange {
        from_version: acknowledged,
        to_version: current.version,
        changed_on: newest_material.effective.to_string(),
        summary: newest_material.summary.clone(),
    })
}

#[cfg(test)]
mod tests {
    use curtain_api::CivilDate;

    use super::*;

    fn version(n: u32, effective: &str, material: bool) -> PolicySource {
        PolicySource {
            version: n,
            effective: CivilDate::parse(effective).unwrap(),
            material,
            summary: format!("v{n}"),
            sections: vec![],
            urgent_reason: None,
            language: curtain_ui::Lang::En,
        }
    }

    fn timeline() -> Vec<PolicySource> {
        // Deliberately out of order: selection must not rely on it.
        vec![version(3, "2026-06-01", true), version(1, "2025-03-01", true), version(2, "2025-09-15", false)]
    }

    #[test]
    fn current_switches_exactly_at_the_effective_instant() {
        let versions = timeline();
        let v3_at = versions[0].effective_at();
        assert_eq!(current(&versions, v3_at - 1).unwrap().version, 2);
        assert_eq!(current(&versions, v3_at).unwrap().version, 3);
        assert_eq!(status(&versions, &versions[0], v3_at - 1), PolicyStatus::Upcoming);
        assert_eq!(status(&versions, &versions[0], v3_at), PolicyStatus::Current);
        assert_eq!(status(&versions, &versions[2], v3_at), PolicyStatus::Past);
        assert_eq!(next_upcoming(&versions, v3_at - 1).unwrap().version, 3);
        assert!(next_upcoming(&versions, v3_at).is_none());
    }

    #[test]
    fn nothing_is_current_before_the_first_version() {
        let versions = timeline();
        assert!(current(&versions, versions[1].effective_at() - 1).is_none());
    }

    #[test]
    fn only_material_changes_in_effect_are_pending() {
        let versions = timeline();
        let before_v3 = versions[0].effective_at() - 1;
        let after_v3 = versions[0].effective_at();
        // v2 is not material: a member on v1 has nothing to read before v3.
        assert_eq!(pending_change(&versions, 1, before_v3), None);
        let pending = pending_change(&versions, 1, after_v3).unwrap();
        assert_eq!((pending.from_version, pending.to_version, pending.changed_on.as_str()), (1, 3, "2026-06-01"));
        assert_eq!(pending_change(&versions, 2, after_v3).unwrap().from_version, 2);
        assert_eq!(pending_change(&versions, 3, after_v3), None);
    }

    #[test]
    fn a_later_non_material_version_still_points_at_the_current_one() {
        let mut versions = timeline();
        versions.push(version(4, "2026-09-01", false));
        let pending = pending_change(&versions, 1, versions[3].effective_at()).unwrap();
        assert_eq!((pending.to_version, pending.changed_on.as_str()), (4, "2026-06-01"));
    }
}
