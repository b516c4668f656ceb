-- Paths already compare byte by byte here (BINARY), so "every org under /1/7/" is one range of
-- the path index ('/1/7/' <= path < '/1/70'). Kept in step with postgres, which changes the
-- column's collation to match.

-- The ledger's order (open before closed and voided, then by deadline): a first page over a
-- whole province walks this index and stops after a page instead of sorting every hazard.
CREATE INDEX hazards_ledger ON hazards ((CASE WHEN status IN ('closed', 'voided') THEN 1 ELSE 0 END), deadline, id);
