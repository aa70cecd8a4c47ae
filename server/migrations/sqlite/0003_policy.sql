-- The versioned privacy policy and members' acceptances of it.
-- Times are Unix seconds (UTC).

-- One row per published version. `source` is the whole Markdown file, front
-- matter included; it never changes once published (the server refuses to
-- start if the copy it ships differs). Sections and HTML are derived from it.
CREATE TABLE policy_versions (
    version      INTEGER PRIMARY KEY,
    -- 00:00 UTC of the effective date: from then on this version applies
    effective_at INTEGER NOT NULL,
    material     INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    published_at INTEGER NOT NULL
);

-- Each time a member agreed to a version: at sign-up, or by acknowledging a
-- material change ("I have read it").
CREATE TABLE policy_acceptances (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL REFERENCES policy_versions (version),
    accepted_at INTEGER NOT NULL,
    -- 'signup' or 'acknowledged'
    context     TEXT    NOT NULL
);
CREATE INDEX policy_acceptances_user ON policy_acceptances (user_id, version);
