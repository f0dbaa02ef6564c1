-- One row per usage result of an LLM provider's usage report page, as its API returns it, in the
-- canonical provider_usage columns (all text). Source: provider_report_results (the page's
-- results with their bucket's period): OpenAI's GET /v1/organization/usage/completions page
-- (input_tokens, which includes input_cached_tokens and input_cache_write_tokens;
-- output_tokens; num_model_requests; model and project_id when grouped by them) or Anthropic's
-- usage report for messages (uncached_input_tokens, cache_read_input_tokens, cache_creation's
-- 5-minute and 1-hour tokens, output_tokens; model, workspace_id). The provider is known by the
-- bucket's fields.
-- source_line is the result's position in the page. A page of another report is one rejected
-- row that says what it is: a cost result (an amount, no tokens) or a bucket with no results
-- (Anthropic's Claude Code analytics report, a row per user and day).
-- Anthropic writes cache writes as two counts (5-minute and 1-hour caches), or as one in older
-- reports: their sum, when each is a whole count; else the text as written, for staging to reject
WITH cache_writes AS (
    SELECT
        *,
        json_extract_string(result, '$.cache_creation.ephemeral_5m_input_tokens') AS five_minute,
        json_extract_string(result, '$.cache_creation.ephemeral_1h_input_tokens') AS one_hour
    FROM provider_report_results
)

SELECT
    $source_file AS source_file,
    source_line,
    CAST(COALESCE(result, bucket) AS VARCHAR) AS raw_row,
    CASE
        WHEN result IS NULL
            THEN 'not a usage report bucket: it has no results (Anthropic''s Claude Code '
            || 'analytics report is not read here)'
        WHEN json_exists(result, '$.amount') AND NOT json_exists(result, '$.output_tokens')
            THEN 'a cost report result (an amount, no tokens): save cost report pages under '
            || 'provider_costs/'
    END AS landing_error,
    CASE WHEN is_openai THEN 'openai' ELSE 'anthropic' END AS provider,
    starts_at,
    ends_at,
    json_extract_string(result, '$.model') AS model,
    COALESCE(
        json_extract_string(result, '$.project_id'), json_extract_string(result, '$.workspace_id')
    ) AS project_id,
    CASE WHEN is_openai THEN json_extract_string(result, '$.input_tokens') END AS input_tokens,
    CASE
        WHEN NOT is_openai THEN json_extract_string(result, '$.uncached_input_tokens')
    END AS uncached_input_tokens,
    CASE
        WHEN is_openai THEN json_extract_string(result, '$.input_cached_tokens')
        ELSE json_extract_string(result, '$.cache_read_input_tokens')
    END AS cached_input_tokens,
    CASE
        WHEN is_openai THEN json_extract_string(result, '$.input_cache_write_tokens')
        WHEN five_minute IS NULL AND one_hour IS NULL
            THEN json_extract_string(result, '$.cache_creation_input_tokens')
        WHEN (five_minute IS NULL OR TRY_CAST(five_minute AS BIGINT) IS NOT NULL)
            AND (one_hour IS NULL OR TRY_CAST(one_hour AS BIGINT) IS NOT NULL)
            THEN CAST(
                COALESCE(TRY_CAST(five_minute AS BIGINT), 0)
                + COALESCE(TRY_CAST(one_hour AS BIGINT), 0) AS VARCHAR
            )
        ELSE CONCAT_WS(' + ', five_minute, one_hour)
    END AS cache_write_input_tokens,
    json_extract_string(result, '$.output_tokens') AS output_tokens,
    json_extract_string(result, '$.num_model_requests') AS requests
FROM cache_writes
