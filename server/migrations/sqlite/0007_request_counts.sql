-- Requests anyone may send without signing in that write something (consent
-- answers, page views, unsubscribes, parents' reports), counted per address
-- in fixed windows for their rate limits. In the database, not in memory, so
-- several server replicas share the limits. A row is deleted once its window
-- has ended (when the next window's first row is written), so an address is
-- kept no longer than the window it is counted in.
CREATE TABLE request_counts (
    -- which limit: consent_answer, page_view, unsubscribe, child_report, …
    kind           TEXT    NOT NULL,
    -- the client's IPv4 address, or its IPv6 /64
    address        TEXT    NOT NULL,
    window_ends_at INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    PRIMARY KEY (kind, address, window_ends_at)
) WITHOUT ROWID;
CREATE INDEX request_counts_ended ON request_counts (window_ends_at);
