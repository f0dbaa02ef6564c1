-- One row per declared budget: a scope (fleet, team, agent or task_type) and its id, the month it
-- applies to (NULL: every month), a limit on total spend and / or on cost per accepted action,
-- in USD (exact, within the money limit of value_limit). Source: landing_budgets (a CSV the FinOps team keeps). A month may be written
-- 2026-10 or 2026-10-01; budget_id is '<scope>:<scope_id>@<month or every month>'.
WITH typed AS (
    SELECT
        l.*,
        LOWER(l.scope) AS scope_n,
        CASE WHEN LOWER(l.scope) = 'fleet' THEN 'fleet' ELSE l.scope_id END AS scope_id_n,
        CAST(date_trunc('month', COALESCE(
            TRY_CAST(l.month AS DATE), TRY_CAST(l.month || '-01' AS DATE)
        )) AS DATE) AS month_n,
        read_amount(l.budget_usd, 'money') AS budget_usd_n,
        read_amount(l.max_cost_per_accepted_action_usd, 'money') AS max_cpaa_n
    FROM landing_budgets AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE
                WHEN t.scope_n IS NULL THEN 'scope: missing'
                WHEN t.scope_n NOT IN ('fleet', 'team', 'agent', 'task_type')
                    THEN 'scope: not fleet, team, agent or task_type (''' || LEFT(t.scope, 40)
                        || ''')'
            END,
            CASE WHEN t.scope_id_n IS NULL THEN 'scope_id: missing' END,
            CASE
                WHEN t.month IS NOT NULL AND t.month_n IS NULL
                    THEN 'month: not a month (''' || LEFT(t.month, 40) || ''')'
            END,
            COALESCE(
                amount_problem('budget_usd', t.budget_usd, 'money'),
                CASE WHEN t.budget_usd_n < 0 THEN 'budget_usd: negative' END
            ),
            COALESCE(
                amount_problem(
                    'max_cost_per_accepted_action_usd', t.max_cost_per_accepted_action_usd, 'money'
                ),
                CASE WHEN t.max_cpaa_n < 0 THEN 'max_cost_per_accepted_action_usd: negative' END
            ),
            CASE
                WHEN t.budget_usd IS NULL AND t.max_cost_per_accepted_action_usd IS NULL
                    THEN 'budget_usd: missing (a budget limits spend, cost per accepted action '
                        || 'or both)'
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.scope_n || ':' || COALESCE(c.scope_id_n, '') || '@'
        || COALESCE(CAST(c.month_n AS VARCHAR), 'every month') AS dedup_key,
    md5(CONCAT_WS('|', c.scope_n, c.scope_id_n, CAST(c.month_n AS VARCHAR),
        CAST(c.budget_usd_n AS VARCHAR), CAST(c.max_cpaa_n AS VARCHAR))) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.scope_n || ':' || COALESCE(c.scope_id_n, '') || '@'
        || COALESCE(CAST(c.month_n AS VARCHAR), 'every month') AS budget_id,
    c.scope_n AS scope,
    c.scope_id_n AS scope_id,
    c.month_n AS month,
    c.budget_usd_n AS budget_usd,
    c.max_cpaa_n AS max_cost_per_accepted_action_usd
FROM checked AS c
