-- One row per copy judged again that is now a conflict (_reopened, its row in
-- {duplicates_table}): its quarantine row, written again with the row it now conflicts with.
INSERT INTO audit.quarantine
SELECT $source, d.source_file, d.source_line, $key,
       $key || ': duplicate key with different content; kept the row in '
           || r.first_seen,
       d.raw_row, d.conserved_amount, $load_id, $loaded_at
FROM {duplicates_table} AS d, _reopened AS r
WHERE d.source_file = r.source_file AND d.source_line = r.source_line
    AND r.load_status = 'conflict'
