-- The closed loop: rectification plans and submissions on the hazard, notifications, webhook
-- deliveries, and leases so a scheduled job runs once across instances. Kept in step with postgres.

ALTER TABLE hazards ADD COLUMN area TEXT;
ALTER TABLE hazards ADD COLUMN plan_responsible TEXT;
ALTER TABLE hazards ADD COLUMN plan_measures TEXT;
ALTER TABLE hazards ADD COLUMN plan_funds_cents INTEGER;
ALTER TABLE hazards ADD COLUMN plan_deadline TEXT;
ALTER TABLE hazards ADD COLUMN plan_contingency TEXT;
ALTER TABLE hazards ADD COLUMN submit_note TEXT;
ALTER TABLE hazards ADD COLUMN after_photos TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hazards ADD COLUMN signature_sha TEXT;
ALTER TABLE hazards ADD COLUMN return_reason TEXT;
CREATE INDEX hazards_reporter ON hazards (reported_by);
CREATE INDEX hazards_found_on ON hazards (found_on);

-- In-app notifications. `dedupe` keeps a daily reminder from being sent twice.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    hazard_id  TEXT    REFERENCES hazards (id),
    kind       TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    dedupe     TEXT    UNIQUE,
    created_at TEXT    NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- Outbound webhook deliveries, retried with backoff until delivered.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    event           TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, next_attempt_at);

-- A named job runs on one instance at a time: whoever holds the unexpired lease.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    last_run_on TEXT
);
