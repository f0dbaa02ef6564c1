-- One row per month, agent and risk grade with failure impact (SPEC 5) summed over task types.
-- Source: marts.failure_impact_by_segment. Answers "failure impact by agent and risk grade".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.failure_impact_by_agent_risk_grade AS
SELECT
    month,
    agent_id,
    risk_grade,
    CAST(SUM(attempted_actions) AS BIGINT) AS attempted_actions,
    CAST(SUM(failed_actions) AS BIGINT) AS failed_actions,
    divide_decimal(SUM(failed_actions), SUM(attempted_actions)) AS failure_rate,
    SUM(observed_impact_usd) AS observed_impact_usd,
    COALESCE(SUM(estimated_impact_usd), 0) AS estimated_impact_usd,
    SUM(failure_impact_usd) AS failure_impact_usd,
    CASE
        WHEN MIN(impact_basis) = MAX(impact_basis) THEN MIN(impact_basis)
        ELSE 'mixed'
    END AS impact_basis
FROM marts.failure_impact_by_segment
GROUP BY month, agent_id, risk_grade
