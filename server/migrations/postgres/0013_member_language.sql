-- The language a member chose (see the SQLite migration of the same number:
-- versions after 0001 keep the SQLite numbers). NULL: not chosen.
ALTER TABLE users ADD COLUMN language TEXT;
