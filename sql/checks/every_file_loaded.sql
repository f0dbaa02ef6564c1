-- One row per file under $source's folder that was passed over (ignored: not a format the source
-- reads, hidden, a compressed JSON array): the file and why. Superseded files and export
-- manifests are expected and are not failures, and neither are the files of another source's
-- folder found to hold none of this source's records (Source.also_reads). Source:
-- audit.load_ledger (load_status, status_reason). Read by the every_file_loaded check.
SELECT source_file, status_reason
FROM audit.load_ledger
WHERE source = $source
    AND load_status = 'ignored'
    AND starts_with(source_file, $source || '/')
ORDER BY source_file
