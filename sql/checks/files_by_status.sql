-- One row per load status of $source's files (loaded, superseded, manifest, ignored): how many
-- files have it. Source: audit.load_ledger. Read by the every_file_loaded check.
SELECT load_status, COUNT(*) AS files
FROM audit.load_ledger
WHERE source = $source
GROUP BY load_status
