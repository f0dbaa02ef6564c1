-- One row per LLM request (model call) read from request / token logs, typed and checked.
-- Source: landing_llm_requests (canonical columns as text; LiteLLM spend logs arrive here through
-- the declared adapter mapping). Token convention: input_tokens INCLUDES cached_input_tokens
-- (cache reads) and cache_write_input_tokens; output_tokens INCLUDES reasoning_tokens, so no token
-- is priced twice; each token count is within the tokens limit (value_limit). reported_cost_usd
-- is kept as reported (exact decimal, 12 places, within the money limit). work_type
-- (lower case) says what kind of work the request served; development work is decided in core.
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.requested_at, $date_format) AS requested_at_utc,
        read_bounded_count(l.input_tokens, 'tokens') AS input_tokens_n,
        COALESCE(read_bounded_count(l.cached_input_tokens, 'tokens'), 0) AS cached_input_tokens_n,
        COALESCE(read_bounded_count(l.cache_write_input_tokens, 'tokens'), 0)
            AS cache_write_input_tokens_n,
        read_bounded_count(l.output_tokens, 'tokens') AS output_tokens_n,
        COALESCE(read_bounded_count(l.reasoning_tokens, 'tokens'), 0) AS reasoning_tokens_n,
        read_amount(l.reported_cost_usd, 'money') AS reported_cost_usd_n,
        read_status(l.status) AS status_n
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
                WHEN count_problem('input_tokens', t.input_tokens, 'tokens') IS NOT NULL
                    THEN count_problem('input_tokens', t.input_tokens, 'tokens')
                WHEN t.cached_input_tokens_n + t.cache_write_input_tokens_n > t.input_tokens_n
                    THEN 'input_tokens: smaller than cached + cache-write tokens it includes'
            END,
            count_problem('cached_input_tokens', t.cached_input_tokens, 'tokens'),
            count_problem('cache_write_input_tokens', t.cache_write_input_tokens, 'tokens'),
            CASE
                WHEN t.output_tokens IS NULL THEN 'output_tokens: missing'
                WHEN count_problem('output_tokens', t.output_tokens, 'tokens') IS NOT NULL
                    THEN count_problem('output_tokens', t.output_tokens, 'tokens')
                WHEN t.reasoning_tokens_n > t.output_tokens_n
                    THEN 'output_tokens: smaller than the reasoning tokens it includes'
            END,
            count_problem('reasoning_tokens', t.reasoning_tokens, 'tokens'),
            COALESCE(
                amount_problem('reported_cost_usd', t.reported_cost_usd, 'money'),
                CASE WHEN t.reported_cost_usd_n < 0 THEN 'reported_cost_usd: negative' END
            ),
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
