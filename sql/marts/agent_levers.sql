-- One row per month and agent: the levers that move its cost per accepted action (seed 000:
-- cache, cap loop depth, raise the acceptance rate; seed 004: the reasoning-to-action ratio), each
-- beside the fleet's better quartile that month and with what reaching it would save, in dollars.
-- Source: core.action_costs (the agent's actions and the requests booked to them).
-- Levers: loop depth (requests per action: the mean, and the median and 90th percentile over its
-- actions), the reasoning-to-action ratio (reasoning tokens / accepted actions, SPEC 6) against
-- the agent's own baseline (the $lever_baseline_months months before; at $reasoning_drift_ratio
-- times the baseline or more it is drift), the cache-read share (cached / all input tokens), and
-- the failure share (failure impact and remediation over the fully-loaded cost). The fleet's
-- better quartile is the agents' 25th percentile (75th for the cache-read share) that month,
-- over the agents with at least $advice_min_accepted_units accepted units for which the lever is
-- measured (requests booked to actions; a reasoning ratio; input tokens; a cost), read as the
-- agent at that rank (an observed value). Savings are monthly estimates for an agent with enough accepted units that is worse than
-- the quartile, 0 for one within it, NULL without advice: loop depth, inference x (1 - quartile
-- / requests per action); reasoning, the reasoning tokens' share of inference (by tokens) x
-- (1 - quartile / ratio); cache, the input that would be read from cache x the agent's inference
-- cost per token x (1 - $cache_read_price_ratio); failure, fully-loaded cost x (share -
-- quartile). Levers overlap (fewer loop steps also means less reasoning), so the savings are
-- alternatives, not a sum; largest_lever names the largest. window_complete is false while an
-- action of the month can still move (SPEC 3).
-- Only months from $recompute_from are written; the baselines read the months before.
-- @time_column month
-- @summary_by largest_lever
WITH action_depth AS (
    SELECT
        month,
        agent_id,
        requests,
        ROW_NUMBER() OVER (PARTITION BY month, agent_id ORDER BY requests) AS depth_rank,
        COUNT(*) OVER (PARTITION BY month, agent_id) AS agent_actions
    FROM core.action_costs
    WHERE month >= $recompute_from
),

depth AS (
    SELECT
        month,
        agent_id,
        MIN(CASE WHEN depth_rank >= CEIL(agent_actions * 0.5) THEN requests END)
            AS median_requests_per_action,
        MIN(CASE WHEN depth_rank >= CEIL(agent_actions * 0.9) THEN requests END)
            AS p90_requests_per_action
    FROM action_depth
    GROUP BY month, agent_id
),

-- every month of the agents (the baselines read months before the window)
monthly AS (
    SELECT
        month,
        agent_id,
        COUNT(*) AS attempted_actions,
        SUM(CASE WHEN outcome IN ('accepted_confirmed', 'accepted_provisional') THEN 1 ELSE 0 END)
            AS accepted_actions,
        SUM(accepted_units) AS accepted_units,
        SUM(requests) AS requests,
        SUM(input_tokens) AS input_tokens,
        SUM(cached_input_tokens) AS cached_input_tokens,
        SUM(input_tokens + output_tokens) AS tokens,
        SUM(reasoning_tokens) AS reasoning_tokens,
        SUM(inference_cost_usd) AS inference_cost_usd,
        SUM(failure_impact_cost_usd + remediation_cost_usd) AS failure_cost_usd,
        SUM(total_cost_usd) AS total_cost_usd,
        SUM(CASE WHEN is_provisional THEN 1 ELSE 0 END) = 0 AS window_complete
    FROM core.action_costs
    WHERE month >= CAST($recompute_from AS DATE) - $lever_baseline_months * INTERVAL 1 MONTH
    GROUP BY month, agent_id
),

