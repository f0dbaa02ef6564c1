-- One row per declared budget and month it applies to: spend to date, the month-end projection,
-- what remains, and whether the budget is breached or projected to be, on total spend and on cost
-- per accepted action. Source: staging.budgets and marts.showback (month rows of the fleet, a
-- team, an agent or a task type). A budget for every month (no month) applies to each month with
-- showback rows; a budget for one month replaces it there. Projection: spend so far x days in the
-- month / days elapsed by $as_of (a linear run-rate), or the spend itself once the month is over.
-- Only months on or after $recompute_from are written.
-- @time_column month
-- @summary_by status
WITH owners AS (
    SELECT
        period_start AS month,
        grain AS scope,
        CASE grain
            WHEN 'team' THEN team_id
            WHEN 'agent' THEN agent_id
            WHEN 'task_type' THEN task_type
            ELSE 'fleet'
        END AS scope_id,
        total_cost_usd,
        cost_per_accepted_action,
        accepted_units,
        headline_status
    FROM marts.showback
    WHERE period = 'month' AND grain IN ('fleet', 'team', 'agent', 'task_type')
        AND period_start >= $recompute_from
),

applied AS (
    -- every-month budgets, except where a budget for that very month exists
    SELECT b.budget_id, b.scope, b.scope_id, o.month, b.budget_usd,
        b.max_cost_per_accepted_action_usd
    FROM staging.budgets AS b
    INNER JOIN owners AS o ON o.scope = b.scope AND o.scope_id = b.scope_id
    WHERE b.month IS NULL
        AND NOT EXISTS (
            SELECT 1 FROM staging.budgets AS m
            WHERE m.scope = b.scope AND m.scope_id = b.scope_id AND m.month = o.month
        )
    UNION ALL
    SELECT b.budget_id, b.scope, b.scope_id, b.month, b.budget_usd,
        b.max_cost_per_accepted_action_usd
    FROM staging.budgets AS b
    WHERE b.month IS NOT NULL AND b.month >= $recompute_from
),

measured AS (
    SELECT
        a.*,
        COALESCE(o.total_cost_usd, 0) AS spent_to_date_usd,
        o.cost_per_accepted_action,
        o.headline_status,
        date_diff('day', a.month, CAST(a.month + INTERVAL 1 MONTH AS DATE)) AS days_in_month,
        LEAST(
            date_diff('day', a.month, CAST(a.month + INTERVAL 1 MONTH AS DATE)),
            date_diff('day', a.month, CAST(CAST($as_of AS TIMESTAMP) AS DATE))
        ) AS days_elapsed
    FROM applied AS a
    LEFT JOIN owners AS o
        ON o.scope = a.scope AND o.scope_id = a.scope_id AND o.month = a.month
),

projected AS (
    SELECT
        m.*,
        CASE
            WHEN m.days_elapsed >= m.days_in_month THEN m.spent_to_date_usd
            WHEN m.days_elapsed > 0
                THEN divide_decimal(m.spent_to_date_usd * m.days_in_month, m.days_elapsed)
        END AS projected_month_end_usd
    FROM measured AS m
)

SELECT
    p.month,
    p.budget_id,
    p.scope,
    p.scope_id,
    p.budget_usd,
    p.spent_to_date_usd,
    p.projected_month_end_usd,
    p.budget_usd - p.spent_to_date_usd AS remaining_usd,
    p.days_elapsed >= p.days_in_month AS month_complete,
    GREATEST(p.days_elapsed, 0) AS days_elapsed,
    p.days_in_month,
    COALESCE(p.spent_to_date_usd > p.budget_usd, FALSE) AS spend_breached,
    COALESCE(p.projected_month_end_usd > p.budget_usd, FALSE) AS spend_projected_to_breach,
    p.max_cost_per_accepted_action_usd,
    p.cost_per_accepted_action,
    p.headline_status,
    COALESCE(p.cost_per_accepted_action > p.max_cost_per_accepted_action_usd, FALSE)
        AS cost_per_accepted_action_breached,
    CASE
        WHEN p.spent_to_date_usd > p.budget_usd THEN 'spend breached'
        WHEN p.cost_per_accepted_action > p.max_cost_per_accepted_action_usd
            THEN 'cost per accepted action above its limit'
        WHEN p.projected_month_end_usd > p.budget_usd THEN 'spend projected to breach'
        ELSE 'within budget'
    END AS status
FROM projected AS p
