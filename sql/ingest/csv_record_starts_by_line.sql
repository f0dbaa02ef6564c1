-- One row per line of a CSV file on which a record starts (temp table _record_starts), for a file
-- whose lines are each one record (no quote spans lines): every line after the header that is not
-- blank (_physical).
CREATE OR REPLACE TEMP TABLE _record_starts AS
SELECT n
FROM _physical
WHERE n > 1 AND TRIM(COALESCE(line, '')) <> ''
