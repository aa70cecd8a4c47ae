//! How long Curtain keeps each kind of record, as `GET /api/retention`
//! answers it and "Your data" shows it. The periods themselves live in the
//! server's retention table; these are only their wire form.

use serde::{Deserialize, Serialize};

/// `GET /api/retention`: every kind of record Curtain keeps, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// One entry per kind of record, in the order the policy lists them.
    pub periods: Vec<RetentionPeriod>,
    /// How often expired records are looked for and deleted, in minutes: a
    /// record goes at most this long after its period ends.
    pub purged_every_minutes: u32,
}

/// How long one kind of record is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPeriod {
    /// A stable name for the kind of record, e.g. `signin_log`.
    pub kind: String,
    /// What it is called, e.g. "Sign-in log".
    pub name: String,
    /// What it holds, in a few words.
    pub detail: String,
    /// How long it is kept, in words, e.g. "one year after the sign-in".
    pub kept: String,
    /// The period in days, when it is a fixed one (not "as long as you have
    /// an account" or "until the session ends").
    pub days: Option<u32>,
    /// The sections of the export (`GET /api/me/export`) this period applies
    /// to; empty for records that are not tied to an account.
    pub export_sections: Vec<String>,
}
