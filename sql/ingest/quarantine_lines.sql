-- One row per row of the batch headed for quarantine or kept as a duplicate whose raw row is
-- still to be read from its file (Parquet rows; temp table _quarantine_lines): rejected rows,
-- conflicts, and duplicates (kept in case their key is released later).
CREATE OR REPLACE TEMP TABLE _quarantine_lines AS
SELECT c.source_file, c.source_line
FROM _checked AS c
WHERE c.raw_row IS NULL AND (
    c.reject_reason IS NOT NULL
    -- conflicts, and duplicates (kept in case their key is released later)
    OR c.rowid IN (SELECT checked_row FROM _not_staged)
)
