-- One row per showback row (from $checked_from) that is not well formed: its period, period
-- start, grain, owner (team, agent, task type, task or 'fleet') and the first problem found.
-- Line shares must sum to 1 when the total is not 0 (negative totals included) and be 0 when it
-- is 0; no ratio over zero accepted units and a ratio wherever there are accepted units;
-- observed + estimated failure impact = the line; credits_usd <= 0 and covering the lines
-- netting below 0. A negative amount is a credit, never a failure. Source: marts.showback. Read
-- by the headline_is_well_formed check.
SELECT period, CAST(period_start AS VARCHAR), grain,
       COALESCE(team_id, agent_id, task_type, task_id, 'fleet'), problem
FROM (
    SELECT *,
        CASE
            -- shares are line / total whenever the total is not 0, negative totals
            -- included, and 0 when it is 0
            WHEN total_cost_usd <> 0 AND ABS(
                inference_share + tool_share + infrastructure_share + oversight_share
                + remediation_share + failed_run_share + failure_impact_share - 1
            ) > 0.000000001 THEN 'line shares do not sum to 1'
            WHEN total_cost_usd = 0 AND (
                inference_share <> 0 OR tool_share <> 0 OR infrastructure_share <> 0
                OR oversight_share <> 0 OR remediation_share <> 0 OR failed_run_share <> 0
                OR failure_impact_share <> 0
            ) THEN 'line shares not 0 with a total of 0'
            WHEN accepted_units = 0 AND cost_per_accepted_action IS NOT NULL
                THEN 'cost per accepted action computed over zero accepted units'
            WHEN accepted_units > 0 AND cost_per_accepted_action IS NULL
                THEN 'cost per accepted action missing'
            WHEN failure_impact_observed_usd + failure_impact_estimated_usd
                <> failure_impact_cost_usd
                THEN 'failure impact by basis does not add up to the line'
            WHEN credits_usd IS NULL OR credits_usd > 0
                THEN 'credits_usd missing or positive'
            -- a line netting below 0 holds at least that much credit
            WHEN credits_usd > LEAST(inference_cost_usd, 0) + LEAST(tool_cost_usd, 0)
                + LEAST(infrastructure_cost_usd, 0) + LEAST(oversight_cost_usd, 0)
                + LEAST(remediation_cost_usd, 0) + LEAST(failed_run_cost_usd, 0)
                + LEAST(failure_impact_cost_usd, 0)
                THEN 'credits_usd does not cover the lines netting below 0'
        END AS problem
    FROM marts.showback
    WHERE period_start >= $checked_from
) AS s
WHERE problem IS NOT NULL
ORDER BY ALL
