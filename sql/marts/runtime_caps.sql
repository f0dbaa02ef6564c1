-- One row per month and cap: the runtime budget caps the measurements recommend (seed 003:
-- translate insights into runtime controls; an agent consuming twenty times the expected budget
-- for a task type is a signal), set from the $cap_lookback_days days up to the month's end.
-- Source: core.cost_ledger (a task's runtime cost: every part booked to the task, its actions'
-- and its sessions'), core.action_outcomes (a task's type, first day and outcome) and
-- marts.showback (agents' daily spend). Caps are on runtime cost (inference, tool and failed-run
-- cost: what an agent runtime or LLM gateway sees while the work runs), never on labour or
-- failure impact, which come later. A cap is the $cap_percentile percentile of its sample, read
-- as the observed value at rank ceil(p x n) (exact, never interpolated), times
-- $cap_headroom_ratio: room above the usual, so the cap stops a runaway, not a busy day.
--   scope 'task_type': a per-task budget for each task type, from its accepted tasks' runtime
--     cost (a task is accepted when every action of it was; it is dated by its first action and
--     costed up to the look-back's end); needs $cap_min_tasks accepted tasks.
--   scope 'agent': a daily cap for each agent, from its days' runtime cost (days with spend);
--     needs $cap_min_days such days.
-- Below the minimum there is no cap (cap_usd NULL) and status says why. Beside each cap: the
-- sample it came from, the largest value seen, and how many tasks (any outcome) or days went
-- above it, with their cost above the cap: the runaway tail the cap would have stopped.
-- Only months from $recompute_from are written; each reads its look-back.
-- @time_column month
-- @summary_by status
WITH months AS (
    SELECT DISTINCT CAST(date_trunc('month', attempted_date) AS DATE) AS month
    FROM core.action_outcomes
    WHERE attempted_date >= $recompute_from
),

bounds AS (
    SELECT
        month,
        CAST(month + INTERVAL 1 MONTH AS DATE) AS basis_to,
        CAST(month + INTERVAL 1 MONTH AS DATE) - $cap_lookback_days AS basis_from
    FROM months
),

task_actions AS (
    SELECT
        b.month,
        b.basis_from,
        b.basis_to,
        a.task_id,
        MIN(a.task_type) AS task_type,
        MIN(a.attempted_date) AS first_day,
        COUNT(*) = SUM(
            CASE WHEN a.outcome IN ('accepted_confirmed', 'accepted_provisional') THEN 1 ELSE 0 END
        ) AS is_accepted
    FROM bounds AS b
    INNER JOIN core.action_outcomes AS a
        ON a.attempted_date < b.basis_to
        AND a.attempted_date >= b.basis_from - $cap_lookback_days
    WHERE a.task_id IS NOT NULL
    GROUP BY b.month, b.basis_from, b.basis_to, a.task_id
),

-- each task's runtime cost up to the look-back's end
task_costs AS (
    SELECT
        t.month,
        t.task_id,
        SUM(l.amount_usd) AS runtime_cost_usd
    FROM task_actions AS t
    INNER JOIN core.cost_ledger AS l
        ON l.task_id = t.task_id AND l.cost_date < t.basis_to
        -- a task's parts are dated from its first action (a day's slack for a request sent just
        -- before midnight)
        AND l.cost_date >= t.basis_from - 1
        AND l.cost_line IN ('inference', 'tool', 'failed_run')
    WHERE t.first_day >= t.basis_from
    GROUP BY t.month, t.task_id
),

task_samples AS (
    SELECT
        t.month,
        t.basis_from,
        t.basis_to,
        t.task_type AS scope_id,
        COALESCE(c.runtime_cost_usd, 0) AS value_usd,
        t.is_accepted
    FROM task_actions AS t
    LEFT JOIN task_costs AS c ON c.month = t.month AND c.task_id = t.task_id
    WHERE t.first_day >= t.basis_from
),

