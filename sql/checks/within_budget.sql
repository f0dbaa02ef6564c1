-- One row per budget of the months from $first_month to $last_day that is breached or projected
-- to breach (on spend, to date or projected to month end, or on cost per accepted action): the
-- finding as one readable line. Source: marts.budget_status. Read by the within_budget check.
SELECT scope || ' ' || scope_id || ' ' || strftime(month, '%Y-%m') || ': ' || status || ' ('
    || CASE
        WHEN status = 'cost per accepted action above its limit'
            THEN CAST(ROUND(cost_per_accepted_action, 2) AS VARCHAR) || ' per accepted action, '
                || 'limit ' || CAST(ROUND(max_cost_per_accepted_action_usd, 2) AS VARCHAR)
        ELSE 'spent ' || CAST(ROUND(spent_to_date_usd, 2) AS VARCHAR) || ', projected '
            || COALESCE(CAST(ROUND(projected_month_end_usd, 2) AS VARCHAR), 'n/a')
            || ' of ' || CAST(ROUND(budget_usd, 2) AS VARCHAR)
    END || ')'
FROM marts.budget_status
WHERE status <> 'within budget' AND month BETWEEN $first_month AND $last_day
ORDER BY month, scope, scope_id
