-- One row per month and agent: whether the agent's autonomy may expand, should hold or should be
-- reduced, from the trend of its cost per accepted action and of its override / reversal rate
-- over its last confirmed months (seed 000: tie any expansion of autonomy to the trend, not to
-- adoption). Source: marts.showback (the agent's month rows).
-- The windows are the agent's last $autonomy_windows months up to the row's month whose survival
-- windows are complete (window_complete: no open window, nothing pending, no estimated failure
-- impact), so a provisional month never moves the gate. The first of them is compared with the
-- last: cost_change_ratio = last cost per accepted action / first - 1, override_change the
-- override / reversal rate's change in points. Status:
--   reduce: cost per accepted action rose by $autonomy_cost_change_ratio or more, or the override
--     / reversal rate rose by $autonomy_override_change or more;
--   expand: cost per accepted action fell by $autonomy_cost_change_ratio or more and the override
--     / reversal rate did not rise;
--   hold: otherwise, or with fewer confirmed months than the rule compares, or a compared month
--     with fewer than $advice_min_accepted_units accepted units (reason says which).
-- Only months from $recompute_from are written; the windows read the months before.
-- @time_column month
-- @summary_by status
WITH months AS (
    SELECT
        period_start AS month,
        agent_id,
        window_complete,
        accepted_units,
        cost_per_accepted_action,
        override_reversal_rate
    FROM marts.showback
    WHERE grain = 'agent' AND period = 'month' AND agent_id <> 'unallocated'
),

-- each month's confirmed months up to it, the latest first
windows AS (
    SELECT
        m.month,
        m.agent_id,
        c.month AS window_month,
        c.accepted_units,
        c.cost_per_accepted_action,
        c.override_reversal_rate,
        ROW_NUMBER() OVER (PARTITION BY m.month, m.agent_id ORDER BY c.month DESC) AS recency
    FROM months AS m
    INNER JOIN months AS c
        ON c.agent_id = m.agent_id AND c.month <= m.month AND c.window_complete
    WHERE m.month >= $recompute_from
),

recent AS (
    SELECT
        *,
        MAX(recency) OVER (PARTITION BY month, agent_id) AS oldest
    FROM windows
    WHERE recency <= $autonomy_windows
),

compared AS (
    SELECT
        month,
        agent_id,
        COUNT(*) AS confirmed_windows,
        MIN(window_month) AS first_window,
        MAX(window_month) AS last_window,
        MIN(accepted_units) AS fewest_accepted_units,
        MAX(CASE WHEN recency = oldest THEN cost_per_accepted_action END)
            AS first_cost_per_accepted_action,
        MAX(CASE WHEN recency = 1 THEN cost_per_accepted_action END)
            AS last_cost_per_accepted_action,
        MAX(CASE WHEN recency = oldest THEN override_reversal_rate END)
            AS first_override_reversal_rate,
        MAX(CASE WHEN recency = 1 THEN override_reversal_rate END)
            AS last_override_reversal_rate
    FROM recent
    GROUP BY month, agent_id
),

judged AS (
    SELECT
        m.month,
        m.agent_id,
        m.window_complete AS month_window_complete,
        COALESCE(c.confirmed_windows, 0) AS confirmed_windows,
        c.first_window,
        c.last_window,
        c.fewest_accepted_units,
        c.first_cost_per_accepted_action,
        c.last_cost_per_accepted_action,
        divide_decimal(c.last_cost_per_accepted_action, c.first_cost_per_accepted_action) - 1
            AS cost_change_ratio,
        c.first_override_reversal_rate,
        c.last_override_reversal_rate,
        c.last_override_reversal_rate - c.first_override_reversal_rate AS override_change,
        COALESCE(c.confirmed_windows, 0) < $autonomy_windows AS too_few_windows,
        COALESCE(
            c.fewest_accepted_units < CAST($advice_min_accepted_units AS DECIMAL(18, 6))
            OR c.first_cost_per_accepted_action IS NULL
            OR c.last_cost_per_accepted_action IS NULL,
            TRUE
        ) AS too_few_units
    FROM months AS m
    LEFT JOIN compared AS c ON c.month = m.month AND c.agent_id = m.agent_id
    WHERE m.month >= $recompute_from
),

ruled AS (
    SELECT
        *,
        CASE
            WHEN too_few_windows OR too_few_units THEN 'hold'
            WHEN cost_change_ratio >= CAST($autonomy_cost_change_ratio AS DECIMAL(18, 6))
                OR override_change >= CAST($autonomy_override_change AS DECIMAL(18, 6))
                THEN 'reduce'
            WHEN cost_change_ratio <= -CAST($autonomy_cost_change_ratio AS DECIMAL(18, 6))
                AND override_change <= 0
                THEN 'expand'
            ELSE 'hold'
        END AS status
    FROM judged
)

SELECT
    month,
    agent_id,
    status,
    CASE
        WHEN too_few_windows
            THEN CAST(confirmed_windows AS VARCHAR) || ' of ' || CAST($autonomy_windows AS VARCHAR)
            || ' confirmed months: not enough history to move autonomy'
        WHEN too_few_units
            THEN 'a compared month has too few accepted units (fewer than '
            || CAST($advice_min_accepted_units AS VARCHAR) || ')'
        WHEN status = 'reduce'
            AND override_change >= CAST($autonomy_override_change AS DECIMAL(18, 6))
            THEN 'override / reversal rate rose by '
            || CAST(CAST(override_change * 100 AS DECIMAL(18, 1)) AS VARCHAR) || ' points'
        WHEN status = 'reduce'
            THEN 'cost per accepted action rose by '
            || CAST(CAST(cost_change_ratio * 100 AS DECIMAL(18, 1)) AS VARCHAR) || ' %'
        WHEN status = 'expand'
            THEN 'cost per accepted action fell by '
            || CAST(CAST(-cost_change_ratio * 100 AS DECIMAL(18, 1)) AS VARCHAR)
            || ' % and overrides did not rise'
        ELSE 'no trend beyond the thresholds'
    END AS reason,
    month_window_complete,
    CAST(confirmed_windows AS BIGINT) AS confirmed_windows,
    first_window,
    last_window,
    first_cost_per_accepted_action,
    last_cost_per_accepted_action,
    cost_change_ratio,
    first_override_reversal_rate,
    last_override_reversal_rate,
    override_change,
    fewest_accepted_units
FROM ruled
