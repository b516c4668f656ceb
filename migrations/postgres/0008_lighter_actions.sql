-- What each hazard action writes, made lighter: an action updates a hazard row, never as a HOT
-- update (it moves an indexed column), so it adds an entry to every index of hazards.
--
-- Indexes that earn less than they cost. The reports ask for a closing day "or still open",
-- which no index on closed_on answers; only the ledger's "closed in these days" filter could use
-- one, and it reads a county's hazards by their bureau. An inspector's hazards are read within
-- the inspector's county, by the bureau too.
DROP INDEX hazards_closed_on;
DROP INDEX hazards_reporter;

-- Only daily reminders carry a dedupe key: index those alone, not a NULL for every notification
-- an action sends.
ALTER TABLE notifications DROP CONSTRAINT notifications_dedupe_key;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (dedupe) WHERE dedupe IS NOT NULL;
