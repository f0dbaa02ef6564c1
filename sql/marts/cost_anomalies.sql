-- One row per anomaly: a day on which an agent's or a team's agent cost per accepted action or
-- per task stands far above its own trailing baseline, or a task whose agent cost (inference, tool,
-- infrastructure and failed-run lines: what the agents consumed) stands far above its task type's
-- usual (seed 003: "twenty times the expected budget for a task type"). Source: marts.showback (day rows)
-- and core.action_outcomes (tasks per day). Baseline: the $anomaly_baseline_days days before, each
-- day judged only when its denominator (accepted units, or tasks) is at least
-- $anomaly_min_daily_count. Rule: at least $anomaly_min_baseline_days baseline days, value >=
-- $anomaly_min_ratio x the baseline median, and value - median >= $anomaly_robust_z x 1.4826 x MAD
-- (median absolute deviation; any excess counts when MAD is 0). Medians are the lower median
-- (an observed value, exact). Agent cost is what the agents consume: the inference, tool,
-- infrastructure and failed-run lines. Human labour (a two-hour review) and failure impact (one
-- large refund) are lumpy by nature; budgets and the failure-impact views judge them.
-- driver_line is the agent line whose per-unit value rose most over its own baseline median. Tasks: task-day agent cost >= $task_outlier_ratio x the median of its
-- task type's task-days over the $task_outlier_lookback_days days before (at least
-- $task_outlier_min_tasks of them); its driver is its largest agent line. Days on or after
-- $recompute_from are written.
-- @time_column day
-- @summary_by metric
WITH daily AS (
    SELECT
        period_start AS day,
        grain,
        CASE WHEN grain = 'agent' THEN agent_id ELSE team_id END AS owner_id,
        accepted_units,
        inference_cost_usd,
        tool_cost_usd,
        infrastructure_cost_usd,
        failed_run_cost_usd,
        inference_cost_usd + tool_cost_usd + infrastructure_cost_usd + failed_run_cost_usd
            AS agent_cost_usd
    FROM marts.showback
    WHERE period = 'day' AND grain IN ('agent', 'team')
        AND period_start >= CAST($recompute_from AS DATE) - $anomaly_baseline_days * INTERVAL 1 DAY
),

tasks_per_day AS (
    SELECT attempted_date AS day, 'agent' AS grain, agent_id AS owner_id,
        COUNT(DISTINCT task_id) AS tasks
    FROM core.action_outcomes
    WHERE attempted_date >= CAST($recompute_from AS DATE) - $anomaly_baseline_days * INTERVAL 1 DAY
    GROUP BY attempted_date, agent_id
    UNION ALL
    SELECT attempted_date, 'team', team_id, COUNT(DISTINCT task_id)
    FROM core.action_outcomes
    WHERE attempted_date >= CAST($recompute_from AS DATE) - $anomaly_baseline_days * INTERVAL 1 DAY
    GROUP BY attempted_date, team_id
),

measured AS (
    SELECT d.*, 'agent_cost_per_accepted_action' AS metric, d.accepted_units AS denominator
    FROM daily AS d
    UNION ALL
    SELECT d.*, 'agent_cost_per_task', CAST(t.tasks AS DECIMAL(18, 6))
    FROM daily AS d
    INNER JOIN tasks_per_day AS t
        ON t.day = d.day AND t.grain = d.grain AND t.owner_id = d.owner_id
),

line_amounts AS (
    SELECT day, grain, owner_id, metric, denominator, 'total' AS line, agent_cost_usd AS amount
    FROM measured
    UNION ALL
    SELECT day, grain, owner_id, metric, denominator, 'inference', inference_cost_usd
    FROM measured
    UNION ALL
    SELECT day, grain, owner_id, metric, denominator, 'tool', tool_cost_usd FROM measured
    UNION ALL
    SELECT day, grain, owner_id, metric, denominator, 'infrastructure', infrastructure_cost_usd
    FROM measured
    UNION ALL
    SELECT day, grain, owner_id, metric, denominator, 'failed_run', failed_run_cost_usd
    FROM measured

),

line_values AS (
    SELECT day, grain, owner_id, metric, line, divide_decimal(amount, denominator) AS value
    FROM line_amounts
    WHERE denominator >= $anomaly_min_daily_count
),

judged AS (
    SELECT * FROM line_values WHERE day >= $recompute_from
),

baselines AS (
    SELECT
        j.day,
        j.grain,
        j.owner_id,
        j.metric,
        j.line,
        j.value,
        quantile_disc(b.value, 0.5) AS baseline_median,
        COUNT(*) AS baseline_days
    FROM judged AS j
    INNER JOIN line_values AS b
        ON b.grain = j.grain AND b.owner_id = j.owner_id AND b.metric = j.metric
        AND b.line = j.line
        AND b.day < j.day AND b.day >= j.day - $anomaly_baseline_days * INTERVAL 1 DAY
    GROUP BY j.day, j.grain, j.owner_id, j.metric, j.line, j.value
),

