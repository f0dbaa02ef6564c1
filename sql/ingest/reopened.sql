-- One row per copy of a released key that another, unchanged file holds ({duplicates_table}),
-- judged again with the batch (temp table _reopened): its new status and the row kept in its
-- place, the status it had (for the ledger) and the amount it carries.
CREATE OR REPLACE TEMP TABLE _reopened AS
SELECT j.source_file, j.source_line, j.load_status, j.first_seen,
       d.load_status AS previous_status, d.conserved_amount
FROM _judged AS j
INNER JOIN {duplicates_table} AS d
    ON d.source_file = j.source_file AND d.source_line = j.source_line
WHERE j.checked_row IS NULL
