-- Verified e-mail. An address is a member's once they follow a link sent to
-- it; until then the account works but marketing mail waits. A change of
-- address waits in pending_email until the new address is confirmed. An
-- account whose sign-up named an address another account holds starts with
-- no address of its own (email '' and a placeholder key) and the typed one
-- pending, so the sign-up answer never tells whether an address is in use.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN pending_email TEXT;

-- Confirmation links: only the SHA-256 of each token is kept.
CREATE TABLE email_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB    NOT NULL UNIQUE,
    -- the address the link went to; it becomes the member's when followed
    address    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX email_tokens_user ON email_tokens (user_id);

-- Every confirmation message an account asked for (a link, or a notice to
-- the holder of an address in use), to limit how often one can be resent.
CREATE TABLE email_sends (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL
);
CREATE INDEX email_sends_user ON email_sends (user_id, at);
