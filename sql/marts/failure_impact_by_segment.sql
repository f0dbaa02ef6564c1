-- One row per month and segment (agent x task type x risk grade) with failure impact as failure
-- rate x average consequence (SPEC 5). Source: core.action_outcomes and
-- core.action_failure_impact. failure_rate = failed (incl. failed runs) / attempted actions;
-- avg_consequence_usd comes from the segment's matured failures of the trailing look-back, or
-- the fallback level named in consequence_level; estimated_impact_usd = attempted x failure_rate
-- x avg_consequence_usd; observed_impact_usd = consequences booked to the segment's actions;
-- failure_impact_usd is what the showback books, and impact_basis says from what: observed
-- (every failure's window matured), estimated (none matured), observed_so_far (none matured
-- and no average to estimate from) or mixed.
-- Only months starting on or after $recompute_from (a month's first day) are written.
-- @time_column month
-- @summary_by impact_basis
WITH attempts AS (
    SELECT
        CAST(date_trunc('month', attempted_date) AS DATE) AS month,
        agent_id,
        task_type,
        risk_grade,
        COUNT(*) AS attempted_actions,
        SUM(CASE WHEN outcome IN ('failed', 'failed_run') THEN 1 ELSE 0 END) AS failed_actions
    FROM core.action_outcomes
    WHERE attempted_date >= $recompute_from
    GROUP BY 1, 2, 3, 4
),

impacts AS (
    SELECT
        CAST(date_trunc('month', attempted_date) AS DATE) AS month,
        agent_id,
        task_type,
        risk_grade,
        MAX(estimated_impact_usd) AS avg_consequence_usd,
        MAX(consequence_level) AS consequence_level,
        MAX(reference_failures) AS reference_failures,
        SUM(observed_impact_usd) AS observed_impact_usd,
        SUM(failure_impact_usd) AS failure_impact_usd,
        SUM(CASE WHEN window_matured THEN 1 ELSE 0 END) AS matured_failures,
        COUNT(*) AS failures
    FROM core.action_failure_impact
    WHERE attempted_date >= $recompute_from
    GROUP BY 1, 2, 3, 4
)

SELECT
    a.month,
    a.agent_id,
    a.task_type,
    a.risk_grade,
    a.attempted_actions,
    CAST(a.failed_actions AS BIGINT) AS failed_actions,
    divide_decimal(a.failed_actions, a.attempted_actions) AS failure_rate,
    i.avg_consequence_usd,
    i.consequence_level,
    i.reference_failures,
    CAST(a.failed_actions * i.avg_consequence_usd AS DECIMAL(38, 12)) AS estimated_impact_usd,
    COALESCE(i.observed_impact_usd, 0) AS observed_impact_usd,
    COALESCE(i.failure_impact_usd, 0) AS failure_impact_usd,
    CASE
        WHEN a.failed_actions = 0 THEN 'no_failures'
        WHEN i.matured_failures = i.failures THEN 'observed'
        WHEN i.matured_failures = 0 AND i.avg_consequence_usd IS NULL THEN 'observed_so_far'
        WHEN i.matured_failures = 0 THEN 'estimated'
        ELSE 'mixed'
    END AS impact_basis
FROM attempts AS a
LEFT JOIN impacts AS i
    ON i.month = a.month AND i.agent_id = a.agent_id AND i.task_type = a.task_type
    AND i.risk_grade = a.risk_grade
