-- One row per charge day, owner (team, agent, task, with the task's type and risk grade and the
-- outcome of the actions behind it), service (and model), cost line and attribution of
-- core.cost_ledger, in FinOps FOCUS 1.2 shape, so that a FOCUS reader can take the attribution:
-- one UTC day per charge period, the summed amount in BilledCost and EffectiveCost (USD), the
-- model (lower case) as ResourceName, and the owner and outcome in x_-prefixed columns; x_ledger_parts counts
-- the ledger parts summed (core.cost_ledger holds them one by one, a request's at a time). A
-- day's credits (parts below 0) are rows of their own, ChargeCategory 'Credit'. Source:
-- core.cost_ledger (a request's part carries its model and provider), core.action_outcomes.
-- Parts with an unknown price (no amount) are left out. Summed exactly: the rows re-sum to the
-- ledger to the last decimal.
-- Every column FOCUS 1.2 makes mandatory is filled (docs/tables.md says how): a part of one bill
-- line (its record '<line>@<day>') keeps that line's BillingAccountId, billing period,
-- ChargeClass, ChargeCategory, ChargeFrequency, ProviderName, PublisherName and
-- InvoiceIssuerName (core.billing_line_days); every
-- other part (requests, provider reports, tool calls, labour, consequences, and shared bill
-- pools allocated over owners) belongs to no one bill: its account is 'agent-finops' (the
-- showback's own), its billing period the calendar month of its day, and its provider the
-- LLM provider of its request or report, else the kind of spend ('Tool vendors', 'Internal
-- labour', 'Internal'). ListCost and ContractedCost are the amount paid (the allocation knows what
-- was paid, not a list price); PricingQuantity counts the charges summed, in PricingUnit
-- 'Charges' (none for a tax); the model is ResourceId and ResourceName.
-- @partition_by ChargePeriodStart
-- @republish from_window
CREATE OR REPLACE VIEW serving.cost_allocation_focus AS
WITH parts AS (
    SELECT
        l.cost_date,
        l.amount_usd,
        -- a bill line's own category and frequency (its parts below 0 still credits); for the
        -- rest, usage or a credit by the sign of the part
        CASE
            WHEN l.amount_usd < 0 AND COALESCE(b.charge_category, 'Usage') = 'Usage'
                THEN 'Credit'
            ELSE COALESCE(b.charge_category, 'Usage')
        END AS charge_category,
        COALESCE(b.charge_frequency, 'Usage-Based') AS charge_frequency,
        b.dedup_key IS NOT NULL AS from_bill_line,
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
        LOWER(TRIM(l.model)) AS model,
        l.team_id,
        l.agent_id,
        l.task_id,
        l.task_type,
        l.risk_grade,
        a.outcome,
        l.cost_line,
        l.attribution,
        l.source,
        b.billing_account_id,
        b.billing_period_start,
        b.billing_period_end,
        b.charge_class,
        COALESCE(
            b.provider_name,
            LOWER(TRIM(l.provider)),
            pc.provider,
            CASE
                WHEN l.source = 'billing_lines' AND l.source_line_kind = 'inference'
                    THEN 'LLM providers'
                WHEN l.source = 'billing_lines' THEN 'Cloud providers'
                WHEN l.source = 'llm_requests' THEN 'LLM providers'
                WHEN l.source = 'tool_calls' THEN 'Tool vendors'
                WHEN l.source = 'time_entries' THEN 'Internal labour'
                ELSE 'Internal'
            END
        ) AS provider_name,
        b.publisher_name,
        b.invoice_issuer_name
    FROM core.cost_ledger AS l
    LEFT JOIN core.action_outcomes AS a ON a.action_id = l.action_id
    -- a part of one bill line: its record is '<line>@<day>' (with '#n' for a tag split)
    LEFT JOIN core.billing_line_days AS b
        ON l.source = 'billing_lines'
        AND b.dedup_key = split_part(l.record_id, '@', 1)
        AND b.cost_date = l.source_date
    LEFT JOIN core.provider_cost_results AS pc
        ON l.source = 'provider_costs' AND pc.dedup_key = l.record_id
    WHERE l.amount_usd IS NOT NULL
)

SELECT
    SUM(amount_usd) AS BilledCost,
    SUM(amount_usd) AS EffectiveCost,
    SUM(amount_usd) AS ListCost,
    SUM(amount_usd) AS ContractedCost,
    'USD' AS BillingCurrency,
    COALESCE(billing_account_id, 'agent-finops') AS BillingAccountId,
    CASE WHEN NOT from_bill_line THEN 'Agent FinOps showback' END AS BillingAccountName,
    COALESCE(
        billing_period_start, CAST(date_trunc('month', cost_date) AS TIMESTAMP)
    ) AS BillingPeriodStart,
    COALESCE(
        billing_period_end,
        CAST(date_trunc('month', cost_date) AS TIMESTAMP) + INTERVAL 1 MONTH
    ) AS BillingPeriodEnd,
    CAST(cost_date AS TIMESTAMP) AS ChargePeriodStart,
    CAST(cost_date AS TIMESTAMP) + INTERVAL 1 DAY AS ChargePeriodEnd,
    charge_category AS ChargeCategory,
    charge_class AS ChargeClass,
    charge_frequency AS ChargeFrequency,
    provider_name AS ProviderName,
    COALESCE(publisher_name, provider_name) AS PublisherName,
    COALESCE(invoice_issuer_name, provider_name) AS InvoiceIssuerName,
    -- FOCUS: a tax has no pricing quantity
    CASE WHEN charge_category <> 'Tax' THEN CAST(COUNT(*) AS DECIMAL(38, 12)) END
        AS PricingQuantity,
    CASE WHEN charge_category <> 'Tax' THEN 'Charges' END AS PricingUnit,
    service_name AS ServiceName,
    service_category AS ServiceCategory,
    model AS ResourceId,
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
    billing_account_id,
    billing_period_start,
    billing_period_end,
    charge_class,
    provider_name,
    publisher_name,
    invoice_issuer_name,
    charge_category,
    charge_frequency,
    from_bill_line,
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
