-- One row per allocated cost part of core.cost_ledger in FinOps FOCUS 1.2 shape, so that a FOCUS
-- reader can take the attribution: one UTC day per charge period, the amount in BilledCost and
-- EffectiveCost (USD), and the owner and outcome in x_-prefixed columns. Source: core.cost_ledger
-- and core.action_outcomes. Parts with an unknown price (no amount) are left out.
-- @partition_by ChargePeriodStart
-- @republish from_window
CREATE OR REPLACE VIEW serving.cost_allocation_focus AS
SELECT
    l.amount_usd AS BilledCost,
    l.amount_usd AS EffectiveCost,
    'USD' AS BillingCurrency,
    CAST(l.cost_date AS TIMESTAMP) AS ChargePeriodStart,
    CAST(l.cost_date AS TIMESTAMP) + INTERVAL 1 DAY AS ChargePeriodEnd,
    CASE WHEN l.amount_usd < 0 THEN 'Credit' ELSE 'Usage' END AS ChargeCategory,
    'Usage-Based' AS ChargeFrequency,
    -- an LLM bill's line or a provider's cost report with no request to book it over is
    -- inference, as the requests are (SPEC 10)
    CASE
        WHEN l.source IN ('llm_requests', 'provider_costs') THEN 'LLM Inference'
        WHEN l.source = 'billing_lines' AND l.source_line_kind = 'inference' THEN 'LLM Inference'
        WHEN l.source = 'tool_calls' THEN 'Agent Tool Calls'
        WHEN l.source = 'billing_lines' THEN 'Cloud Infrastructure'
        WHEN l.source = 'time_entries' THEN 'Human Oversight and Remediation'
        ELSE 'Failure Consequences'
    END AS ServiceName,
    CASE
        WHEN l.source IN ('llm_requests', 'provider_costs') THEN 'AI and Machine Learning'
        WHEN l.source = 'billing_lines' AND l.source_line_kind = 'inference'
            THEN 'AI and Machine Learning'
        WHEN l.source = 'billing_lines' THEN 'Compute'
        ELSE 'Other'
    END AS ServiceCategory,
    l.source || '/' || l.record_id AS ResourceId,
    l.cost_line || ' cost of ' || COALESCE(l.task_id, l.agent_id, l.team_id, 'no owner')
        AS ChargeDescription,
    l.team_id AS x_team_id,
    l.agent_id AS x_agent_id,
    l.task_id AS x_task_id,
    l.task_type AS x_task_type,
    l.risk_grade AS x_risk_grade,
    a.outcome AS x_outcome,
    l.cost_line AS x_cost_line,
    l.attribution AS x_attribution,
    l.source AS x_source
FROM core.cost_ledger AS l
LEFT JOIN core.action_outcomes AS a ON a.action_id = l.action_id
WHERE l.amount_usd IS NOT NULL
