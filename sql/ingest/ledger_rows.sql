-- One row per file this load reads or passes over (_files): its load ledger row, with the rows
-- and exact amounts read (the staging model's rows and the lines its reader rejected), staged,
-- quarantined (rejected rows, conflicts, rejected lines) and dropped as duplicates.
INSERT INTO audit.load_ledger
SELECT $source, f.source_file, f.file_sha256, f.file_bytes, f.file_format, f.adapter,
       $fingerprint, $load_id, $loaded_at,
       COALESCE(c.rows_read, 0) + f.rejected_lines,
       COALESCE(k.rows_staged, 0),
       COALESCE(c.rows_rejected, 0) + COALESCE(k.rows_conflict, 0) + f.rejected_lines,
       COALESCE(k.rows_duplicate, 0),
       $amount_column,
       c.amount_read, k.amount_staged,
       COALESCE(c.amount_rejected, 0) + COALESCE(k.amount_conflict, 0),
       COALESCE(k.amount_duplicate, 0),
       f.delivery_day, f.load_status, f.status_reason, f.compression
FROM _files AS f
LEFT JOIN (
    SELECT source_file, COUNT(*) AS rows_read,
           COUNT(reject_reason) AS rows_rejected,
           SUM(conserved_amount) AS amount_read,
           SUM(CASE WHEN reject_reason IS NOT NULL THEN conserved_amount END)
               AS amount_rejected
    FROM _checked GROUP BY source_file
) AS c ON c.source_file = f.source_file
LEFT JOIN (
    SELECT source_file,
           COUNT(CASE WHEN load_status = 'staged' THEN 1 END) AS rows_staged,
           COUNT(CASE WHEN load_status = 'duplicate' THEN 1 END) AS rows_duplicate,
           COUNT(CASE WHEN load_status = 'conflict' THEN 1 END) AS rows_conflict,
           SUM(CASE WHEN load_status = 'staged' THEN conserved_amount END)
               AS amount_staged,
           SUM(CASE WHEN load_status = 'duplicate' THEN conserved_amount END)
               AS amount_duplicate,
           SUM(CASE WHEN load_status = 'conflict' THEN conserved_amount END)
               AS amount_conflict
    FROM _classified GROUP BY source_file
) AS k ON k.source_file = f.source_file
