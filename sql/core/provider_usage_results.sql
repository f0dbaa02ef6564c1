-- One row per result of an LLM provider's usage report (staging.provider_usage), and whether it
-- is the provider's current statement of its bucket: the tokens and requests the provider
-- counted. A fetch restates the time its buckets cover; which file's statement is current is
-- core.provider_report_statements' rule, shared with the cost reports. Restated results name
-- the file that restated them and are not counted (SPEC 9). core.llm_bill_reconciliation sets
-- the current ones beside the tokens of the request logs.
-- @time_column day
-- @window records_from
-- @summary_by statement
WITH results AS (
    SELECT
        dedup_key,
        provider,
        starts_at,
        ends_at,
        CAST(starts_at AS DATE) AS day,
        project_id,
        model,
        input_tokens,
        cached_input_tokens,
        cache_write_input_tokens,
        output_tokens,
        requests,
        source_file,
        source_line
    FROM staging.provider_usage
    WHERE starts_at >= CAST($recompute_from AS TIMESTAMP)
)

SELECT
    r.dedup_key,
    r.provider,
    r.starts_at,
    r.ends_at,
    r.day,
    r.project_id,
    r.model,
    r.input_tokens,
    r.cached_input_tokens,
    r.cache_write_input_tokens,
    r.output_tokens,
    r.requests,
    s.statement,
    s.restated_by_file,
    r.source_file,
    r.source_line
FROM results AS r
INNER JOIN core.provider_report_statements AS s
    ON s.report = 'usage report'
    AND s.provider = r.provider
    AND s.starts_at = r.starts_at
    AND s.ends_at = COALESCE(r.ends_at, r.starts_at + INTERVAL 1 DAY)
    AND s.project_id IS NOT DISTINCT FROM r.project_id
    AND s.source_file = r.source_file
