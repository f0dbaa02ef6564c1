-- One row per valid row of the batch that is not staged (temp table _not_staged, usually few or
-- none): a duplicate or a conflict, with the row kept in its place. Read from _judged.
CREATE OR REPLACE TEMP TABLE _not_staged AS
SELECT checked_row, load_status, first_seen
FROM _judged
WHERE checked_row IS NOT NULL AND load_status <> 'staged'
