-- E-mail preferences with each member's unsubscribe token, the outbox of
-- messages the server would send, and parents' reports about children's
-- accounts. Times are Unix seconds (UTC).

-- One row per member, created the first time it is needed. No row means
-- every list is off: marketing e-mail is opt-in.
CREATE TABLE email_preferences (
    user_id           INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    newsletter        INTEGER NOT NULL DEFAULT 0,
    product_updates   INTEGER NOT NULL DEFAULT 0,
    partner_offers    INTEGER NOT NULL DEFAULT 0,
    -- 256 random bits: whoever holds it may see the masked address and turn
    -- the lists off, so it must be unguessable.
    unsubscribe_token TEXT    NOT NULL UNIQUE,
    updated_at        INTEGER NOT NULL
);

-- Curtain sends no real mail: what it would send is written here (and to the
-- log), so links in messages can be followed.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    to_address TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_user ON outbox (user_id);

-- A parent's or guardian's report that an account belongs to a child. It
-- names the account by the username typed, not by id, and is the reporter's
-- message, kept for review even after the account is gone.
CREATE TABLE child_reports (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    reporter_email TEXT    NOT NULL,
    message        TEXT    NOT NULL,
    ip             TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX child_reports_ip ON child_reports (ip, created_at);
