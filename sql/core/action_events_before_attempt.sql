-- One row per action event dated before its action's attempt: it never decides the action's
-- outcome (core.action_outcomes leaves it out), and is kept here with its reason, file and line,
-- laid out as audit.quarantine lays out a rejected row. Source: staging.action_events and
-- staging.agent_actions, as they stand after the run's loads, so an event that arrived before its
-- action (or whose action was restated to a later attempt) is found whatever the order the files
-- came in; rebuilt whole each run. The event stays in staging (its file's ledger balances as
-- loaded); an event at the very instant of the attempt is not early.
-- @rebuilt_whole events dated before their action's attempt are few, and their action may arrive in any run
-- @summary_by event_type
WITH early_events AS (
    SELECT
        e.source_file,
        e.source_line,
        e.event_id,
        e.action_id,
        e.event_type,
        e.escalation_kind,
        e.occurred_at,
        a.attempted_at,
        a.source_file AS action_source_file,
        a.source_line AS action_source_line
    FROM staging.action_events AS e
    INNER JOIN staging.agent_actions AS a ON a.action_id = e.action_id
    WHERE e.occurred_at < a.attempted_at
)

SELECT
    'action_events' AS source,
    x.source_file,
    x.source_line,
    'occurred_at' AS column_name,
    'occurred_at: event before its action''s attempt at '
        || CAST(x.attempted_at AS VARCHAR) || ' (' || x.action_source_file || ' line '
        || CAST(x.action_source_line AS VARCHAR) || ')' AS reason,
    x.event_id,
    x.action_id,
    x.event_type,
    x.escalation_kind,
    x.occurred_at,
    x.attempted_at,
    x.action_source_file,
    x.action_source_line
FROM early_events AS x
