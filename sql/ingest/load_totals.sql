-- One row per load of a source: its rows read, staged, quarantined and dropped as duplicates,
-- and the amounts read and staged, summed over its files' load ledger rows.
SELECT COALESCE(SUM(rows_read), 0), COALESCE(SUM(rows_staged), 0),
       COALESCE(SUM(rows_quarantined), 0), COALESCE(SUM(rows_duplicate), 0),
       SUM(amount_read), SUM(amount_staged)
FROM audit.load_ledger WHERE source = $source AND load_id = $load_id
