-- One row per valid row of the batch (temp view _classified): the row as its staging model read
-- it (_checked), with its load status ('staged' unless _not_staged says 'duplicate' or
-- 'conflict') and the row kept in its place.
CREATE OR REPLACE TEMP VIEW _classified AS
SELECT c.*, COALESCE(n.load_status, 'staged') AS load_status, n.first_seen
FROM _checked AS c
LEFT JOIN _not_staged AS n ON n.checked_row = c.rowid
WHERE c.reject_reason IS NULL
