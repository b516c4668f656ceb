-- Campaign reporting: the days a hazard moved (for the three tables), school submissions,
-- enforcement measures and accountability actions, the responsibility list, activity logs and
-- the accident register. Kept in step with postgres.

-- The China date of each step of a hazard's loop, never before the day it was found, so that every
-- period reconciles: open at start + found − closed − voided = open at end.
ALTER TABLE hazards ADD COLUMN planned_on TEXT;
ALTER TABLE hazards ADD COLUMN rectified_on TEXT;
ALTER TABLE hazards ADD COLUMN closed_on TEXT;
ALTER TABLE hazards ADD COLUMN voided_on TEXT;
-- A typical case, picked for exposure (曝光).
ALTER TABLE hazards ADD COLUMN typical BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE hazards SET closed_on = max(found_on, date(substr(closed_at, 1, 19), '+8 hours'))
 WHERE closed_at IS NOT NULL;
UPDATE hazards SET planned_on = max(found_on, (SELECT date(substr(MIN(e.at), 1, 19), '+8 hours')
   FROM hazard_events e WHERE e.hazard_id = hazards.id AND e.action = 'plan'))
 WHERE EXISTS (SELECT 1 FROM hazard_events e WHERE e.hazard_id = hazards.id AND e.action = 'plan');
UPDATE hazards SET rectified_on = max(found_on, (SELECT date(substr(MIN(e.at), 1, 19), '+8 hours')
   FROM hazard_events e WHERE e.hazard_id = hazards.id AND e.action = 'submit'))
 WHERE EXISTS (SELECT 1 FROM hazard_events e WHERE e.hazard_id = hazards.id AND e.action = 'submit');
UPDATE hazards SET voided_on = max(found_on, COALESCE((SELECT date(substr(MIN(e.at), 1, 19), '+8 hours')
   FROM hazard_events e WHERE e.hazard_id = hazards.id AND e.action = 'void'), found_on))
 WHERE status = 'voided';
CREATE INDEX hazards_closed_on ON hazards (closed_on);

-- A school's 10-day report (kind 'period', seq = period number), stage report (seq = stage) or
-- final summary (seq 1). Its statistics are frozen as submitted.
CREATE TABLE submissions (
    id           TEXT    PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('period', 'stage', 'final')),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    note         TEXT    NOT NULL DEFAULT '',
    numbers      TEXT    NOT NULL DEFAULT '{}',
    attachments  TEXT    NOT NULL DEFAULT '[]',
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    submitted_at TEXT    NOT NULL,
    UNIQUE (campaign_id, school_id, kind, seq)
);
CREATE INDEX submissions_school ON submissions (school_id, campaign_id);

-- Enforcement measures (行政强制措施, category 'measure') and accountability actions (责任追究,
-- category 'action'): one shape, two tables of statistics.
CREATE TABLE enforcement_records (
    id            TEXT    PRIMARY KEY,
    category      TEXT    NOT NULL CHECK (category IN ('measure', 'action')),
    kind          TEXT    NOT NULL,
    school_id     INTEGER NOT NULL REFERENCES orgs (id),
    hazard_id     TEXT    REFERENCES hazards (id),
    -- JSON array of the names of the persons concerned.
    persons       TEXT    NOT NULL DEFAULT '[]',
    persons_count INTEGER NOT NULL DEFAULT 0 CHECK (persons_count >= 0),
    taken_on      TEXT    NOT NULL,
    doc_no        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    attachments   TEXT    NOT NULL DEFAULT '[]',
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    TEXT    NOT NULL
);
CREATE INDEX enforcement_records_taken ON enforcement_records (category, taken_on);
CREATE INDEX enforcement_records_school ON enforcement_records (school_id, category);

-- The responsibility list (安全责任清单) the bureau publishes, and each school's signed copy.
CREATE TABLE duty_lists (
    id           INTEGER PRIMARY KEY,
    bureau_id    INTEGER NOT NULL REFERENCES orgs (id),
    title        TEXT    NOT NULL,
    -- JSON array of duty texts.
    duties       TEXT    NOT NULL,
    published_by INTEGER NOT NULL REFERENCES users (id),
    published_at TEXT    NOT NULL
);
CREATE TABLE duty_signatures (
    list_id       INTEGER NOT NULL REFERENCES duty_lists (id),
    school_id     INTEGER NOT NULL REFERENCES orgs (id),
    -- JSON array of the school's own duties.
    school_items  TEXT    NOT NULL DEFAULT '[]',
    -- SHA-256 of exactly the text that was signed.
    content_sha   TEXT    NOT NULL,
    signature_sha TEXT    NOT NULL REFERENCES photos (sha256),
    signed_by     INTEGER NOT NULL REFERENCES users (id),
    signed_at     TEXT    NOT NULL,
    PRIMARY KEY (list_id, school_id)
);

-- Publicity posts (≥ 2 a week) and warning-education screenings (≥ 1 a semester).
CREATE TABLE activities (
    id         TEXT    PRIMARY KEY,
    school_id  INTEGER NOT NULL REFERENCES orgs (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('publicity', 'screening')),
    held_on    TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    photo_sha  TEXT    NOT NULL REFERENCES photos (sha256),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX activities_school ON activities (school_id, kind, held_on);

CREATE TABLE accidents (
    id          TEXT    PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES orgs (id),
    occurred_on TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    injured     INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
    dead        INTEGER NOT NULL DEFAULT 0 CHECK (dead >= 0),
    summary     TEXT    NOT NULL,
    -- JSON array of linked hazard ids.
    hazard_ids  TEXT    NOT NULL DEFAULT '[]',
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX accidents_occurred ON accidents (occurred_on);

-- Photos may now be evidence in a school's records (record_kind 'school', record_id the school's
-- id): seen by whoever sees the school. SQLite cannot alter a CHECK, so the table is rebuilt.
CREATE TABLE photo_refs_new (
    sha256      TEXT NOT NULL REFERENCES photos (sha256),
    record_kind TEXT NOT NULL CHECK (record_kind IN ('inspection', 'hazard', 'school')),
    record_id   TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT 'before',
    PRIMARY KEY (sha256, record_kind, record_id)
);
INSERT INTO photo_refs_new SELECT sha256, record_kind, record_id, role FROM photo_refs;
DROP TABLE photo_refs;
ALTER TABLE photo_refs_new RENAME TO photo_refs;
CREATE INDEX photo_refs_record ON photo_refs (record_kind, record_id);
