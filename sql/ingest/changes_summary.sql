-- One row per load of a source whose rows name no action that changed staged rows (temp table
-- _changed): its audit.changes row, from the earliest day its changed rows date from.
INSERT INTO audit.changes
SELECT $source, $load_id, $loaded_at, MIN(c.day),
       SUM(c.rows_added), SUM(c.rows_removed)
FROM _changed AS c
HAVING COUNT(*) > 0
