-- One row per file of a source the loader has seen, in a warehouse created by an earlier
-- release: the ledger gains the columns added since (NULL delivery day: undated; every file such
-- a ledger recorded was loaded). One statement per column added.
ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS delivery_day DATE;
ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS load_status VARCHAR DEFAULT 'loaded';
ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS status_reason VARCHAR;
ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS compression VARCHAR;
