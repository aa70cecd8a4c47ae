-- Accounts, sign-in sessions, the sign-in log and failed sign-in attempts.
-- Times are Unix seconds (UTC).

CREATE TABLE users (
    id                      INTEGER PRIMARY KEY,
    username                TEXT    NOT NULL,
    -- lowercase username: uniqueness and look-up are case-insensitive
    username_key            TEXT    NOT NULL UNIQUE,
    email                   TEXT    NOT NULL,
    email_key               TEXT    NOT NULL UNIQUE,
    password_hash           TEXT    NOT NULL,
    birth_date              TEXT    NOT NULL,
    -- aged 13 to 17 at sign-up
    minor                   INTEGER NOT NULL,
    accepted_policy_version INTEGER NOT NULL,
    created_at              INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the cookie's token; the token itself is never stored
    token_hash   BLOB    NOT NULL UNIQUE,
    persistent   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The sign-in log the "Your data" page shows: successful sign-ins only.
CREATE TABLE signin_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    ip         TEXT    NOT NULL,
    user_agent TEXT    NOT NULL
);
CREATE INDEX signin_log_user ON signin_log (user_id, at);

-- Failed sign-ins, kept only for the rate-limit window. Stored in the
-- database, not in memory, so several server replicas share the limit.
CREATE TABLE signin_failures (
    id          INTEGER PRIMARY KEY,
    account_key TEXT    NOT NULL,
    ip          TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX signin_failures_account ON signin_failures (account_key, at);
CREATE INDEX signin_failures_ip ON signin_failures (ip, at);