spreads AS (
    SELECT
        x.day,
        x.grain,
        x.owner_id,
        x.metric,
        quantile_disc(ABS(b.value - x.baseline_median), 0.5) AS baseline_mad
    FROM baselines AS x
    INNER JOIN line_values AS b
        ON b.grain = x.grain AND b.owner_id = x.owner_id AND b.metric = x.metric
        AND b.line = x.line
        AND b.day < x.day AND b.day >= x.day - $anomaly_baseline_days * INTERVAL 1 DAY
    WHERE x.line = 'total'
    GROUP BY x.day, x.grain, x.owner_id, x.metric
),

drivers AS (
    SELECT
        day,
        grain,
        owner_id,
        metric,
        line AS driver_line,
        value - baseline_median AS driver_increase_usd,
        ROW_NUMBER() OVER (
            PARTITION BY day, grain, owner_id, metric
            ORDER BY value - baseline_median DESC, line
        ) AS driver_rank
    FROM baselines
    WHERE line <> 'total'
),

unit_anomalies AS (
    SELECT
        t.day,
        t.grain,
        t.owner_id,
        CAST(NULL AS VARCHAR) AS task_type,
        t.metric,
        t.value,
        t.baseline_median,
        s.baseline_mad,
        t.baseline_days,
        divide_decimal(t.value, t.baseline_median) AS ratio_to_baseline,
        divide_decimal(t.value - t.baseline_median, CAST(1.4826 AS DECIMAL(6, 4)) * s.baseline_mad)
            AS robust_z,
        d.driver_line,
        d.driver_increase_usd
    FROM baselines AS t
    INNER JOIN spreads AS s
        ON s.day = t.day AND s.grain = t.grain AND s.owner_id = t.owner_id
        AND s.metric = t.metric
    LEFT JOIN drivers AS d
        ON d.day = t.day AND d.grain = t.grain AND d.owner_id = t.owner_id
        AND d.metric = t.metric AND d.driver_rank = 1
    WHERE t.line = 'total'
        AND t.baseline_days >= $anomaly_min_baseline_days
        AND t.baseline_median > 0
        AND t.value >= CAST($anomaly_min_ratio AS DECIMAL(18, 6)) * t.baseline_median
        AND (
            s.baseline_mad = 0
            OR t.value - t.baseline_median
            >= CAST($anomaly_robust_z AS DECIMAL(18, 6)) * CAST(1.4826 AS DECIMAL(6, 4))
            * s.baseline_mad
        )
),

task_days AS (
    SELECT
        period_start AS day,
        task_id,
        task_type,
        inference_cost_usd + tool_cost_usd + infrastructure_cost_usd + failed_run_cost_usd
            AS agent_cost_usd,
        inference_cost_usd,
        tool_cost_usd,
        infrastructure_cost_usd,
        failed_run_cost_usd
    FROM marts.showback
    WHERE period = 'day' AND grain = 'task'
        AND period_start
        >= CAST($recompute_from AS DATE) - $task_outlier_lookback_days * INTERVAL 1 DAY
),

task_baselines AS (
    SELECT
        t.*,
        quantile_disc(t.agent_cost_usd, 0.5) OVER type_window AS baseline_median,
        COUNT(*) OVER type_window AS baseline_tasks
    FROM task_days AS t
    WINDOW type_window AS (
        PARTITION BY t.task_type ORDER BY t.day
        RANGE BETWEEN $task_outlier_lookback_days * INTERVAL 1 DAY PRECEDING
        AND INTERVAL 1 DAY PRECEDING
    )
),

task_outliers AS (
    SELECT
        day,
        'task' AS grain,
        task_id AS owner_id,
        task_type,
        'task_agent_cost' AS metric,
        agent_cost_usd AS value,
        baseline_median,
        CAST(NULL AS DECIMAL(38, 12)) AS baseline_mad,
        baseline_tasks AS baseline_days,
        divide_decimal(agent_cost_usd, baseline_median) AS ratio_to_baseline,
        CAST(NULL AS DECIMAL(38, 12)) AS robust_z,
        CASE GREATEST(inference_cost_usd, tool_cost_usd, infrastructure_cost_usd,
            failed_run_cost_usd)
            WHEN inference_cost_usd THEN 'inference'
            WHEN tool_cost_usd THEN 'tool'
            WHEN infrastructure_cost_usd THEN 'infrastructure'
            ELSE 'failed_run'
        END AS driver_line,
        CAST(NULL AS DECIMAL(38, 12)) AS driver_increase_usd
    FROM task_baselines
    WHERE day >= $recompute_from
        AND baseline_tasks >= $task_outlier_min_tasks
        AND baseline_median > 0
        AND agent_cost_usd >= CAST($task_outlier_ratio AS DECIMAL(18, 6)) * baseline_median
)

SELECT * FROM unit_anomalies
UNION ALL
SELECT * FROM task_outliers