agent_samples AS (
    SELECT
        b.month,
        b.basis_from,
        b.basis_to,
        s.agent_id AS scope_id,
        s.inference_cost_usd + s.tool_cost_usd + s.failed_run_cost_usd AS value_usd,
        TRUE AS is_accepted
    FROM bounds AS b
    INNER JOIN marts.showback AS s
        ON s.grain = 'agent' AND s.period = 'day' AND s.agent_id <> 'unallocated'
        AND s.period_start >= b.basis_from AND s.period_start < b.basis_to
    WHERE s.inference_cost_usd + s.tool_cost_usd + s.failed_run_cost_usd > 0
),

samples AS (
    SELECT 'task_type' AS scope, * FROM task_samples
    UNION ALL
    SELECT 'agent', * FROM agent_samples
),

-- the sample the cap is read from (accepted tasks; every day with spend), in order
ranked AS (
    SELECT
        scope,
        month,
        scope_id,
        value_usd,
        ROW_NUMBER() OVER (PARTITION BY scope, month, scope_id ORDER BY value_usd) AS value_rank,
        COUNT(*) OVER (PARTITION BY scope, month, scope_id) AS sample_size
    FROM samples
    WHERE is_accepted
),

caps AS (
    SELECT
        scope,
        month,
        scope_id,
        MAX(sample_size) AS sample_size,
        MIN(
            CASE
                WHEN value_rank >= CEIL(sample_size * CAST($cap_percentile AS DECIMAL(18, 6)))
                    THEN value_usd
            END
        ) * CAST($cap_headroom_ratio AS DECIMAL(18, 6)) AS percentile_usd
    FROM ranked
    GROUP BY scope, month, scope_id
),

-- every task (any outcome) and day against the cap
judged AS (
    SELECT
        s.scope,
        s.month,
        s.scope_id,
        MIN(s.basis_from) AS basis_from,
        MAX(s.basis_to) AS basis_to,
        MAX(s.value_usd) AS largest_usd,
        COALESCE(MAX(c.sample_size), 0) AS sample_size,
        MAX(c.percentile_usd) AS percentile_usd,
        SUM(CASE WHEN s.value_usd > c.percentile_usd THEN 1 ELSE 0 END) AS above_cap,
        SUM(CASE WHEN s.value_usd > c.percentile_usd THEN s.value_usd - c.percentile_usd ELSE 0 END)
            AS above_cap_usd
    FROM samples AS s
    LEFT JOIN caps AS c ON c.scope = s.scope AND c.month = s.month AND c.scope_id = s.scope_id
    GROUP BY s.scope, s.month, s.scope_id
),

minimums AS (
    SELECT
        *,
        CASE WHEN scope = 'task_type' THEN $cap_min_tasks ELSE $cap_min_days END AS min_sample
    FROM judged
)

SELECT
    month,
    scope,
    scope_id,
    CAST(CASE WHEN sample_size >= min_sample THEN percentile_usd END AS DECIMAL(38, 12)) AS cap_usd,
    CASE WHEN scope = 'task_type' THEN 'per task' ELSE 'per day' END AS cap_period,
    CASE
        WHEN sample_size >= min_sample THEN 'cap'
        ELSE 'no cap'
    END AS status,
    CASE
        WHEN sample_size >= min_sample
            THEN CAST($cap_headroom_ratio AS VARCHAR) || ' x the '
            || CAST($cap_percentile AS VARCHAR) || ' percentile of '
            || CAST(sample_size AS VARCHAR)
            || CASE WHEN scope = 'task_type' THEN ' accepted tasks' ELSE ' days with spend' END
        ELSE 'too few '
            || CASE WHEN scope = 'task_type' THEN 'accepted tasks' ELSE 'days with spend' END
            || ': ' || CAST(sample_size AS VARCHAR) || ' of ' || CAST(min_sample AS VARCHAR)
    END AS basis,
    CAST(sample_size AS BIGINT) AS sample_size,
    CAST(min_sample AS BIGINT) AS min_sample,
    basis_from,
    CAST(basis_to - 1 AS DATE) AS basis_to,
    largest_usd,
    CAST(CASE WHEN sample_size >= min_sample THEN above_cap ELSE 0 END AS BIGINT) AS above_cap,
    CAST(CASE WHEN sample_size >= min_sample THEN above_cap_usd ELSE 0 END AS DECIMAL(38, 12))
        AS above_cap_usd
FROM minimums
