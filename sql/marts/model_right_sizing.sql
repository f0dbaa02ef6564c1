-- One row per month, task type, risk grade and model: what the actions that model served cost
-- per accepted action, beside the other models of the same task type and risk grade (seed 000:
-- right-size the model per risk grade; seed 004: a dearer model can be cheaper per solved task).
-- Source: core.action_costs (an action's model is its main_model, the model of its largest
-- inference spend; actions with no request are left out: no model served them).
-- cost_per_accepted_action is the fully-loaded cost of those actions over their accepted units
-- (SPEC 1); inference_usd_per_million_tokens what the model cost per token. A model is compared
-- only with at least $advice_min_accepted_units accepted units in the month (has_enough_units);
-- of those, the model with the lowest cost per accepted action is the segment's best_model.
-- usd_at_stake is the month's dollars a model's accepted units would have cost less had the best
-- model served them at its cost per accepted action: (cost per accepted action - best's) x
-- accepted units; 0 for the best, NULL without advice. cheaper_per_token_than_best marks the
-- paradox: a model cheaper per token than the best, and dearer per accepted action.
-- advice says which, or why there is none (too few accepted units; no other model to compare).
-- window_complete is false while an action of the row can still move (an open survival window,
-- a pending action, an estimated failure impact, core.action_costs.is_provisional); its advice
-- then says it is provisional (SPEC 3: never silently mixed).
-- Only months from $recompute_from are written.
-- @time_column month
-- @summary_by advice_status
WITH served AS (
    SELECT
        month,
        task_type,
        risk_grade,
        main_model AS model,
        COUNT(*) AS attempted_actions,
        SUM(CASE WHEN outcome IN ('accepted_confirmed', 'accepted_provisional') THEN 1 ELSE 0 END)
            AS accepted_actions,
        SUM(accepted_units) AS accepted_units,
        SUM(total_cost_usd) AS total_cost_usd,
        SUM(inference_cost_usd) AS inference_cost_usd,
        SUM(input_tokens + output_tokens) AS tokens,
        SUM(CASE WHEN is_provisional THEN 1 ELSE 0 END) = 0 AS window_complete
    FROM core.action_costs
    WHERE main_model IS NOT NULL AND month >= $recompute_from
    GROUP BY month, task_type, risk_grade, main_model
),

measured AS (
    SELECT
        *,
        divide_decimal(total_cost_usd, accepted_units) AS cost_per_accepted_action,
        divide_decimal(inference_cost_usd * 1000000, tokens) AS inference_usd_per_million_tokens,
        divide_decimal(accepted_actions, attempted_actions) AS acceptance_rate,
        accepted_units >= CAST($advice_min_accepted_units AS DECIMAL(18, 6)) AS has_enough_units
    FROM served
),

-- the models with enough accepted units, best per accepted action first
ranked AS (
    SELECT
        month,
        task_type,
        risk_grade,
        model,
        cost_per_accepted_action,
        inference_usd_per_million_tokens,
        ROW_NUMBER() OVER (
            PARTITION BY month, task_type, risk_grade
            ORDER BY cost_per_accepted_action, model
        ) AS outcome_rank,
        COUNT(*) OVER (PARTITION BY month, task_type, risk_grade) AS compared_models,
        MIN(inference_usd_per_million_tokens) OVER (PARTITION BY month, task_type, risk_grade)
            AS cheapest_usd_per_million_tokens
    FROM measured
    WHERE has_enough_units AND cost_per_accepted_action IS NOT NULL
),

best AS (
    SELECT
        month,
        task_type,
        risk_grade,
        model AS best_model,
        cost_per_accepted_action AS best_cost_per_accepted_action,
        inference_usd_per_million_tokens AS best_inference_usd_per_million_tokens,
        cheapest_usd_per_million_tokens,
        compared_models
    FROM ranked
    WHERE outcome_rank = 1
),

advised AS (
    SELECT
        m.*,
        b.best_model,
        b.best_cost_per_accepted_action,
        b.best_inference_usd_per_million_tokens,
        b.cheapest_usd_per_million_tokens,
        COALESCE(b.compared_models, 0) AS compared_models,
        CASE
            WHEN NOT m.has_enough_units OR m.cost_per_accepted_action IS NULL THEN 'no advice'
            WHEN b.compared_models < 2 THEN 'no advice'
            WHEN m.model = b.best_model THEN 'best per accepted action'
            ELSE 'dearer per accepted action'
        END AS advice_status
    FROM measured AS m
    LEFT JOIN best AS b
        ON b.month = m.month AND b.task_type = m.task_type AND b.risk_grade = m.risk_grade
)

SELECT
    month,
    task_type,
    risk_grade,
    model,
    CAST(attempted_actions AS BIGINT) AS attempted_actions,
    CAST(accepted_actions AS BIGINT) AS accepted_actions,
    accepted_units,
    acceptance_rate,
    total_cost_usd,
    inference_cost_usd,
    CAST(tokens AS BIGINT) AS tokens,
    inference_usd_per_million_tokens,
    cost_per_accepted_action,
    has_enough_units,
    window_complete,
    CASE WHEN advice_status <> 'no advice' THEN best_model END AS best_model,
    CASE WHEN advice_status <> 'no advice' THEN best_cost_per_accepted_action END
        AS best_cost_per_accepted_action,
    CAST(
        CASE
            WHEN advice_status = 'best per accepted action' THEN 0
            WHEN advice_status = 'dearer per accepted action'
                THEN (cost_per_accepted_action - best_cost_per_accepted_action) * accepted_units
        END AS DECIMAL(38, 12)
    ) AS usd_at_stake,
    COALESCE(
        advice_status = 'dearer per accepted action'
        AND inference_usd_per_million_tokens < best_inference_usd_per_million_tokens,
        FALSE
    ) AS cheaper_per_token_than_best,
    advice_status,
    CASE
        WHEN advice_status <> 'no advice' AND NOT window_complete THEN 'provisional: '
        ELSE ''
    END
    || CASE
        WHEN cost_per_accepted_action IS NULL
            THEN 'no accepted unit: no cost per accepted action to compare'
        WHEN NOT has_enough_units
            THEN 'too few accepted units to compare: '
            || CAST(CAST(accepted_units AS DECIMAL(18, 2)) AS VARCHAR) || ' of '
            || CAST($advice_min_accepted_units AS VARCHAR) || ' needed'
        WHEN compared_models < 2
            THEN 'no other model with enough accepted units served this task type and risk grade'
        WHEN advice_status = 'best per accepted action'
            AND inference_usd_per_million_tokens > cheapest_usd_per_million_tokens
            THEN 'best per accepted action, though dearer per token than another model'
        WHEN advice_status = 'best per accepted action' THEN 'best per accepted action'
        ELSE 'dearer per accepted action than ' || best_model
            || CASE
                WHEN inference_usd_per_million_tokens < best_inference_usd_per_million_tokens
                    THEN ', though cheaper per token'
                ELSE ''
            END
    END AS advice
FROM advised
