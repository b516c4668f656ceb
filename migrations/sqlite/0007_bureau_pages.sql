-- A county's pages in page order. Each hazard carries its school's bureau (the school's parent,
-- which never changes), so that the first page of a county's ledger or closure queue walks one
-- of these indexes and stops after a page, instead of reading and sorting every hazard of the
-- county's schools. The trailing columns let the overdue count be read from an index alone.
-- Kept in step with postgres (SQLite cannot add a NOT NULL column without a default).
ALTER TABLE hazards ADD COLUMN bureau_id INTEGER NOT NULL DEFAULT 0;
UPDATE hazards SET bureau_id = (SELECT s.parent_id FROM orgs s WHERE s.id = hazards.school_id);
CREATE INDEX hazards_bureau_ledger ON hazards
    (bureau_id, (CASE WHEN status IN ('closed', 'voided') THEN 1 ELSE 0 END), deadline, id, status, area, level);
CREATE INDEX hazards_bureau_queue ON hazards (bureau_id, status, updated_at, id, deadline, area, level);

-- How many hazards each bureau's schools have, by status, area ('' for none) and level: the
-- tabs of a ledger (counts per status) read these instead of counting every hazard in scope.
-- Written in the transaction that inserts a hazard or changes its status, last, in key order.
CREATE TABLE hazard_tallies (
    bureau_id INTEGER NOT NULL,
    status    TEXT    NOT NULL,
    area      TEXT    NOT NULL,
    level     TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (bureau_id, status, area, level)
) WITHOUT ROWID;
INSERT INTO hazard_tallies (bureau_id, status, area, level, n)
    SELECT bureau_id, status, COALESCE(area, ''), level, COUNT(*) FROM hazards GROUP BY 1, 2, 3, 4;
