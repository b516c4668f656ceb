-- Checklist templates, inspection plans, inspections, hazards with their hash-chained events,
-- and which records reference which photos. Kept in step with postgres.

CREATE TABLE checklist_templates (
    id           INTEGER PRIMARY KEY,
    -- Versions of one template share a family: 'county-default', 'school-12'.
    family       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    -- Set for a school's own items, which extend the county template for that school only.
    school_id    INTEGER REFERENCES orgs (id),
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    published_at TEXT,
    UNIQUE (family, version)
);
CREATE INDEX checklist_templates_school ON checklist_templates (school_id);

CREATE TABLE checklist_sections (
    id          INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES checklist_templates (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    area        TEXT    NOT NULL CHECK (area IN ('responsibility', 'key_domains', 'five_ones', 'supervision', 'emergency')),
    title       TEXT    NOT NULL
);
CREATE INDEX checklist_sections_template ON checklist_sections (template_id, position);

CREATE TABLE checklist_items (
    id             INTEGER PRIMARY KEY,
    template_id    INTEGER NOT NULL REFERENCES checklist_templates (id) ON DELETE CASCADE,
    section_id     INTEGER NOT NULL REFERENCES checklist_sections (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    code           TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    standard       TEXT    NOT NULL,
    level          TEXT    NOT NULL CHECK (level IN ('general', 'major')),
    photo_required BOOLEAN NOT NULL,
    direct_major   BOOLEAN NOT NULL,
    applies_to     TEXT    NOT NULL CHECK (applies_to IN ('all', 'school', 'kindergarten')),
    UNIQUE (template_id, code)
);
CREATE INDEX checklist_items_section ON checklist_items (section_id, position);

-- Inspection plans are sealed: no principal may learn of one by any route.
CREATE TABLE inspection_plans (
    id          TEXT    PRIMARY KEY,
    bureau_id   INTEGER NOT NULL REFERENCES orgs (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('supervision', 'unannounced')),
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    -- The seed of a random draw (双随机), so the draw can be shown to be random and replayed.
    draw_seed   INTEGER,
    cancelled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX inspection_plans_bureau ON inspection_plans (bureau_id, starts_on);

CREATE TABLE plan_schools (
    plan_id   TEXT    NOT NULL REFERENCES inspection_plans (id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (plan_id, school_id)
);
CREATE INDEX plan_schools_school ON plan_schools (school_id);

CREATE TABLE plan_members (
    plan_id TEXT    NOT NULL REFERENCES inspection_plans (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (plan_id, user_id)
);

CREATE TABLE inspections (
    id           TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('self_check', 'supervision', 'unannounced')),
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'submitted')),
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    template_id  INTEGER NOT NULL REFERENCES checklist_templates (id),
    extension_id INTEGER REFERENCES checklist_templates (id),
    plan_id      TEXT    REFERENCES inspection_plans (id),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    note         TEXT    NOT NULL DEFAULT '',
    -- By the phone's clock: when the visit began and ended on site.
    started_at   TEXT,
    finished_at  TEXT,
    latitude     REAL,
    longitude    REAL,
    submitted_at TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX inspections_school ON inspections (school_id, status);
CREATE INDEX inspections_creator ON inspections (created_by);

CREATE TABLE inspection_answers (
    inspection_id TEXT    NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    item_id       INTEGER NOT NULL REFERENCES checklist_items (id),
    outcome       TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail', 'not_applicable')),
    note          TEXT    NOT NULL DEFAULT '',
    -- JSON: the photo addresses, and the drafted hazard of a failure.
    photos        TEXT    NOT NULL DEFAULT '[]',
    hazard        TEXT,
    PRIMARY KEY (inspection_id, item_id)
);

CREATE TABLE hazards (
    id              TEXT    PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES orgs (id),
    inspection_id   TEXT    REFERENCES inspections (id),
    item_id         INTEGER REFERENCES checklist_items (id),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    level           TEXT    NOT NULL CHECK (level IN ('general', 'major')),
    status          TEXT    NOT NULL CHECK (status IN ('reported', 'rectifying', 'submitted', 'closed', 'voided')),
    found_on        TEXT    NOT NULL,
    deadline        TEXT    NOT NULL,
    reported_by     INTEGER NOT NULL REFERENCES users (id),
    -- The discovering unit (谁发现、谁销号).
    reporter_org_id INTEGER NOT NULL REFERENCES orgs (id),
    version         INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    closed_at       TEXT
);
CREATE INDEX hazards_school_status ON hazards (school_id, status, deadline);
CREATE INDEX hazards_status_updated ON hazards (status, updated_at);
CREATE INDEX hazards_inspection ON hazards (inspection_id);

-- Append-only. Each event's hash covers the previous event's hash and its own canonical content.
CREATE TABLE hazard_events (
    id          INTEGER PRIMARY KEY,
    hazard_id   TEXT    NOT NULL REFERENCES hazards (id),
    seq         INTEGER NOT NULL,
    event_id    TEXT    NOT NULL UNIQUE,
    action      TEXT    NOT NULL,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    at          TEXT    NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    UNIQUE (hazard_id, seq)
);

-- Which records show which photos: a photo is served to whoever can see one of them.
CREATE TABLE photo_refs (
    sha256      TEXT NOT NULL REFERENCES photos (sha256),
    record_kind TEXT NOT NULL CHECK (record_kind IN ('inspection', 'hazard')),
    record_id   TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT 'before',
    PRIMARY KEY (sha256, record_kind, record_id)
);
CREATE INDEX photo_refs_record ON photo_refs (record_kind, record_id);
