-- One row per agent action with its outcome as of $as_of under the survival window (SPEC 3).
-- Source: staging.agent_actions and staging.action_events (events after $as_of are not yet known),
-- and staging.agent_spans: a traced agent run (an OpenTelemetry invoke_agent span, a Langfuse
-- AGENT observation) that names the action and ended in error is a run error, unless the events
-- say the action was accepted (its output was usable) by $as_of.
-- outcome: failed_run (a run error with no usable output), failed (a failure escalation, or an
-- override / revert / rollback / redo / re-run / re-open no later than acceptance + window,
-- boundary inclusive), accepted_confirmed (accepted, window elapsed), accepted_provisional
-- (accepted, window still open) or pending (no outcome yet). Approval and a correct escalation
-- count as acceptance. accepted_units weighs an accepted action by its risk grade.
-- An event dated before its action's attempt decides nothing (it is listed with its reason in
-- core.action_events_before_attempt).
-- Only actions attempted on or after $recompute_from are judged (the run's recompute window).
-- @time_column attempted_date
-- @summary_by outcome
WITH recomputed_actions AS (
    SELECT *
    FROM staging.agent_actions
    WHERE attempted_at >= CAST($recompute_from AS TIMESTAMP)
        AND attempted_at <= CAST($as_of AS TIMESTAMP)
),

-- the events known by $as_of that happened no earlier than their action's attempt
events AS (
    SELECT e.action_id, e.event_type, e.escalation_kind, e.occurred_at
    FROM staging.action_events AS e
    INNER JOIN recomputed_actions AS act ON act.action_id = e.action_id
    WHERE e.occurred_at <= CAST($as_of AS TIMESTAMP)
        AND e.occurred_at >= act.attempted_at
),

acceptance AS (
    SELECT action_id, MIN(occurred_at) AS accepted_at
    FROM events
    WHERE event_type IN ('accepted', 'approved', 'auto_accepted')
        OR (event_type = 'escalated' AND escalation_kind = 'correct')
    GROUP BY action_id
),

correct_escalation AS (
    SELECT DISTINCT action_id
    FROM events
    WHERE event_type = 'escalated' AND escalation_kind = 'correct'
),

traced_run_errors AS (
    SELECT s.action_id, COALESCE(s.ended_at, s.started_at) AS occurred_at
    FROM staging.agent_spans AS s
    INNER JOIN recomputed_actions AS act ON act.action_id = s.action_id
    LEFT JOIN acceptance AS a ON a.action_id = s.action_id
    WHERE s.status = 'error'
        AND LOWER(s.span_kind) = 'agent'
        AND a.action_id IS NULL
        AND COALESCE(s.ended_at, s.started_at) <= CAST($as_of AS TIMESTAMP)
        AND COALESCE(s.ended_at, s.started_at) >= act.attempted_at
),

run_errors AS (
    SELECT action_id, MIN(occurred_at) AS failed_at
    FROM (
        SELECT action_id, occurred_at FROM events WHERE event_type = 'run_error'
        UNION ALL
        SELECT action_id, occurred_at FROM traced_run_errors
    ) AS r
    GROUP BY action_id
),

failures AS (
    SELECT
        e.action_id,
        e.occurred_at AS failed_at,
        CASE WHEN e.event_type = 'escalated' THEN 'failure_escalation' ELSE e.event_type END
            AS failure_reason,
        ROW_NUMBER() OVER (PARTITION BY e.action_id ORDER BY e.occurred_at, e.event_type)
            AS failure_rank
    FROM events AS e
    LEFT JOIN acceptance AS a ON a.action_id = e.action_id
    WHERE (e.event_type = 'escalated' AND e.escalation_kind = 'failure')
        OR (
            e.event_type IN ('overridden', 'reverted', 'rolled_back', 'redone', 'rerun', 'reopened')
            AND (
                a.accepted_at IS NULL
                OR e.occurred_at <= a.accepted_at + $survival_window_days * INTERVAL 1 DAY
            )
        )
),

classified AS (
    SELECT
        act.*,
        a.accepted_at,
        a.accepted_at + $survival_window_days * INTERVAL 1 DAY AS window_ends_at,
        ce.action_id IS NOT NULL AS is_correct_escalation,
        CASE
            WHEN re.action_id IS NOT NULL THEN 'failed_run'
            WHEN f.action_id IS NOT NULL THEN 'failed'
            WHEN a.accepted_at IS NOT NULL
                AND a.accepted_at + $survival_window_days * INTERVAL 1 DAY
                <= CAST($as_of AS TIMESTAMP)
                THEN 'accepted_confirmed'
            WHEN a.accepted_at IS NOT NULL THEN 'accepted_provisional'
            ELSE 'pending'
        END AS outcome,
        CASE
            WHEN re.action_id IS NOT NULL THEN 'run_error'
            ELSE f.failure_reason
        END AS failure_reason,
        COALESCE(re.failed_at, f.failed_at) AS failed_at
    FROM recomputed_actions AS act
    LEFT JOIN acceptance AS a ON a.action_id = act.action_id
    LEFT JOIN correct_escalation AS ce ON ce.action_id = act.action_id
    LEFT JOIN run_errors AS re ON re.action_id = act.action_id
    LEFT JOIN failures AS f ON f.action_id = act.action_id AND f.failure_rank = 1
)

SELECT
    c.action_id,
    c.task_id,
    c.session_id,
    c.parent_session_id,
    c.agent_id,
    c.team_id,
    COALESCE(c.task_type, 'unspecified') AS task_type,
    c.risk_grade,
    c.risk_grade_source,
    c.attempted_at,
    CAST(c.attempted_at AS DATE) AS attempted_date,
    c.outcome,
    c.failure_reason,
    c.is_correct_escalation,
    c.accepted_at,
    c.failed_at,
    c.window_ends_at,
    c.outcome NOT IN ('accepted_provisional', 'pending') AS window_complete,
    CASE c.risk_grade
        WHEN 'G0' THEN CAST($weight_g0 AS DECIMAL(18, 6))
        WHEN 'G1' THEN CAST($weight_g1 AS DECIMAL(18, 6))
        WHEN 'G2' THEN CAST($weight_g2 AS DECIMAL(18, 6))
        ELSE CAST($weight_g3 AS DECIMAL(18, 6))
    END AS risk_weight,
    CASE
        WHEN c.outcome IN ('accepted_confirmed', 'accepted_provisional') THEN
            CASE c.risk_grade
                WHEN 'G0' THEN CAST($weight_g0 AS DECIMAL(18, 6))
                WHEN 'G1' THEN CAST($weight_g1 AS DECIMAL(18, 6))
                WHEN 'G2' THEN CAST($weight_g2 AS DECIMAL(18, 6))
                ELSE CAST($weight_g3 AS DECIMAL(18, 6))
            END
        ELSE CAST(0 AS DECIMAL(18, 6))
    END AS accepted_units
FROM classified AS c
