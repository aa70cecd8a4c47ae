-- Profiles: the fields members fill in, who may see each one, privacy
-- settings, follows and watch history. Every row belongs to a user and goes
-- when the account goes.

CREATE TABLE profiles (
    user_id                   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name              TEXT    NOT NULL DEFAULT '',
    location                  TEXT    NOT NULL DEFAULT '',
    about                     TEXT    NOT NULL DEFAULT '',
    gender                    TEXT    NOT NULL DEFAULT '',
    -- a JSON array of strings
    favourite_genres          TEXT    NOT NULL DEFAULT '[]',
    -- who may see each field: everyone, members, followers or only_me
    display_name_audience     TEXT    NOT NULL DEFAULT 'everyone'
        CHECK (display_name_audience IN ('everyone', 'members', 'followers', 'only_me')),
    location_audience         TEXT    NOT NULL DEFAULT 'only_me'
        CHECK (location_audience IN ('everyone', 'members', 'followers', 'only_me')),
    about_audience            TEXT    NOT NULL DEFAULT 'everyone'
        CHECK (about_audience IN ('everyone', 'members', 'followers', 'only_me')),
    birth_date_audience       TEXT    NOT NULL DEFAULT 'only_me'
        CHECK (birth_date_audience IN ('everyone', 'members', 'followers', 'only_me')),
    gender_audience           TEXT    NOT NULL DEFAULT 'only_me'
        CHECK (gender_audience IN ('everyone', 'members', 'followers', 'only_me')),
    favourite_genres_audience TEXT    NOT NULL DEFAULT 'everyone'
        CHECK (favourite_genres_audience IN ('everyone', 'members', 'followers', 'only_me')),
    joined_audience           TEXT    NOT NULL DEFAULT 'everyone'
        CHECK (joined_audience IN ('everyone', 'members', 'followers', 'only_me')),
    history_audience          TEXT    NOT NULL DEFAULT 'members'
        CHECK (history_audience IN ('everyone', 'members', 'followers', 'only_me')),
    followers_audience        TEXT    NOT NULL DEFAULT 'members'
        CHECK (followers_audience IN ('everyone', 'members', 'followers', 'only_me')),
    following_audience        TEXT    NOT NULL DEFAULT 'members'
        CHECK (following_audience IN ('everyone', 'members', 'followers', 'only_me')),
    -- follow requests need approval; every field is at most followers-only
    private                   INTEGER NOT NULL DEFAULT 0,
    -- appears in member search
    discoverable              INTEGER NOT NULL DEFAULT 1,
    -- search engines may index the profile page
    indexable                 INTEGER NOT NULL DEFAULT 1,
    -- bumped on every edit; the ETag that guards against lost updates
    version                   INTEGER NOT NULL DEFAULT 1,
    updated_at                INTEGER NOT NULL DEFAULT 0
);

-- Accounts made before profiles existed get the defaults; minors the closed ones.
INSERT INTO profiles (user_id, private, discoverable, indexable)
SELECT id, minor, NOT minor, NOT minor FROM users;

CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    follower_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- pending: a request to a private account, not yet approved
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'accepted')),
    created_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    UNIQUE (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, status);

CREATE TABLE watch_history (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    year       INTEGER,
    kind       TEXT    NOT NULL CHECK (kind IN ('movie', 'show')),
    -- YYYY-MM-DD
    watched_on TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX watch_history_user ON watch_history (user_id, watched_on);
