-- One row per usage result of an LLM provider's usage report: the tokens and requests the
-- provider counted for one bucket (a UTC day, hour or minute) and, where the report says, one
-- model and project. Source: landing_provider_usage (OpenAI organization usage pages for
-- completions, Anthropic usage report pages for messages, or canonical CSV). Token convention,
-- as the request logs': input_tokens includes cached_input_tokens (cache reads) and
-- cache_write_input_tokens; a report that writes uncached input apart (Anthropic's) gives
-- input_tokens as its sum with the cache buckets. provider is in lower case, as the request logs
-- name it. A report has no row ids: a row is its file, its content and its occurrence among
-- identical rows of that file. A page fetched again in another file restates the days it holds
-- (core.provider_usage_results keeps the latest statement of each), so it counts once.
WITH typed AS (
    SELECT
        l.*,
        LOWER(TRIM(l.provider)) AS provider_n,
        read_bounded_count(l.input_tokens, 'usage_counts') AS input_tokens_n,
        read_bounded_count(l.uncached_input_tokens, 'usage_counts') AS uncached_input_tokens_n,
        COALESCE(read_bounded_count(l.cached_input_tokens, 'usage_counts'), 0)
            AS cached_input_tokens_n,
        COALESCE(read_bounded_count(l.cache_write_input_tokens, 'usage_counts'), 0)
            AS cache_write_input_tokens_n,
        read_bounded_count(l.output_tokens, 'usage_counts') AS output_tokens_n,
        read_bounded_count(l.requests, 'usage_counts') AS requests_n,
        read_instant(l.starts_at, $date_format) AS starts_at_utc,
        read_instant(l.ends_at, $date_format) AS ends_at_utc
    FROM landing_provider_usage AS l
),

counted AS (
    SELECT
        *,
        COALESCE(
            input_tokens_n,
            uncached_input_tokens_n + cached_input_tokens_n + cache_write_input_tokens_n
        ) AS all_input_tokens_n
    FROM typed
),

checked AS (
    SELECT
        c.*,
        COALESCE(c.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN c.provider_n IS NULL OR c.provider_n = '' THEN 'provider: missing' END,
            CASE
                WHEN c.input_tokens IS NULL AND c.uncached_input_tokens IS NULL
                    THEN 'input_tokens: missing (or uncached_input_tokens)'
            END,
            count_problem('input_tokens', c.input_tokens, 'usage_counts'),
            count_problem('uncached_input_tokens', c.uncached_input_tokens, 'usage_counts'),
            count_problem('cached_input_tokens', c.cached_input_tokens, 'usage_counts'),
            count_problem('cache_write_input_tokens', c.cache_write_input_tokens, 'usage_counts'),
            CASE
                WHEN c.input_tokens_n IS NOT NULL
                    AND c.cached_input_tokens_n + c.cache_write_input_tokens_n > c.input_tokens_n
                    THEN 'input_tokens: smaller than cached + cache-write tokens it includes'
            END,
            CASE
                WHEN c.output_tokens IS NULL THEN 'output_tokens: missing'
                ELSE count_problem('output_tokens', c.output_tokens, 'usage_counts')
            END,
            count_problem('requests', c.requests, 'usage_counts'),
            CASE
                WHEN c.starts_at IS NULL THEN 'starts_at: missing'
                ELSE instant_problem(
                    'starts_at', c.starts_at, c.starts_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN c.ends_at IS NOT NULL THEN instant_problem(
                    'ends_at', c.ends_at, c.ends_at_utc, $plausible_from, $plausible_to
                )
            END
        ), '')) AS reject_reason,
        md5(CONCAT_WS('|', c.provider_n, CAST(c.starts_at_utc AS VARCHAR),
            CAST(c.ends_at_utc AS VARCHAR), c.model, c.project_id,
            CAST(c.all_input_tokens_n AS VARCHAR), CAST(c.cached_input_tokens_n AS VARCHAR),
            CAST(c.cache_write_input_tokens_n AS VARCHAR), CAST(c.output_tokens_n AS VARCHAR),
            CAST(c.requests_n AS VARCHAR))) AS row_hash
    FROM counted AS c
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    -- the file, the result and its occurrence among identical results of the file
    md5(c.source_file) || '-' || c.row_hash || '-' || CAST(ROW_NUMBER() OVER (
        PARTITION BY c.source_file, c.row_hash ORDER BY c.source_line
    ) AS VARCHAR) AS dedup_key,
    c.row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.provider_n AS provider,
    c.starts_at_utc AS starts_at,
    c.ends_at_utc AS ends_at,
    c.model,
    c.project_id,
    c.all_input_tokens_n AS input_tokens,
    c.cached_input_tokens_n AS cached_input_tokens,
    c.cache_write_input_tokens_n AS cache_write_input_tokens,
    c.output_tokens_n AS output_tokens,
    c.requests_n AS requests
FROM checked AS c
