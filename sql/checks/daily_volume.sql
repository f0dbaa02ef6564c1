-- One row per day of the run (from $first_day to $last_day) for one source: the rows dated on it,
-- whether a file dated that day was loaded, and the median of the source's daily rows over the
-- $baseline_days days before (days with no rows left out). Source: temp view _daily_rows (the
-- source's staging table: one row per staged row, with the time it is about) and
-- audit.load_ledger (delivery_day: the date in a loaded file's path). Read by the
-- delivered_every_day and daily_volume_normal checks.
WITH daily AS (
    SELECT CAST(day_at AS DATE) AS day, COUNT(*) AS rows_delivered
    FROM _daily_rows
    WHERE day_at >= CAST($first_day AS DATE) - $baseline_days * INTERVAL 1 DAY
        AND day_at < CAST($last_day AS DATE) + INTERVAL 1 DAY
    GROUP BY 1
),

files AS (
    SELECT DISTINCT delivery_day AS day
    FROM audit.load_ledger
    WHERE source = $source AND load_status = 'loaded'
        AND delivery_day BETWEEN $first_day AND $last_day
),

run_days AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(
        CAST($first_day AS TIMESTAMP), CAST($last_day AS TIMESTAMP), INTERVAL 1 DAY
    ) AS t (d)
)

SELECT
    r.day,
    COALESCE(d.rows_delivered, 0) AS rows_delivered,
    f.day IS NOT NULL AS file_delivered,
    (
        SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY b.rows_delivered)
        FROM daily AS b
        WHERE b.day < r.day AND b.day >= r.day - $baseline_days * INTERVAL 1 DAY
    ) AS baseline_median_rows
FROM run_days AS r
LEFT JOIN daily AS d ON d.day = r.day
LEFT JOIN files AS f ON f.day = r.day
ORDER BY r.day
