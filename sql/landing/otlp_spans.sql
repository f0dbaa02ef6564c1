-- One row per span of an OpenTelemetry trace export in OTLP/JSON (temp table _record_docs), as the
-- Collector's file exporter writes it: one TracesData object per line, spans nested in
-- resourceSpans[].scopeSpans[].spans[]. Source: _numbered (one row per line of the file).
-- Each span becomes one flat record: trace_id, span_id, parent_span_id (hex, lower case),
-- name, start and end times (Unix nanoseconds), status ('error' for status code 2, else
-- 'success'), its attributes and its resource's attributes as two JSON objects, record_kind
-- and its line. record_kind is 'inference' for gen_ai.operation.name chat, text_completion,
-- generate_content or embeddings, or a span with gen_ai token usage and no operation name
-- (older conventions), but 'failed_inference' for one that ended in error with no token usage
-- reported (a call that failed before any output: a node of the tree, not a request);
-- 'tool' for execute_tool; 'agent' for invoke_agent and create_agent;
-- 'other' otherwise. position orders a line's spans (resource, scope, span); a line with no span
-- gives none. sql/landing/records_numbered.sql numbers them.
CREATE OR REPLACE TEMP TABLE _record_docs AS
WITH resource_spans AS (
    SELECT n.source_line AS line, r.id AS resource_position, r.value AS resource_spans
    FROM _numbered AS n, json_each(n.doc, '$.resourceSpans') AS r
    WHERE n.doc IS NOT NULL
),

scope_spans AS (
    SELECT
        r.line,
        r.resource_position,
        s.id AS scope_position,
        otlp_attributes(json_extract(r.resource_spans, '$.resource.attributes')) AS resource,
        s.value AS scope_spans
    FROM resource_spans AS r, json_each(r.resource_spans, '$.scopeSpans') AS s
),

spans AS (
    SELECT
        s.line,
        s.resource_position,
        s.scope_position,
        p.id AS span_position,
        s.resource,
        p.value AS span,
        otlp_attributes(json_extract(p.value, '$.attributes')) AS attributes
    FROM scope_spans AS s, json_each(s.scope_spans, '$.spans') AS p
),

-- what a span's kind is read from: its operation, its status, the token usage it reports
span_facts AS (
    SELECT
        s.*,
        json_extract_string(s.attributes, '$."gen_ai.operation.name"') AS operation,
        json_extract_string(s.span, '$.status.code') IN ('2', 'STATUS_CODE_ERROR') AS is_error,
        COALESCE(
            json_extract_string(s.attributes, '$."gen_ai.usage.input_tokens"'),
            json_extract_string(s.attributes, '$."gen_ai.usage.prompt_tokens"')
        ) IS NOT NULL AS reports_input,
        COALESCE(
            json_extract_string(s.attributes, '$."gen_ai.usage.output_tokens"'),
            json_extract_string(s.attributes, '$."gen_ai.usage.completion_tokens"')
        ) IS NOT NULL AS reports_output
    FROM spans AS s
),

classified AS (
    SELECT
        f.*,
        CASE
            WHEN f.operation IN ('chat', 'text_completion', 'generate_content', 'embeddings')
                AND f.is_error AND NOT f.reports_input AND NOT f.reports_output
                THEN 'failed_inference'
            WHEN f.operation IN ('chat', 'text_completion', 'generate_content', 'embeddings')
                THEN 'inference'
            WHEN f.operation = 'execute_tool' THEN 'tool'
            WHEN f.operation IN ('invoke_agent', 'create_agent') THEN 'agent'
            WHEN f.operation IS NULL AND f.reports_input THEN 'inference'
            ELSE 'other'
        END AS record_kind
    FROM span_facts AS f
),

records AS (
    SELECT
        c.line,
        ROW_NUMBER() OVER (
            PARTITION BY c.line ORDER BY c.resource_position, c.scope_position, c.span_position
        ) AS position,
        CAST(json_object(
            'trace_id', LOWER(json_extract_string(c.span, '$.traceId')),
            'span_id', LOWER(json_extract_string(c.span, '$.spanId')),
            'parent_span_id', NULLIF(LOWER(json_extract_string(c.span, '$.parentSpanId')), ''),
            'name', json_extract_string(c.span, '$.name'),
            'start_time_unix_nano', json_extract_string(c.span, '$.startTimeUnixNano'),
            'end_time_unix_nano', json_extract_string(c.span, '$.endTimeUnixNano'),
            'status', CASE WHEN c.is_error THEN 'error' ELSE 'success' END,
            'status_message', json_extract_string(c.span, '$.status.message'),
            'record_kind', c.record_kind,
            'attributes', c.attributes,
            'resource', c.resource,
            'line', c.line
        ) AS VARCHAR) AS doc
    FROM classified AS c
)

SELECT line, position, doc
FROM records
