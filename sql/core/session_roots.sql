-- One row per session (agent run) with the root of its sub-agent tree: the root task its cost
-- rolls up to, and that task's team. Source: the session / parent-session / task ids carried by
-- staging.agent_actions, staging.llm_requests and staging.tool_calls, and the spans of agent
-- traces (staging.agent_spans: every span is a run whose parent is its parent span, else its
-- conversation, else its trace; a traced request's session is its parent span, so a sub-agent's
-- requests roll up through the invoking agents to the root). The tree is walked up to
-- 50 levels (a deeper or cyclic chain stops there); the root task is the task of the highest
-- ancestor that names one. The run session is the nearest session up the tree, the session
-- itself first, that has agent actions: a cost naming this session belongs to that run's actions
-- (its failed runs take their share of it, SPEC 2); NULL when no session of the tree has one.
-- @rebuilt_whole a session tree has no day
-- @summary_by depth
WITH RECURSIVE session_facts AS (
    SELECT session_id, parent_session_id, task_id, agent_id, team_id
    FROM staging.agent_actions
    WHERE session_id IS NOT NULL
    UNION ALL
    SELECT session_id, parent_session_id, task_id, agent_id, team_id
    FROM staging.llm_requests
    WHERE session_id IS NOT NULL
    UNION ALL
    SELECT session_id, parent_session_id, task_id, agent_id, team_id
    FROM staging.tool_calls
    WHERE session_id IS NOT NULL
    UNION ALL
    SELECT
        span_id,
        COALESCE(parent_span_id, conversation_id, trace_id),
        task_id,
        agent_id,
        team_id
    FROM staging.agent_spans
),

sessions AS (
    SELECT
        session_id,
        MIN(parent_session_id) AS parent_session_id,
        MIN(task_id) AS task_id,
        MIN(agent_id) AS agent_id,
        MIN(team_id) AS team_id
    FROM session_facts
    GROUP BY session_id
),

walk (session_id, ancestor_id, depth) AS (
    SELECT session_id, session_id, 0
    FROM sessions
    UNION ALL
    SELECT w.session_id, s.parent_session_id, w.depth + 1
    FROM walk AS w
    INNER JOIN sessions AS s ON s.session_id = w.ancestor_id
    WHERE s.parent_session_id IS NOT NULL AND w.depth < 50
),

action_sessions AS (
    SELECT DISTINCT session_id FROM staging.agent_actions WHERE session_id IS NOT NULL
),

run_sessions AS (
    SELECT
        w.session_id,
        w.ancestor_id AS run_session_id,
        ROW_NUMBER() OVER (PARTITION BY w.session_id ORDER BY w.depth) AS nearness
    FROM walk AS w
    INNER JOIN action_sessions AS x ON x.session_id = w.ancestor_id
),

ranked AS (
    SELECT
        w.session_id,
        w.ancestor_id,
        w.depth,
        a.task_id,
        a.team_id,
        ROW_NUMBER() OVER (
            PARTITION BY w.session_id
            ORDER BY CASE WHEN a.task_id IS NULL THEN 1 ELSE 0 END, w.depth DESC
        ) AS task_rank,
        MAX(w.depth) OVER (PARTITION BY w.session_id) AS tree_depth
    FROM walk AS w
    LEFT JOIN sessions AS a ON a.session_id = w.ancestor_id
)

SELECT
    s.session_id,
    s.parent_session_id,
    s.agent_id,
    r.ancestor_id AS root_session_id,
    r.task_id AS root_task_id,
    COALESCE(r.team_id, s.team_id) AS root_team_id,
    r.tree_depth AS depth,
    n.run_session_id
FROM sessions AS s
INNER JOIN ranked AS r ON r.session_id = s.session_id AND r.task_rank = 1
LEFT JOIN run_sessions AS n ON n.session_id = s.session_id AND n.nearness = 1
