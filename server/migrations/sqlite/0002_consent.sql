-- Cookie consent: the revisions of the consent text, the receipts of every
-- answer, and the first-party page-view counts that analytics consent allows.
-- Times are Unix seconds (UTC).

-- A new revision makes every stored answer to an older one count as no
-- answer, so the banner asks again and says what changed.
CREATE TABLE consent_revisions (
    revision     INTEGER PRIMARY KEY,
    -- YYYY-MM-DD
    effective_on TEXT    NOT NULL,
    -- what changed, in plain words, shown in the banner after a bump
    summary      TEXT    NOT NULL
);

INSERT INTO consent_revisions (revision, effective_on, summary) VALUES
    (1, '2026-11-01', 'The first version: necessary cookies, optional preferences (keep me signed in, theme) and optional first-party page-view counts.');

-- One row per answer given. The consent id is the random id in the visitor's
-- curtain_consent cookie; the server trusts that cookie only while its latest
-- receipt here says the same thing.
CREATE TABLE consent_receipts (
    id          INTEGER PRIMARY KEY,
    consent_id  TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    preferences INTEGER NOT NULL,
    analytics   INTEGER NOT NULL,
    gpc         INTEGER NOT NULL,
    method      TEXT    NOT NULL CHECK (method IN ('accept_all', 'reject_all', 'custom')),
    -- the member who was signed in, if any
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX consent_receipts_consent ON consent_receipts (consent_id, id);
CREATE INDEX consent_receipts_user ON consent_receipts (user_id, id);

-- Page views per path and day: a count, nothing about who viewed.
CREATE TABLE page_views (
    path  TEXT    NOT NULL,
    -- YYYY-MM-DD (UTC)
    day   TEXT    NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (path, day)
);
