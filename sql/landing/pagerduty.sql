-- One row per PagerDuty incident and per responder of an incident (temp table _record_docs,
-- replaced), from PagerDuty's REST API responses as it returns them: pages of incidents or of log
-- entries, a wrapped object or one object per line, each object a row of _record_docs
-- (sql/landing/list_pages.sql), and temp table incident_penalties
-- (IngestSettings.incident_penalties, in order).
-- An incident is a record of kind 'penalty' when a declared penalty matches its service (name or
-- id), urgency and priority ('*' matches any; the first rule in order wins), else 'no_penalty'.
-- A responder is a record of kind 'response': the earliest acknowledge_log_entry of a user (not
-- an integration or a service acknowledging on its own) for an incident, ending at the
-- incident's earliest resolve_log_entry after it in the same file (its seconds NULL when the file
-- holds no resolution), one record per UTC day it spans (its id the log entry's, with '@<day>'
-- when it spans more than one); a response of no time is of kind 'zero_response', a user's later
-- acknowledgements 'repeated_ack'. Ids come from the incident's title (a log
-- entry's incident summary) and incident_key, by the patterns of IngestSettings.incident_links
-- ($action_pattern, $task_pattern, $agent_pattern, $team_pattern; the first group). Other log
-- entries are of kind 'other'. sql/landing/records_numbered.sql numbers the records.
CREATE OR REPLACE TEMP TABLE _record_docs AS
WITH typed AS (
    SELECT
        o.*,
        json_extract_string(o.doc, '$.type') AS object_type,
        TRY_CAST(json_extract_string(o.doc, '$.created_at') AS TIMESTAMPTZ) AS created_ts,
        json_extract_string(o.doc, '$.incident.id') AS incident_id,
        COALESCE(json_extract_string(o.doc, '$.agent.summary'),
            json_extract_string(o.doc, '$.agent.id')) AS responder,
        -- a user's acknowledgement, not an integration's or a service's
        COALESCE(
            json_extract_string(o.doc, '$.type') = 'acknowledge_log_entry'
            AND COALESCE(json_extract_string(o.doc, '$.agent.type'), 'user_reference')
            IN ('user_reference', 'user'),
            FALSE
        ) AS is_response
    FROM _record_docs AS o
),

incidents AS (
    SELECT
        t.*,
        json_extract_string(t.doc, '$.service.summary') AS service_name,
        json_extract_string(t.doc, '$.service.id') AS service_id,
        json_extract_string(t.doc, '$.urgency') AS urgency,
        json_extract_string(t.doc, '$.priority.summary') AS priority,
        CONCAT_WS(' ', json_extract_string(t.doc, '$.title'),
            json_extract_string(t.doc, '$.summary'),
            json_extract_string(t.doc, '$.incident_key')) AS linked_text
    FROM typed AS t
    WHERE t.object_type = 'incident'
),

penalised AS (
    SELECT
        i.*,
        p.amount,
        p.currency,
        ROW_NUMBER() OVER (PARTITION BY i.line, i.position ORDER BY p.rule_order) AS rule_rank
    FROM incidents AS i
    LEFT JOIN incident_penalties AS p
        ON p.service IN ('*', i.service_name, i.service_id)
        AND p.urgency IN ('*', i.urgency)
        AND p.priority IN ('*', i.priority)
),

resolutions AS (
    SELECT incident_id, created_ts
    FROM typed
    WHERE object_type = 'resolve_log_entry'
),

acknowledgements AS (
    SELECT
        t.*,
        json_extract_string(t.doc, '$.incident.summary') AS linked_text,
        ROW_NUMBER() OVER (
            PARTITION BY t.incident_id, t.responder ORDER BY t.created_ts, t.line, t.position
        ) AS ack_rank
    FROM typed AS t
    WHERE t.is_response
),

responses AS (
    SELECT
        a.*,
        timezone('UTC', a.created_ts) AS acknowledged_utc,
        timezone('UTC', (
            SELECT MIN(r.created_ts)
            FROM resolutions AS r
            WHERE r.incident_id = a.incident_id AND r.created_ts >= a.created_ts
        )) AS resolved_utc
    FROM acknowledgements AS a
),

-- a response is cut at each UTC midnight it spans: one record per day it covers
response_days AS (
    SELECT
        r.*,
        GREATEST(r.acknowledged_utc, d.day) AS from_utc,
        LEAST(r.resolved_utc, d.day + INTERVAL 1 DAY) AS to_utc,
        d.day,
        COUNT(*) OVER (PARTITION BY r.line, r.position) AS days
    FROM responses AS r,
        LATERAL (
            SELECT UNNEST(generate_series(
                date_trunc('day', r.acknowledged_utc),
                GREATEST(
                    date_trunc('day', r.acknowledged_utc),
                    COALESCE(date_trunc('day', r.resolved_utc - INTERVAL 1 MICROSECOND),
                        date_trunc('day', r.acknowledged_utc))
                ),
                INTERVAL 1 DAY
            )) AS day
        ) AS d
),

records AS (
    SELECT
        p.line,
        p.position,
        CAST(json_object(
            'id', json_extract_string(p.doc, '$.id'),
            'record_kind', CASE WHEN p.amount IS NOT NULL THEN 'penalty' ELSE 'no_penalty' END,
            'penalty_amount', p.amount,
            'penalty_currency', p.currency,
            'created_at', json_extract_string(p.doc, '$.created_at'),
            'title', json_extract_string(p.doc, '$.title'),
            'service', p.service_name,
            'urgency', p.urgency,
            'priority', p.priority,
            'action_id', NULLIF(regexp_extract(p.linked_text, $action_pattern, 1), ''),
            'task_id', NULLIF(regexp_extract(p.linked_text, $task_pattern, 1), ''),
            'agent_id', NULLIF(regexp_extract(p.linked_text, $agent_pattern, 1), ''),
            'team_id', NULLIF(regexp_extract(p.linked_text, $team_pattern, 1), '')
        ) AS VARCHAR) AS doc
    FROM penalised AS p
    WHERE p.rule_rank = 1
    UNION ALL
    SELECT
        r.line,
        r.position,
        CAST(json_object(
            'id', json_extract_string(r.doc, '$.id')
                || CASE WHEN r.days > 1 THEN '@' || strftime(r.day, '%Y-%m-%d') ELSE '' END,
            'record_kind',
            CASE
                WHEN r.ack_rank > 1 THEN 'repeated_ack'
                WHEN r.to_utc = r.from_utc THEN 'zero_response'
                ELSE 'response'
            END,
            'incident_id', r.incident_id,
            'responder', r.responder,
            'started_at', strftime(r.from_utc, '%Y-%m-%d %H:%M:%S'),
            'seconds', CAST(epoch(r.to_utc) - epoch(r.from_utc) AS BIGINT),
            'action_id', NULLIF(regexp_extract(r.linked_text, $action_pattern, 1), ''),
            'task_id', NULLIF(regexp_extract(r.linked_text, $task_pattern, 1), ''),
            'agent_id', NULLIF(regexp_extract(r.linked_text, $agent_pattern, 1), ''),
            'team_id', NULLIF(regexp_extract(r.linked_text, $team_pattern, 1), '')
        ) AS VARCHAR)
    FROM response_days AS r
    UNION ALL
    SELECT
        t.line,
        t.position,
        CAST(json_object('id', json_extract_string(t.doc, '$.id'), 'record_kind', 'other',
            'type', t.object_type) AS VARCHAR)
    FROM typed AS t
    WHERE COALESCE(t.object_type, '') <> 'incident' AND NOT t.is_response
)

SELECT line, position, doc
FROM records
