-- One row per span of an agent trace: an OpenTelemetry span (OTLP/JSON) or a Langfuse
-- observation, as a node of the agent-run tree. Source: landing_agent_spans (adapters
-- otel_genai and langfuse of pipeline/adapters/, or the canonical columns). The node's run is
-- the span itself; its parent run is its parent span, else its conversation (OpenTelemetry's
-- gen_ai.conversation.id, Langfuse's session), else its trace, so the spans of a conversation
-- roll up to one root (core.session_roots). span_kind is the exporter's own kind (inference,
-- tool, agent or other for OpenTelemetry; GENERATION, TOOL, AGENT, SPAN, ... for Langfuse).
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.started_at, $date_format) AS started_at_utc,
        read_instant(l.ended_at, $date_format) AS ended_at_utc,
        read_status(l.status) AS status_n
    FROM landing_agent_spans AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.span_id IS NULL THEN 'span_id: missing' END,
            CASE WHEN t.trace_id IS NULL THEN 'trace_id: missing' END,
            CASE
                WHEN t.started_at IS NULL THEN 'started_at: missing'
                ELSE instant_problem(
                    'started_at', t.started_at, t.started_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN t.ended_at IS NOT NULL
                    THEN instant_problem(
                        'ended_at', t.ended_at, t.ended_at_utc, $plausible_from, $plausible_to
                    )
            END,
            CASE
                WHEN t.ended_at_utc < t.started_at_utc THEN 'ended_at: before started_at'
            END,
            CASE
                WHEN t.status_n IS NULL
                    THEN status_problem(t.status)
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.span_id AS dedup_key,
    md5(CONCAT_WS('|', c.span_id, c.trace_id, c.parent_span_id, c.conversation_id, c.span_kind,
        c.span_name, CAST(c.started_at_utc AS VARCHAR), CAST(c.ended_at_utc AS VARCHAR),
        c.status_n, c.action_id, c.task_id, c.agent_id, c.team_id)) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.span_id,
    c.trace_id,
    c.parent_span_id,
    c.conversation_id,
    c.span_kind,
    c.span_name,
    c.started_at_utc AS started_at,
    c.ended_at_utc AS ended_at,
    c.status_n AS status,
    c.action_id,
    c.task_id,
    c.agent_id,
    c.team_id
FROM checked AS c
