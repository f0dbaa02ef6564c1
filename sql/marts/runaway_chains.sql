-- One row per sub-agent chain (the sessions under one root task) and day on which it ran away:
-- deeper than $max_chain_depth levels, costlier than $max_chain_cost_usd that day (LLM requests
-- and tool calls of its sessions), or looping: one session repeating the same step at least
-- $loop_repeat_limit times that day (a request with the same model, input and output tokens; tool
-- calls count toward the cost but not as loops: calling one tool again is normal). Source:
-- core.session_roots,
-- core.llm_request_costs and staging.tool_calls. cost_burned_usd is the chain's cost that day;
-- reasons lists every limit crossed. Days on or after $ledger_from (the first day a request, tool
-- call or action changed; core.recompute_window) are written: a day's chains depend on that
-- day's steps only.
-- @time_column day
-- @replaces day >= $ledger_from
-- @summary_by reasons
WITH steps AS (
    SELECT
        r.session_id,
        r.requested_date AS day,
        'request ' || r.model || ' ' || CAST(r.input_tokens AS VARCHAR) || ' in / '
            || CAST(r.output_tokens AS VARCHAR) || ' out' AS step,
        TRUE AS is_request,
        r.cost_usd
    FROM core.llm_request_costs AS r
    WHERE r.requested_date >= $ledger_from AND r.session_id IS NOT NULL
    UNION ALL
    SELECT
        t.session_id,
        CAST(t.called_at AS DATE),
        'tool ' || t.tool_name || COALESCE(' (' || t.vendor || ')', '') || ' x '
            || COALESCE(CAST(t.units AS VARCHAR), '1'),
        FALSE,
        t.cost_usd
    FROM staging.tool_calls AS t
    WHERE t.called_at >= CAST($ledger_from AS TIMESTAMP) AND t.session_id IS NOT NULL
),

chained AS (
    SELECT
        COALESCE(s.root_task_id, s.root_session_id) AS chain_id,
        s.root_task_id,
        s.root_session_id,
        s.root_team_id AS team_id,
        s.session_id,
        s.agent_id,
        s.depth,
        x.day,
        x.step,
        x.is_request,
        x.cost_usd
    FROM steps AS x
    INNER JOIN core.session_roots AS s ON s.session_id = x.session_id
),

repeats AS (
    SELECT
        chain_id,
        day,
        session_id,
        step,
        COUNT(*) AS repeats,
        ROW_NUMBER() OVER (
            PARTITION BY chain_id, day ORDER BY COUNT(*) DESC, session_id, step
        ) AS repeat_rank
    FROM chained
    WHERE is_request
    GROUP BY chain_id, day, session_id, step
),

chains AS (
    SELECT
        chain_id,
        day,
        MIN(root_task_id) AS root_task_id,
        MIN(root_session_id) AS root_session_id,
        MIN(team_id) AS team_id,
        COUNT(DISTINCT session_id) AS sessions,
        COUNT(DISTINCT agent_id) AS agents,
        MAX(depth) AS max_depth,
        COUNT(*) AS steps,
        COALESCE(SUM(cost_usd), 0) AS cost_burned_usd
    FROM chained
    GROUP BY chain_id, day
)

SELECT
    c.day,
    c.chain_id,
    c.root_task_id,
    c.root_session_id,
    c.team_id,
    c.sessions,
    c.agents,
    c.max_depth,
    c.steps,
    c.cost_burned_usd,
    r.session_id AS most_repeated_session_id,
    r.step AS most_repeated_step,
    r.repeats AS most_repeated_step_count,
    CONCAT_WS('; ',
        CASE WHEN c.max_depth > $max_chain_depth
            THEN 'deeper than ' || CAST($max_chain_depth AS VARCHAR) || ' levels' END,
        CASE WHEN c.cost_burned_usd > CAST($max_chain_cost_usd AS DECIMAL(38, 12))
            THEN 'costlier than ' || CAST($max_chain_cost_usd AS VARCHAR) || ' USD in a day' END,
        CASE WHEN r.repeats >= $loop_repeat_limit
            THEN 'loop: one step repeated ' || CAST(r.repeats AS VARCHAR) || ' times' END
    ) AS reasons
FROM chains AS c
LEFT JOIN repeats AS r ON r.chain_id = c.chain_id AND r.day = c.day AND r.repeat_rank = 1
WHERE c.max_depth > $max_chain_depth
    OR c.cost_burned_usd > CAST($max_chain_cost_usd AS DECIMAL(38, 12))
    OR r.repeats >= $loop_repeat_limit
