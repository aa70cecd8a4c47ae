//! The versioned privacy policy on the wire: versions, their sections, the
//! word-level diff between two versions, and a member's acknowledgement state.
//!
//! The server renders and sanitises every section's HTML; the SPA inserts it
//! as it comes. Diffs are computed on the server; [`side_ops`] is the one bit
//! of diff logic the SPA needs, for the side-by-side view.

use serde::{Deserialize, Serialize};

/// Where a version stands relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatus {
    /// Replaced by a newer version that is in effect.
    Past,
    /// The newest version whose effective date has passed.
    Current,
    /// Published, but its effective date is still ahead.
    Upcoming,
}

/// One version, without its text: the version list, the feed, notices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersionSummary {
    pub version: u32,
    /// `YYYY-MM-DD`; the version applies from 00:00 UTC that day.
    pub effective_date: String,
    pub status: PolicyStatus,
    /// A material change: signed-in members are asked to read it.
    pub material: bool,
    /// One line saying what this version changed.
    pub summary: String,
    /// A material version published less than [`MATERIAL_NOTICE_DAYS`] days
    /// before it takes effect: the written reason (an urgent legal change).
    /// Shown wherever the version is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent_reason: Option<String>,
    /// The language `summary` (and, in a [`PolicyDocument`], the sections)
    /// are written in: the one asked for (`?lang=`) when the version has
    /// that translation, else `en`, the authoritative text.
    #[serde(default = "english")]
    pub language: String,
}

fn english() -> String {
    "en".to_string()
}

/// How many days ahead a material change must be announced, unless it is
/// published as urgent with a written reason.
pub const MATERIAL_NOTICE_DAYS: i64 = 30;

/// One `##` section of a version. `id` is stable across versions, so a link
/// to `#id` keeps working after the wording (or the heading) changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicySection {
    pub id: String,
    pub title: String,
    /// Sanitised HTML of the section body (without its heading).
    pub html: String,
}

/// `GET /api/policies/privacy` and `GET /api/policies/privacy/versions/{n}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocument {
    #[serde(flatten)]
    pub meta: PolicyVersionSummary,
    pub sections: Vec<PolicySection>,
    /// The version currently in effect (equal to `meta.version` when this is it).
    pub current_version: u32,
    /// The version before this one, for "what changed since the last version".
    pub previous_version: Option<u32>,
    /// The next version announced but not yet in effect, if any.
    pub upcoming: Option<PolicyVersionSummary>,
    /// Every version announced but not yet in effect, soonest first.
    #[serde(default)]
    pub announced: Vec<PolicyVersionSummary>,
}

/// `GET /api/policies/privacy/versions`: every version, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersionList {
    pub current_version: u32,
    pub versions: Vec<PolicyVersionSummary>,
}

/// What a run of words in a diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

/// A run of text (words and the spaces between them) with one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffOp {
    pub kind: DiffKind,
    pub text: String,
}

impl DiffOp {
    pub fn new(kind: DiffKind, text: impl Into<String>) -> Self {
        Self { kind, text: text.into() }
    }
}

/// How a section changed between the two versions compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionChange {
    Unchanged,
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

/// One section of a diff. Sections are matched by their stable id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionDiff {
    pub id: String,
    /// The heading in the newer version (the older one's for a removed section).
    pub title: String,
    /// The older heading, when the heading was reworded.
    pub old_title: Option<String>,
    /// The section sits elsewhere in the order of sections.
    pub moved: bool,
    pub change: SectionChange,
    /// The section's plain text as word runs; `\n` separates paragraphs.
    pub ops: Vec<DiffOp>,
}

/// `GET /api/policies/privacy/diff?from=&to=`. `from` is always the older
/// version, whatever order the query named them in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDiff {
    pub from: PolicyVersionSummary,
    pub to: PolicyVersionSummary,
    pub sections: Vec<SectionDiff>,
    /// The language of the texts compared: the one asked for when both
    /// versions have that translation, else `en`.
    #[serde(default = "english")]
    pub language: String,
}

/// A material change the member has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingPolicyChange {
    /// The newest version the member accepted or acknowledged.
    pub from_version: u32,
    /// The version in effect now.
    pub to_version: u32,
    /// `YYYY-MM-DD`: when the newest material change took effect.
    pub changed_on: String,
    /// Summary of that material change.
    pub summary: String,
}

/// `GET /api/me/policy-status` and the answer to an acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyStatusReply {
    pub acknowledged_version: u32,
    pub current_version: u32,
    /// `Some` while a material change awaits the member's acknowledgement.
    pub pending: Option<PendingPolicyChange>,
    /// Material versions announced but not yet in effect that the member has
    /// not acknowledged, soonest first: the member is told before they apply.
    #[serde(default)]
    pub announced: Vec<PolicyVersionSummary>,
}

/// A link to the control a member uses, on the promises page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseLink {
    /// A path of the site, e.g. `/settings/data`.
    pub href: String,
    pub label: String,
}

/// A test that proves a promise, named by its file and function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseTest {
    /// Path from the top of the repository, e.g. `tests/tests/api_account.rs`.
    pub file: String,
    pub name: String,
}

/// One promise of a policy version and how Curtain keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// Stable across versions, e.g. `export-everything`. The statement in the
    /// policy carries the anchor `promise-<id>`.
    pub id: String,
    /// The section the statement is in, and its heading.
    pub section_id: String,
    pub section_title: String,
    /// The statement as the policy words it (plain text).
    pub statement: String,
    /// How Curtain keeps it, in a sentence or two.
    pub how: String,
    /// The control a member uses for it, if there is one.
    pub control: Option<PromiseLink>,
    /// The retention rule that enforces it, in words ("Sign-in log: kept one
    /// year after the sign-in"), if it is about keeping something.
    pub retention: Option<String>,
    /// The tests that prove it; never empty for a shipped version.
    pub tests: Vec<PromiseTest>,
}

/// `GET /api/policies/privacy/promises[?version=N]`: the promises of one
/// version (the current one by default), in the order the policy makes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseList {
    pub version: PolicyVersionSummary,
    pub promises: Vec<Promise>,
}

/// `POST /api/me/policy-acceptances`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyAcceptanceRequest {
    pub version: u32,
}

/// The runs one side of a side-by-side view shows: the older side keeps what
/// was deleted, the newer side what was inserted; both keep what is equal.
pub fn side_ops(ops: &[DiffOp], newer: bool) -> Vec<DiffOp> {
    let dropped = if newer { DiffKind::Delete } else { DiffKind::Insert };
    ops.iter().filter(|op| op.kind != dropped).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_keeps_its_own_changes() {
        let ops = vec![
            DiffOp::new(DiffKind::Equal, "We keep "),
            DiffOp::new(DiffKind::Delete, "90"),
            DiffOp::new(DiffKind::Insert, "30"),
            DiffOp::new(DiffKind::Equal, " days"),
        ];
        let old: String = side_ops(&ops, false).iter().map(|o| o.text.as_str()).collect();
        let new: String = side_ops(&ops, true).iter().map(|o| o.text.as_str()).collect();
        assert_eq!(old, "We keep 90 days");
        assert_eq!(new, "We keep 30 days");
    }

    #[test]
    fn statuses_and_kinds_are_snake_case_on_the_wire() {
        assert_eq!(serde_json::to_string(&PolicyStatus::Upcoming).unwrap(), "\"upcoming\"");
        assert_eq!(serde_json::to_string(&SectionChange::Removed).unwrap(), "\"removed\"");
        assert_eq!(serde_json::to_string(&DiffKind::Insert).unwrap(), "\"insert\"");
    }
}
