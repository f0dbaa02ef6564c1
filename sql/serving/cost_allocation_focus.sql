-- One row per charge day, owner (team, agent, task, with the task's type and risk grade and the
-- outcome of the actions behind it), service (and model), cost line and attribution of
-- core.cost_ledger, in FinOps FOCUS 1.2 shape, so that a FOCUS reader can take the attribution:
-- one UTC day per charge period, the summed amount in BilledCost and EffectiveCost (USD), the
-- model (lower case) as ResourceName, and the owner and outcome in x_-prefixed columns; x_ledger_parts counts
-- the ledger parts summed (core.cost_ledger holds them one by one, a request's at a time). A
-- day's credits (parts below 0) are rows of their own, ChargeCategory 'Credit'. Source:
-- core.cost_ledger, core.action_outcomes and core.llm_request_costs (the model of a request).
-- Parts with an unknown price (no amount) are left out. Summed exactly: the rows re-sum to the
-- ledger to the last decimal.
-- @partition_by ChargePeriodStart
-- @republish from_window
CREATE OR REPLACE VIEW serving.cost_allocation_focus AS
WITH parts AS (
    SELECT
        l.cost_date,
        l.amount_usd,
        CASE WHEN l.amount_usd < 0 THEN 'Credit' ELSE 'Usage' END AS charge_category,
        -- an LLM bill's line or a provider's cost report with no request to book it over is
        -- inference, as the requests are (SPEC 10)
        CASE
            WHEN l.source IN ('llm_requests', 'provider_costs') THEN 'LLM Inference'
            WHEN l.source = 'billing_lines' AND l.source_line_kind = 'inference'
                THEN 'LLM Inference'
            WHEN l.source = 'tool_calls' THEN 'Agent Tool Calls'
            WHEN l.source = 'billing_lines' THEN 'Cloud Infrastructure'
            WHEN l.source = 'time_entries' THEN 'Human Oversight and Remediation'
            ELSE 'Failure Consequences'
        END AS service_name,
        CASE
            WHEN l.source IN ('llm_requests', 'provider_costs') THEN 'AI and Machine Learning'
            WHEN l.source = 'billing_lines' AND l.source_line_kind = 'inference'
                THEN 'AI and Machine Learning'
            WHEN l.source = 'billing_lines' THEN 'Compute'
            ELSE 'Other'
        END AS service_category,
        LOWER(TRIM(r.model)) AS model,
        l.team_id,
        l.agent_id,
        l.task_id,
        l.task_type,
        l.risk_grade,
        a.outcome,
        l.cost_line,
        l.attribution,
        l.source
    FROM core.cost_ledger AS l
    LEFT JOIN core.action_outcomes AS a ON a.action_id = l.action_id
    -- a request's part, or its failed-run share (record_id '<request_id>#failed_run')
    LEFT JOIN core.llm_request_costs AS r
        ON l.source = 'llm_requests'
        AND r.request_id = regexp_replace(l.record_id, '#failed_run$', '')
    WHERE l.amount_usd IS NOT NULL
)

SELECT
    SUM(amount_usd) AS BilledCost,
    SUM(amount_usd) AS EffectiveCost,
    'USD' AS BillingCurrency,
    CAST(cost_date AS TIMESTAMP) AS ChargePeriodStart,
    CAST(cost_date AS TIMESTAMP) + INTERVAL 1 DAY AS ChargePeriodEnd,
    charge_category AS ChargeCategory,
    'Usage-Based' AS ChargeFrequency,
    service_name AS ServiceName,
    service_category AS ServiceCategory,
    model AS ResourceName,
    cost_line || ' cost of ' || COALESCE(task_id, agent_id, team_id, 'no owner')
        AS ChargeDescription,
    team_id AS x_team_id,
    agent_id AS x_agent_id,
    task_id AS x_task_id,
    task_type AS x_task_type,
    risk_grade AS x_risk_grade,
    outcome AS x_outcome,
    cost_line AS x_cost_line,
    attribution AS x_attribution,
    source AS x_source,
    COUNT(*) AS x_ledger_parts
FROM parts
GROUP BY
    cost_date,
    charge_category,
    service_name,
    service_category,
    model,
    team_id,
    agent_id,
    task_id,
    task_type,
    risk_grade,
    outcome,
    cost_line,
    attribution,
    source
