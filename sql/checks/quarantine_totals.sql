-- One row per source ($source): the rows read from all its loaded files and the rows of them
-- that went to quarantine. Source: audit.load_ledger. Read by the quarantine_share check.
SELECT
    COALESCE(SUM(rows_read), 0) AS rows_read,
    COALESCE(SUM(rows_quarantined), 0) AS rows_quarantined
FROM audit.load_ledger
WHERE source = $source
