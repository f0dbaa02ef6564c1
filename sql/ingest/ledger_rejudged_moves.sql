-- One row per file of the source holding copies judged again (_reopened): its load ledger row
-- moves those rows and amounts between staged, quarantined and duplicate (+ the status each copy
-- took, - the status it had), so it reads as a fresh load of the current files would.
UPDATE audit.load_ledger AS l
SET rows_staged = l.rows_staged + m.rows_staged,
    rows_quarantined = l.rows_quarantined + m.rows_quarantined,
    rows_duplicate = l.rows_duplicate + m.rows_duplicate,
    amount_staged = CASE WHEN l.amount_staged IS NULL AND m.amount_staged IS NULL
        THEN NULL ELSE COALESCE(l.amount_staged, 0) + COALESCE(m.amount_staged, 0) END,
    amount_quarantined = l.amount_quarantined + m.amount_quarantined,
    amount_duplicate = l.amount_duplicate + m.amount_duplicate
FROM (
    -- each file's moves: + the status its copies took, - the status they had
    SELECT
        source_file,
        COUNT(*) FILTER (WHERE now = 'staged') AS rows_staged,
        COUNT(*) FILTER (WHERE now = 'conflict')
            - COUNT(*) FILTER (WHERE was = 'conflict') AS rows_quarantined,
        COUNT(*) FILTER (WHERE now = 'duplicate')
            - COUNT(*) FILTER (WHERE was = 'duplicate') AS rows_duplicate,
        SUM(amount) FILTER (WHERE now = 'staged') AS amount_staged,
        COALESCE(SUM(amount) FILTER (WHERE now = 'conflict'), 0)
            - COALESCE(SUM(amount) FILTER (WHERE was = 'conflict'), 0)
            AS amount_quarantined,
        COALESCE(SUM(amount) FILTER (WHERE now = 'duplicate'), 0)
            - COALESCE(SUM(amount) FILTER (WHERE was = 'duplicate'), 0)
            AS amount_duplicate
    FROM (
        SELECT source_file, load_status AS now, previous_status AS was,
               conserved_amount AS amount
        FROM _reopened
    ) AS moves
    GROUP BY source_file
) AS m
WHERE l.source = $source AND l.source_file = m.source_file
