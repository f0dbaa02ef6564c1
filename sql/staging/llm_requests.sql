-- One row per LLM request (model call) read from request / token logs, typed and checked.
-- Source: landing_llm_requests (canonical columns as text; LiteLLM spend logs arrive here through
-- the declared adapter mapping). Token convention: input_tokens INCLUDES cached_input_tokens
-- (cache reads) and cache_write_input_tokens; output_tokens INCLUDES reasoning_tokens, so no token
-- is priced twice. reported_cost_usd is kept as reported (exact decimal, 12 places). work_type
-- (lower case) says what kind of work the request served; development work is decided in core.
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.requested_at, $date_format) AS requested_at_utc,
        read_count(l.input_tokens) AS input_tokens_n,
        COALESCE(read_count(l.cached_input_tokens), 0) AS cached_input_tokens_n,
        COALESCE(read_count(l.cache_write_input_tokens), 0) AS cache_write_input_tokens_n,
        read_count(l.output_tokens) AS output_tokens_n,
        COALESCE(read_count(l.reasoning_tokens), 0) AS reasoning_tokens_n,
        TRY_CAST(l.reported_cost_usd AS DECIMAL(38, 12)) AS reported_cost_usd_n,
        CASE
            WHEN l.status IS NULL THEN 'success'
            WHEN LOWER(l.status) IN ('success', 'ok') THEN 'success'
            WHEN LOWER(l.status) IN ('error', 'failure', 'failed') THEN 'error'
        END AS status_n
    FROM landing_llm_requests AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.request_id IS NULL THEN 'request_id: missing' END,
            CASE
                WHEN t.requested_at IS NULL THEN 'requested_at: missing'
                ELSE instant_problem(
                    'requested_at', t.requested_at, t.requested_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE WHEN t.model IS NULL THEN 'model: missing' END,
            CASE
                WHEN t.input_tokens IS NULL THEN 'input_tokens: missing'
                WHEN t.input_tokens_n IS NULL OR t.input_tokens_n < 0
                    THEN 'input_tokens: not a non-negative whole number ('''
                        || LEFT(t.input_tokens, 40) || ''')'
                WHEN t.cached_input_tokens_n + t.cache_write_input_tokens_n > t.input_tokens_n
                    THEN 'input_tokens: smaller than cached + cache-write tokens it includes'
            END,
            CASE
                WHEN t.cached_input_tokens IS NOT NULL
                    AND (read_count(t.cached_input_tokens) IS NULL
                        OR t.cached_input_tokens_n < 0)
                    THEN 'cached_input_tokens: not a non-negative whole number ('''
                        || LEFT(t.cached_input_tokens, 40) || ''')'
            END,
            CASE
                WHEN t.cache_write_input_tokens IS NOT NULL
                    AND (read_count(t.cache_write_input_tokens) IS NULL
                        OR t.cache_write_input_tokens_n < 0)
                    THEN 'cache_write_input_tokens: not a non-negative whole number ('''
                        || LEFT(t.cache_write_input_tokens, 40) || ''')'
            END,
            CASE
                WHEN t.output_tokens IS NULL THEN 'output_tokens: missing'
                WHEN t.output_tokens_n IS NULL OR t.output_tokens_n < 0
                    THEN 'output_tokens: not a non-negative whole number ('''
                        || LEFT(t.output_tokens, 40) || ''')'
                WHEN t.reasoning_tokens_n > t.output_tokens_n
                    THEN 'output_tokens: smaller than the reasoning tokens it includes'
            END,
            CASE
                WHEN t.reasoning_tokens IS NOT NULL
                    AND (read_count(t.reasoning_tokens) IS NULL
                        OR t.reasoning_tokens_n < 0)
                    THEN 'reasoning_tokens: not a non-negative whole number ('''
                        || LEFT(t.reasoning_tokens, 40) || ''')'
            END,
            CASE
                WHEN t.reported_cost_usd IS NOT NULL AND t.reported_cost_usd_n IS NULL
                    THEN 'reported_cost_usd: not a decimal number ('''
                        || LEFT(t.reported_cost_usd, 40) || ''')'
                WHEN t.reported_cost_usd_n < 0 THEN 'reported_cost_usd: negative'
            END,
            CASE
                WHEN t.status_n IS NULL
                    THEN 'status: not success or error (''' || LEFT(t.status, 40) || ''')'
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.request_id AS dedup_key,
    md5(CONCAT_WS('|', c.request_id, CAST(c.requested_at_utc AS VARCHAR), c.model, c.provider,
        CAST(c.input_tokens_n AS VARCHAR), CAST(c.cached_input_tokens_n AS VARCHAR),
        CAST(c.cache_write_input_tokens_n AS VARCHAR), CAST(c.output_tokens_n AS VARCHAR),
        CAST(c.reasoning_tokens_n AS VARCHAR), CAST(c.reported_cost_usd_n AS VARCHAR), c.status_n,
        c.action_id, c.task_id, c.session_id, c.parent_session_id, c.agent_id, c.team_id,
        LOWER(c.work_type)))
        AS row_hash,
    c.reported_cost_usd_n AS conserved_amount,
    c.request_id,
    c.requested_at_utc AS requested_at,
    c.model,
    LOWER(c.provider) AS provider,
    c.input_tokens_n AS input_tokens,
    c.cached_input_tokens_n AS cached_input_tokens,
    c.cache_write_input_tokens_n AS cache_write_input_tokens,
    c.output_tokens_n AS output_tokens,
    c.reasoning_tokens_n AS reasoning_tokens,
    c.reported_cost_usd_n AS reported_cost_usd,
    c.status_n AS status,
    c.action_id,
    c.task_id,
    c.session_id,
    c.parent_session_id,
    c.agent_id,
    c.team_id,
    LOWER(c.work_type) AS work_type
FROM checked AS c