measured AS (
    SELECT
        m.*,
        divide_decimal(m.requests, m.attempted_actions) AS requests_per_action,
        divide_decimal(m.reasoning_tokens, m.accepted_actions) AS reasoning_to_action_ratio,
        divide_decimal(m.cached_input_tokens, m.input_tokens) AS cache_read_share,
        divide_decimal(m.failure_cost_usd, m.total_cost_usd) AS failure_share,
        -- the inference of the reasoning tokens, and of the input, by their share of the tokens
        -- (the share first: a month's cost times its tokens overflows DECIMAL(38) at fleet scale)
        CAST(
            m.inference_cost_usd * divide_decimal(m.reasoning_tokens, m.tokens) AS DECIMAL(38, 12)
        ) AS reasoning_cost_usd,
        CAST(
            m.inference_cost_usd * divide_decimal(m.input_tokens, m.tokens) AS DECIMAL(38, 12)
        ) AS input_cost_usd,
        m.accepted_units >= CAST($advice_min_accepted_units AS DECIMAL(18, 6)) AS has_enough_units
    FROM monthly AS m
),

baselines AS (
    SELECT
        m.month,
        m.agent_id,
        divide_decimal(SUM(b.reasoning_tokens), SUM(b.accepted_actions))
            AS baseline_reasoning_to_action_ratio
    FROM measured AS m
    INNER JOIN measured AS b
        ON b.agent_id = m.agent_id
        AND b.month < m.month
        AND b.month >= m.month - $lever_baseline_months * INTERVAL 1 MONTH
    WHERE m.month >= $recompute_from
    GROUP BY m.month, m.agent_id
),

-- each lever where it is measured, for the agents with enough accepted units
lever_values AS (
    SELECT month, 'loop depth' AS lever, requests_per_action AS value
    FROM measured
    WHERE has_enough_units AND requests > 0
    UNION ALL
    SELECT month, 'reasoning', reasoning_to_action_ratio
    FROM measured
    WHERE has_enough_units AND reasoning_to_action_ratio IS NOT NULL
    UNION ALL
    -- a higher cache-read share is better: ranked from the top
    SELECT month, 'cache', -cache_read_share
    FROM measured
    WHERE has_enough_units AND input_tokens > 0
    UNION ALL
    SELECT month, 'failure', failure_share
    FROM measured
    WHERE has_enough_units AND failure_share IS NOT NULL
),

ranked AS (
    SELECT
        month,
        lever,
        value,
        ROW_NUMBER() OVER (PARTITION BY month, lever ORDER BY value) AS value_rank,
        COUNT(*) OVER (PARTITION BY month, lever) AS agents
    FROM lever_values
    WHERE month >= $recompute_from
),

-- the fleet's better quartile of each lever: the agent at rank ceil(agents x 0.25)
quartiles AS (
    SELECT
        month,
        MAX(CASE WHEN lever = 'loop depth' THEN value END)
            AS fleet_quartile_requests_per_action,
        MAX(CASE WHEN lever = 'reasoning' THEN value END)
            AS fleet_quartile_reasoning_to_action_ratio,
        -MAX(CASE WHEN lever = 'cache' THEN value END) AS fleet_quartile_cache_read_share,
        MAX(CASE WHEN lever = 'failure' THEN value END) AS fleet_quartile_failure_share
    FROM ranked
    WHERE value_rank = CEIL(agents * 0.25)
    GROUP BY month
),

saved AS (
    SELECT
        m.*,
        d.median_requests_per_action,
        d.p90_requests_per_action,
        b.baseline_reasoning_to_action_ratio,
        q.fleet_quartile_requests_per_action,
        q.fleet_quartile_reasoning_to_action_ratio,
        q.fleet_quartile_cache_read_share,
        q.fleet_quartile_failure_share,
        CASE
            WHEN NOT m.has_enough_units THEN NULL
            WHEN m.requests_per_action > q.fleet_quartile_requests_per_action
                THEN m.inference_cost_usd - divide_decimal(
                    m.inference_cost_usd * q.fleet_quartile_requests_per_action,
                    m.requests_per_action
                )
            WHEN q.fleet_quartile_requests_per_action IS NOT NULL THEN 0
        END AS loop_depth_saving_usd,
        CASE
            WHEN NOT m.has_enough_units THEN NULL
            WHEN m.reasoning_to_action_ratio > q.fleet_quartile_reasoning_to_action_ratio
                THEN m.reasoning_cost_usd - divide_decimal(
                    m.reasoning_cost_usd * q.fleet_quartile_reasoning_to_action_ratio,
                    m.reasoning_to_action_ratio
                )
            WHEN q.fleet_quartile_reasoning_to_action_ratio IS NOT NULL THEN 0
        END AS reasoning_saving_usd,
        CASE
            WHEN NOT m.has_enough_units THEN NULL
            WHEN m.cache_read_share < q.fleet_quartile_cache_read_share
                THEN CAST(
                    m.input_cost_usd * (q.fleet_quartile_cache_read_share - m.cache_read_share)
                    AS DECIMAL(38, 12)
                ) * (1 - CAST($cache_read_price_ratio AS DECIMAL(18, 6)))
            WHEN q.fleet_quartile_cache_read_share IS NOT NULL THEN 0
        END AS cache_saving_usd,
        CASE
            WHEN NOT m.has_enough_units THEN NULL
            WHEN m.failure_share > q.fleet_quartile_failure_share
                THEN m.total_cost_usd * (m.failure_share - q.fleet_quartile_failure_share)
            WHEN q.fleet_quartile_failure_share IS NOT NULL THEN 0
        END AS failure_saving_usd
    FROM measured AS m
    LEFT JOIN depth AS d ON d.month = m.month AND d.agent_id = m.agent_id
    LEFT JOIN baselines AS b ON b.month = m.month AND b.agent_id = m.agent_id
    LEFT JOIN quartiles AS q ON q.month = m.month
    WHERE m.month >= $recompute_from
)

SELECT
    month,
    agent_id,
    CAST(attempted_actions AS BIGINT) AS attempted_actions,
    CAST(accepted_actions AS BIGINT) AS accepted_actions,
    accepted_units,
    has_enough_units,
    window_complete,
    total_cost_usd,
    inference_cost_usd,
    requests_per_action,
    median_requests_per_action,
    p90_requests_per_action,
    fleet_quartile_requests_per_action,
    CAST(loop_depth_saving_usd AS DECIMAL(38, 12)) AS loop_depth_saving_usd,
    reasoning_to_action_ratio,
    baseline_reasoning_to_action_ratio,
    COALESCE(
        reasoning_to_action_ratio
        >= CAST($reasoning_drift_ratio AS DECIMAL(18, 6)) * baseline_reasoning_to_action_ratio
        AND baseline_reasoning_to_action_ratio > 0,
        FALSE
    ) AS reasoning_drift,
    fleet_quartile_reasoning_to_action_ratio,
    CAST(reasoning_saving_usd AS DECIMAL(38, 12)) AS reasoning_saving_usd,
    cache_read_share,
    fleet_quartile_cache_read_share,
    CAST(cache_saving_usd AS DECIMAL(38, 12)) AS cache_saving_usd,
    failure_share,
    fleet_quartile_failure_share,
    CAST(failure_saving_usd AS DECIMAL(38, 12)) AS failure_saving_usd,
    CASE
        WHEN NOT has_enough_units
            THEN 'no advice: too few accepted units ('
            || CAST(CAST(accepted_units AS DECIMAL(18, 2)) AS VARCHAR) || ' of '
            || CAST($advice_min_accepted_units AS VARCHAR) || ')'
        WHEN loop_depth_saving_usd IS NULL AND reasoning_saving_usd IS NULL
            AND cache_saving_usd IS NULL AND failure_saving_usd IS NULL
            THEN 'no advice: no fleet quartile to compare with'
        WHEN GREATEST(
            COALESCE(loop_depth_saving_usd, 0), COALESCE(reasoning_saving_usd, 0),
            COALESCE(cache_saving_usd, 0), COALESCE(failure_saving_usd, 0)
        ) <= 0 THEN 'none: within the fleet''s better quartile'
        WHEN COALESCE(failure_saving_usd, 0) >= GREATEST(
            COALESCE(loop_depth_saving_usd, 0), COALESCE(reasoning_saving_usd, 0),
            COALESCE(cache_saving_usd, 0)
        ) THEN 'failure'
        WHEN COALESCE(loop_depth_saving_usd, 0) >= GREATEST(
            COALESCE(reasoning_saving_usd, 0), COALESCE(cache_saving_usd, 0)
        ) THEN 'loop depth'
        WHEN COALESCE(reasoning_saving_usd, 0) >= COALESCE(cache_saving_usd, 0) THEN 'reasoning'
        ELSE 'cache'
    END AS largest_lever
FROM saved
