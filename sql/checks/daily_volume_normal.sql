-- One row per day of the run whose rows are below $low_ratio or above $high_ratio times the
-- median of the days before it (days without a baseline, or a baseline of 0, are not judged):
-- the rows and the baseline median. Source: temp table _daily_volume
-- (sql/checks/daily_volume.sql). Read by the daily_volume_normal check.
SELECT day, rows_delivered, baseline_median_rows
FROM _daily_volume
WHERE baseline_median_rows IS NOT NULL AND baseline_median_rows <> 0
    AND NOT (
        $low_ratio * baseline_median_rows <= rows_delivered
        AND rows_delivered <= $high_ratio * baseline_median_rows
    )
ORDER BY day
