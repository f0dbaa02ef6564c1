-- One row per source ($source) whose share of rows read that went to quarantine is above
-- $threshold (IngestSettings.quarantine_warn_ratio): rows read, rows quarantined and the share
-- (0 when nothing was read). Source: audit.load_ledger. Read by the quarantine_share check.
WITH totals AS (
    SELECT
        COALESCE(SUM(rows_read), 0) AS rows_read,
        COALESCE(SUM(rows_quarantined), 0) AS rows_quarantined
    FROM audit.load_ledger
    WHERE source = $source
)

SELECT
    rows_read,
    rows_quarantined,
    CASE WHEN rows_read = 0 THEN 0.0 ELSE rows_quarantined / rows_read END AS quarantine_share
FROM totals
WHERE CASE WHEN rows_read = 0 THEN 0.0 ELSE rows_quarantined / rows_read END > $threshold
