-- What each hazard action writes, made lighter: every action that moves a hazard's deadline,
-- status or time of change adds an entry to every index that holds one of them.
--
-- Indexes that earn less than they cost. The reports ask for a closing day "or still open",
-- which no index on closed_on answers; only the ledger's "closed in these days" filter could use
-- one, and it reads a county's hazards by their bureau. An inspector's hazards are read within
-- the inspector's county, by the bureau too.
DROP INDEX hazards_closed_on;
DROP INDEX hazards_reporter;
