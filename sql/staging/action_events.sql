-- One row per outcome event of an agent action (accepted, approved, overridden, reverted,
-- escalated, run error, ...) with the time it happened. Source: landing_action_events.
-- event_type is normalised to lower snake case; escalation_kind (correct | failure) is required on
-- escalated events and dropped on the others. Outcome rules are applied in the core layer.
WITH typed AS (
    SELECT
        l.*,
        LOWER(REPLACE(REPLACE(l.event_type, ' ', '_'), '-', '_')) AS event_type_n,
        LOWER(l.escalation_kind) AS escalation_kind_n,
        read_instant(l.occurred_at, $date_format) AS occurred_at_utc
    FROM landing_action_events AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.event_id IS NULL THEN 'event_id: missing' END,
            CASE WHEN t.action_id IS NULL THEN 'action_id: missing' END,
            CASE
                WHEN t.event_type IS NULL THEN 'event_type: missing'
                WHEN t.event_type_n NOT IN ('accepted', 'approved', 'auto_accepted', 'overridden',
                    'reverted', 'rolled_back', 'redone', 'rerun', 're_run', 'reopened',
                    're_opened', 'escalated', 'run_error')
                    THEN 'event_type: not a known outcome event (''' || LEFT(t.event_type, 40)
                        || ''')'
            END,
            CASE
                WHEN t.event_type_n = 'escalated' AND t.escalation_kind IS NULL
                    THEN 'escalation_kind: missing (escalated events are correct or failure)'
                WHEN t.event_type_n = 'escalated'
                    AND t.escalation_kind_n NOT IN ('correct', 'failure')
                    THEN 'escalation_kind: not correct or failure ('''
                        || LEFT(t.escalation_kind, 40) || ''')'
            END,
            CASE
                WHEN t.occurred_at IS NULL THEN 'occurred_at: missing'
                ELSE instant_problem(
                    'occurred_at', t.occurred_at, t.occurred_at_utc, $plausible_from, $plausible_to
                )
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.event_id AS dedup_key,
    md5(CONCAT_WS('|', c.event_id, c.action_id, c.event_type_n, c.escalation_kind_n,
        CAST(c.occurred_at_utc AS VARCHAR))) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.event_id,
    c.action_id,
    CASE c.event_type_n WHEN 're_run' THEN 'rerun' WHEN 're_opened' THEN 'reopened'
        ELSE c.event_type_n END AS event_type,
    CASE WHEN c.event_type_n = 'escalated' THEN c.escalation_kind_n END AS escalation_kind,
    c.occurred_at_utc AS occurred_at
FROM checked AS c
