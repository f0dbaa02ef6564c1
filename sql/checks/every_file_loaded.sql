-- One row per file under $source's folder that was passed over (ignored: not a format the source
-- reads, hidden, a compressed JSON array): the file and why. Superseded files and export
-- manifests are expected and are not failures. Source: audit.load_ledger (load_status,
-- status_reason). Read by the every_file_loaded check.
SELECT source_file, status_reason
FROM audit.load_ledger
WHERE source = $source AND load_status = 'ignored'
ORDER BY source_file
