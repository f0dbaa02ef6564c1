-- One row per cost anomaly from $first_day to $last_day (an agent's or team's day of anomalous
-- cost per accepted action or per task, or a task far above its task type's norm): the finding
-- as one readable line, with its driver. Source: marts.cost_anomalies. Read by the
-- no_unit_cost_anomalies check.
SELECT grain || ' ' || owner_id || ' ' || CAST(day AS VARCHAR) || ': '
    || REPLACE(metric, '_', ' ') || ' ' || CAST(ROUND(value, 2) AS VARCHAR)
    || ' vs ' || CAST(ROUND(baseline_median, 2) AS VARCHAR)
    || CASE WHEN grain = 'task' THEN ' for a ' || task_type || ' task' ELSE ' usual' END
    || ' (' || CAST(ROUND(ratio_to_baseline, 1) AS VARCHAR) || 'x); driver: ' || driver_line
    || COALESCE(' +' || CAST(ROUND(driver_increase_usd, 2) AS VARCHAR), '')
FROM marts.cost_anomalies
WHERE day BETWEEN $first_day AND $last_day
ORDER BY day, grain, owner_id, metric
