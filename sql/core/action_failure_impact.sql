-- One row per failed action (outcome failed or failed_run) with its failure impact (SPEC 5):
-- observed_impact_usd, the consequences booked to it (core.cost_ledger, failure_impact line), and
-- estimated_impact_usd, the average consequence of a failure in its segment (agent x task type x
-- risk grade) over failed actions of the trailing $consequence_lookback_days whose windows have
-- matured; a segment with fewer than $min_failures_per_segment such failures falls back to the
-- agent, then the task type, then the fleet (consequence_level says which). failure_impact_usd
-- is the observed figure once the action's window has matured, else the estimate where there is
-- one (impact_basis: observed, estimated, or observed_so_far when no estimate exists).
-- Only actions attempted on or after $recompute_from are written (the run's recompute window);
-- the averages still read every matured failure of the look-back.
-- @time_column attempted_date
-- @summary_by impact_basis
WITH failed AS (
    SELECT
        a.*,
        a.attempted_at + $survival_window_days * INTERVAL 1 DAY <= CAST($as_of AS TIMESTAMP)
            AS window_matured
    FROM core.action_outcomes AS a
    WHERE a.outcome IN ('failed', 'failed_run')
),

observed AS (
    SELECT action_id, SUM(amount_usd) AS observed_impact_usd
    FROM core.cost_ledger
    WHERE cost_line = 'failure_impact' AND action_id IS NOT NULL
    GROUP BY action_id
),

reference AS (
    SELECT f.*, COALESCE(o.observed_impact_usd, 0) AS consequence_usd
    FROM failed AS f
    LEFT JOIN observed AS o ON o.action_id = f.action_id
    WHERE f.window_matured
        AND f.attempted_at > CAST($as_of AS TIMESTAMP) - $consequence_lookback_days * INTERVAL 1 DAY
),

by_segment AS (
    SELECT agent_id, task_type, risk_grade, COUNT(*) AS failures, SUM(consequence_usd) AS amount
    FROM reference GROUP BY agent_id, task_type, risk_grade
),

by_agent AS (
    SELECT agent_id, COUNT(*) AS failures, SUM(consequence_usd) AS amount
    FROM reference GROUP BY agent_id
),

by_task_type AS (
    SELECT task_type, COUNT(*) AS failures, SUM(consequence_usd) AS amount
    FROM reference GROUP BY task_type
),

fleet AS (
    SELECT COUNT(*) AS failures, SUM(consequence_usd) AS amount FROM reference
),

estimated AS (
    SELECT
        f.action_id,
        CASE
            WHEN s.failures >= $min_failures_per_segment THEN 'segment'
            WHEN ag.failures >= $min_failures_per_segment THEN 'agent'
            WHEN tt.failures >= $min_failures_per_segment THEN 'task_type'
            WHEN fl.failures > 0 THEN 'fleet'
        END AS consequence_level,
        CASE
            WHEN s.failures >= $min_failures_per_segment THEN divide_decimal(s.amount, s.failures)
            WHEN ag.failures >= $min_failures_per_segment
                THEN divide_decimal(ag.amount, ag.failures)
            WHEN tt.failures >= $min_failures_per_segment
                THEN divide_decimal(tt.amount, tt.failures)
            WHEN fl.failures > 0 THEN divide_decimal(fl.amount, fl.failures)
        END AS avg_consequence_usd,
        CASE
            WHEN s.failures >= $min_failures_per_segment THEN s.failures
            WHEN ag.failures >= $min_failures_per_segment THEN ag.failures
            WHEN tt.failures >= $min_failures_per_segment THEN tt.failures
            ELSE fl.failures
        END AS reference_failures
    FROM failed AS f
    CROSS JOIN fleet AS fl
    LEFT JOIN by_segment AS s
        ON s.agent_id = f.agent_id AND s.task_type = f.task_type AND s.risk_grade = f.risk_grade
    LEFT JOIN by_agent AS ag ON ag.agent_id = f.agent_id
    LEFT JOIN by_task_type AS tt ON tt.task_type = f.task_type
)

SELECT
    f.action_id,
    f.attempted_date,
    f.task_id,
    f.agent_id,
    f.team_id,
    f.task_type,
    f.risk_grade,
    f.outcome,
    f.failure_reason,
    f.window_matured,
    COALESCE(o.observed_impact_usd, 0) AS observed_impact_usd,
    e.avg_consequence_usd AS estimated_impact_usd,
    e.consequence_level,
    e.reference_failures,
    CASE
        WHEN f.window_matured THEN COALESCE(o.observed_impact_usd, 0)
        WHEN e.avg_consequence_usd IS NOT NULL THEN e.avg_consequence_usd
        ELSE COALESCE(o.observed_impact_usd, 0)
    END AS failure_impact_usd,
    CASE
        WHEN f.window_matured THEN 'observed'
        WHEN e.avg_consequence_usd IS NOT NULL THEN 'estimated'
        ELSE 'observed_so_far'
    END AS impact_basis
FROM failed AS f
LEFT JOIN observed AS o ON o.action_id = f.action_id
LEFT JOIN estimated AS e ON e.action_id = f.action_id
WHERE f.attempted_date >= $recompute_from
