-- One row per row of this load headed for quarantine: rows the staging model rejected (the
-- column at fault is the reason's prefix), conflicting duplicates (with the row kept in their
-- place), and lines the file's reader rejected (_rejected_lines; no amount read).
INSERT INTO audit.quarantine
SELECT $source, source_file, source_line, split_part(reject_reason, ':', 1),
       reject_reason, raw_row, conserved_amount, $load_id, $loaded_at
FROM _checked WHERE reject_reason IS NOT NULL
UNION ALL
SELECT $source, source_file, source_line, $key,
       $key || ': duplicate key with different content; kept the row in '
           || first_seen,
       raw_row, conserved_amount, $load_id, $loaded_at
FROM _classified WHERE load_status = 'conflict'
UNION ALL
SELECT $source, source_file, source_line, column_name, reason, raw_row, NULL,
       $load_id, $loaded_at
FROM _rejected_lines
