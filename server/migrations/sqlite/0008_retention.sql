-- Indexes for the retention purge (server/src/retention.rs): it deletes the
-- oldest rows of each kind in small batches, and each batch must find them
-- without reading the whole table.

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX signin_log_at ON signin_log (at);
CREATE INDEX signin_failures_at ON signin_failures (at);
CREATE INDEX consent_receipts_recorded ON consent_receipts (recorded_at);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX child_reports_created ON child_reports (created_at);
CREATE INDEX page_views_day ON page_views (day);
