-- One row per file of $source in the load ledger: the rows and the exact amount the ledger says
-- were read, beside what the tables hold now (staged, quarantined) and the duplicates dropped.
-- Source: audit.load_ledger, audit.quarantine (parsed_amount: where the amount parsed) and temp
-- view _staged_rows (the source's staging table: source_file and the amount of each staged row,
-- NULL for a source without one). Kept as temp table _loaded_files for the rows_conserved and
-- amount_conserved checks.
WITH staged AS (
    SELECT source_file, COUNT(*) AS n, SUM(amount) AS amount
    FROM _staged_rows
    GROUP BY source_file
),

quarantined AS (
    SELECT source_file, COUNT(*) AS n, SUM(parsed_amount) AS amount
    FROM audit.quarantine
    WHERE source = $source
    GROUP BY source_file
)

SELECT
    l.source_file,
    l.rows_read,
    COALESCE(s.n, 0) AS rows_staged,
    COALESCE(q.n, 0) AS rows_quarantined,
    l.rows_duplicate,
    COALESCE(l.amount_read, 0) AS amount_read,
    COALESCE(s.amount, 0) AS amount_staged,
    COALESCE(q.amount, 0) AS amount_quarantined,
    COALESCE(l.amount_duplicate, 0) AS amount_duplicate
FROM audit.load_ledger AS l
LEFT JOIN staged AS s ON s.source_file = l.source_file
LEFT JOIN quarantined AS q ON q.source_file = l.source_file
WHERE l.source = $source
ORDER BY l.source_file
