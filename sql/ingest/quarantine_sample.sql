-- One row per row a load of a source quarantined, the first 20 in file and line order: its file,
-- line, column and reason, for the run's log.
SELECT source_file, source_line, column_name, reason FROM audit.quarantine
WHERE source = $source AND load_id = $load_id
ORDER BY source_file, source_line LIMIT 20
