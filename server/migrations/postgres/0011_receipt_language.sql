-- The language a consent answer was given in (see the SQLite migration of
-- the same number: versions after 0001 keep the SQLite numbers).
ALTER TABLE consent_receipts ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
