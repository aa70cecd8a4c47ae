-- The language a member chose for Curtain: the e-mails they get are written
-- in it, and a page opened without a language in its address goes to it.
-- NULL: not chosen (the address, then the browser, decide; e-mails follow
-- the page an action came from). A tag the server speaks (`Lang::tag`); no
-- CHECK, so a language added later needs no table rebuild.
ALTER TABLE users ADD COLUMN language TEXT;
