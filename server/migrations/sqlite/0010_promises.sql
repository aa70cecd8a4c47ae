-- What the privacy policy promises, kept (policy version 5).

-- Mail to people who are not members (a parent who reported an account,
-- whoever sent a privacy request) goes through the outbox too, so a copy may
-- name no member. Nothing references the outbox, so it is rebuilt in place.
CREATE TABLE outbox_new (
    id         INTEGER PRIMARY KEY,
    -- the member it was sent to; NULL for mail to someone without an account
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    to_address TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO outbox_new (id, user_id, kind, to_address, subject, body, created_at)
    SELECT id, user_id, kind, to_address, subject, body, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_user ON outbox (user_id);
CREATE INDEX outbox_created ON outbox (created_at);

-- Privacy requests: access, correction, deletion, objection, other. Tied to
-- the account when sent signed in (and deleted with it); answered within
-- 30 days of arriving.
CREATE TABLE privacy_requests (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('access', 'correction', 'deletion', 'objection', 'other')),
    email       TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    answered_at INTEGER,
    -- what the people who answered did, in their words
    answer_note TEXT
);
CREATE INDEX privacy_requests_due ON privacy_requests (answered_at, due_at);
CREATE INDEX privacy_requests_user ON privacy_requests (user_id);

-- The decision on a parent's report. It outlives the report (which holds
-- the names and addresses) and holds none of them: the report's number,
-- what was done, and the reviewer's note.
CREATE TABLE report_decisions (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL UNIQUE,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('account_deleted', 'dismissed')),
    note       TEXT    NOT NULL,
    decided_at INTEGER NOT NULL
);
CREATE INDEX report_decisions_decided ON report_decisions (decided_at);

-- A material version published with less than 30 days' notice must say why.
ALTER TABLE policy_versions ADD COLUMN urgent_reason TEXT;

-- Page views are counted per route, never per address: fold what was
-- counted under a member's name or a link's secret into its route, and drop
-- what is no page of the site.
CREATE TABLE page_views_new (
    path  TEXT    NOT NULL,
    day   TEXT    NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (path, day)
);
INSERT INTO page_views_new (path, day, count)
    SELECT route, day, SUM(count) FROM (
        SELECT CASE
                   WHEN path LIKE '/u/_%' THEN '/u/:username'
                   WHEN path LIKE '/unsubscribe/_%' THEN '/unsubscribe/:token'
                   WHEN path LIKE '/verify-email/_%' THEN '/verify-email/:token'
                   WHEN path LIKE '/privacy/v/_%' THEN '/privacy/v/:n'
                   WHEN length(path) > 1 AND path LIKE '%/' THEN substr(path, 1, length(path) - 1)
                   ELSE path
               END AS route,
               day, count
        FROM page_views
    )
    WHERE route IN ('/', '/signup', '/signin', '/privacy', '/privacy/versions', '/privacy/v/:n',
                    '/privacy/compare', '/privacy/promises', '/privacy/request', '/unsubscribe/:token',
                    '/verify-email/:token', '/report-child-account', '/account-deleted', '/u/:username',
                    '/search', '/settings', '/settings/cookies', '/settings/account', '/settings/profile',
                    '/settings/privacy', '/settings/email', '/settings/data')
    GROUP BY route, day;
DROP TABLE page_views;
ALTER TABLE page_views_new RENAME TO page_views;
CREATE INDEX page_views_day ON page_views (day);
