-- Foundation: the org tree, accounts, sessions, login throttling, audit log, campaigns.
-- Kept in step with migrations/postgres/0001_foundation.sql.

CREATE TABLE orgs (
    id             INTEGER PRIMARY KEY,
    parent_id      INTEGER REFERENCES orgs (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('bureau', 'school')),
    name           TEXT    NOT NULL,
    school_type    TEXT    CHECK (school_type IN ('primary', 'junior', 'senior', 'complete', 'nine_year', 'vocational', 'special', 'kindergarten')),
    address        TEXT    NOT NULL DEFAULT '',
    latitude       REAL,
    longitude      REAL,
    principal_name TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    -- Materialised path of ids, '/1/7/', so that "everything under this bureau" is one index range.
    path           TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK ((kind = 'school') = (school_type IS NOT NULL))
);
CREATE INDEX orgs_path ON orgs (path);
CREATE UNIQUE INDEX orgs_parent_name ON orgs (parent_id, name);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'office', 'inspector', 'principal')),
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Only the SHA-256 of a session token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    client_addr  TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL,
    at  TEXT    NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    client_addr TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE campaigns (
    id                  INTEGER PRIMARY KEY,
    bureau_id           INTEGER NOT NULL REFERENCES orgs (id),
    name                TEXT    NOT NULL,
    starts_on           TEXT    NOT NULL,
    ends_on             TEXT    NOT NULL,
    reporting_starts_on TEXT    NOT NULL,
    final_summary_due   TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    CHECK (starts_on <= ends_on)
);

CREATE TABLE campaign_phases (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    starts_on    TEXT    NOT NULL,
    ends_on      TEXT    NOT NULL,
    expectations TEXT    NOT NULL DEFAULT '',
    UNIQUE (campaign_id, seq)
);

CREATE TABLE campaign_stage_reports (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    due_on      TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);
