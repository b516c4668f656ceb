-- Paths compare byte by byte, as on SQLite, so "every org under /1/7/" is one range of the path
-- index ('/1/7/' <= path < '/1/70') whatever the database's collation, in every plan: a LIKE on a
-- parameter could not use the index in the generic plan PostgreSQL caches for a prepared
-- statement. A "C" btree also serves LIKE 'constant%'. Kept in step with sqlite.
DROP INDEX orgs_path;
ALTER TABLE orgs ALTER COLUMN path TYPE TEXT COLLATE "C";
CREATE INDEX orgs_path ON orgs (path);

-- The ledger's order (open before closed and voided, then by deadline): a first page over a
-- whole province walks this index and stops after a page instead of sorting every hazard.
CREATE INDEX hazards_ledger ON hazards ((CASE WHEN status IN ('closed', 'voided') THEN 1 ELSE 0 END), deadline, id);
