-- Photo evidence, addressed by the SHA-256 of the uploaded bytes. Kept in step with postgres.
CREATE TABLE photos (
    sha256        TEXT    PRIMARY KEY,
    uploader_id   INTEGER NOT NULL REFERENCES users (id),
    school_id     INTEGER REFERENCES orgs (id),
    format        TEXT    NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    -- EXIF DateTimeOriginal as the phone wrote it (local wall time, no zone).
    taken_at      TEXT,
    latitude      REAL,
    longitude     REAL,
    -- The phone's clock at upload, as it reported it, and the server's receipt time.
    device_time   TEXT,
    received_at   TEXT    NOT NULL,
    clock_skewed  BOOLEAN NOT NULL DEFAULT FALSE,
    display_bytes INTEGER NOT NULL,
    thumb_bytes   INTEGER NOT NULL
);
CREATE INDEX photos_uploader ON photos (uploader_id);
