-- One row per agent action with what it cost, fully loaded (SPEC 1), and the requests that served
-- it: the basis of the optimisation marts (model right-sizing, agent levers, runtime caps).
-- Source: core.action_outcomes (the action, its owner and outcome), core.cost_ledger (every part
-- booked to the action, whatever its day: inference, tool, infrastructure, oversight, remediation
-- and failed-run parts, and the consequences booked to an action that did not fail),
-- core.action_failure_impact (a failed action's failure impact, observed or estimated); the
-- requests, tokens and model of the requests booked to it are the ledger parts' own.
-- The lines sum to total_cost_usd exactly; runtime_cost_usd is the part an agent runtime or LLM
-- gateway sees while the work runs (inference, tool and failed-run cost), the cost a runtime cap
-- can enforce. main_model is the model of the action's largest inference spend (ties to the
-- first name; NULL with no request booked to the action). Parts that name no action (a task's
-- or session's own requests, an agent's unspread labour, shared billing) and development work
-- are in the showback, not here: requests logged against a session or task only give their
-- actions no model and no requests. is_provisional: the action's outcome or cost can still move
-- (an open survival window, a pending action, an estimated failure impact).
-- Only actions attempted on or after $recompute_from are written.
-- @time_column attempted_date
-- @summary_by outcome
WITH actions AS (
    SELECT
        action_id,
        attempted_date,
        team_id,
        agent_id,
        task_id,
        task_type,
        risk_grade,
        outcome,
        accepted_units
    FROM core.action_outcomes
    WHERE attempted_date >= $recompute_from
),

parts AS (
    SELECT
        l.action_id,
        l.cost_line,
        l.source,
        COALESCE(l.amount_usd, 0) AS amount_usd,
        l.requests,
        l.input_tokens,
        l.cached_input_tokens,
        l.output_tokens,
        l.reasoning_tokens,
        LOWER(l.model) AS model
    FROM core.cost_ledger AS l
    INNER JOIN actions AS a ON a.action_id = l.action_id
    WHERE l.cost_line NOT LIKE 'change%'
        -- a failed action's consequences are its failure impact (core.action_failure_impact)
        AND NOT (l.cost_line = 'failure_impact' AND a.outcome IN ('failed', 'failed_run'))
),

lines AS (
    SELECT
        action_id,
        SUM(CASE WHEN cost_line = 'inference' THEN amount_usd ELSE 0 END) AS inference_cost_usd,
        SUM(CASE WHEN cost_line = 'tool' THEN amount_usd ELSE 0 END) AS tool_cost_usd,
        SUM(CASE WHEN cost_line = 'infrastructure' THEN amount_usd ELSE 0 END)
            AS infrastructure_cost_usd,
        SUM(CASE WHEN cost_line = 'oversight' THEN amount_usd ELSE 0 END) AS oversight_cost_usd,
        SUM(CASE WHEN cost_line = 'remediation' THEN amount_usd ELSE 0 END)
            AS remediation_cost_usd,
        SUM(CASE WHEN cost_line = 'failed_run' THEN amount_usd ELSE 0 END) AS failed_run_cost_usd,
        SUM(CASE WHEN cost_line = 'failure_impact' THEN amount_usd ELSE 0 END)
            AS kept_action_consequences_usd
    FROM parts
    GROUP BY action_id
),

-- the requests booked to the action (a request naming an action is one part, never split)
request_totals AS (
    SELECT
        action_id,
        SUM(requests) AS requests,
        SUM(input_tokens) AS input_tokens,
        SUM(cached_input_tokens) AS cached_input_tokens,
        SUM(output_tokens) AS output_tokens,
        SUM(reasoning_tokens) AS reasoning_tokens
    FROM parts
    WHERE source = 'llm_requests'
    GROUP BY action_id
),

model_spend AS (
    SELECT
        action_id,
        model,
        ROW_NUMBER() OVER (PARTITION BY action_id ORDER BY SUM(amount_usd) DESC, model)
            AS spend_rank
    FROM parts
    WHERE source = 'llm_requests'
    GROUP BY action_id, model
)

SELECT
    a.action_id,
    a.attempted_date,
    CAST(date_trunc('month', a.attempted_date) AS DATE) AS month,
    a.team_id,
    a.agent_id,
    a.task_id,
    a.task_type,
    a.risk_grade,
    a.outcome,
    a.accepted_units,
    COALESCE(
        a.outcome IN ('accepted_provisional', 'pending') OR f.impact_basis = 'estimated', FALSE
    ) AS is_provisional,
    m.model AS main_model,
    CAST(COALESCE(q.requests, 0) AS BIGINT) AS requests,
    CAST(COALESCE(q.input_tokens, 0) AS BIGINT) AS input_tokens,
    CAST(COALESCE(q.cached_input_tokens, 0) AS BIGINT) AS cached_input_tokens,
    CAST(COALESCE(q.output_tokens, 0) AS BIGINT) AS output_tokens,
    CAST(COALESCE(q.reasoning_tokens, 0) AS BIGINT) AS reasoning_tokens,
    COALESCE(l.inference_cost_usd, 0) AS inference_cost_usd,
    COALESCE(l.tool_cost_usd, 0) AS tool_cost_usd,
    COALESCE(l.infrastructure_cost_usd, 0) AS infrastructure_cost_usd,
    COALESCE(l.oversight_cost_usd, 0) AS oversight_cost_usd,
    COALESCE(l.remediation_cost_usd, 0) AS remediation_cost_usd,
    COALESCE(l.failed_run_cost_usd, 0) AS failed_run_cost_usd,
    COALESCE(l.kept_action_consequences_usd, 0) + COALESCE(f.failure_impact_usd, 0)
        AS failure_impact_cost_usd,
    COALESCE(l.inference_cost_usd, 0) + COALESCE(l.tool_cost_usd, 0)
    + COALESCE(l.failed_run_cost_usd, 0) AS runtime_cost_usd,
    COALESCE(l.inference_cost_usd, 0) + COALESCE(l.tool_cost_usd, 0)
    + COALESCE(l.infrastructure_cost_usd, 0) + COALESCE(l.oversight_cost_usd, 0)
    + COALESCE(l.remediation_cost_usd, 0) + COALESCE(l.failed_run_cost_usd, 0)
    + COALESCE(l.kept_action_consequences_usd, 0) + COALESCE(f.failure_impact_usd, 0)
        AS total_cost_usd
FROM actions AS a
LEFT JOIN lines AS l ON l.action_id = a.action_id
LEFT JOIN request_totals AS q ON q.action_id = a.action_id
LEFT JOIN model_spend AS m ON m.action_id = a.action_id AND m.spend_rank = 1
LEFT JOIN core.action_failure_impact AS f ON f.action_id = a.action_id
