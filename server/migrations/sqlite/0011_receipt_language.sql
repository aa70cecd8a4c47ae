-- The language a consent answer was given in (the banner's or the dialog's
-- words): a receipt proves what the visitor was shown, and the words are part
-- of that. Receipts from before languages were all given in English.
-- No CHECK on the tags: the server accepts only its own (`Lang::from_tag`),
-- and a language added later needs no table rebuild here.
ALTER TABLE consent_receipts ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
