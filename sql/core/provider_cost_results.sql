-- One row per result of an LLM provider's cost report (staging.provider_costs), and whether it is
-- the provider's current statement of its bucket. A fetch restates the time its buckets cover;
-- which file's statement is current is core.provider_report_statements' rule, shared with the
-- usage reports. Restated results name the file that restated them and are neither reconciled nor
-- booked (SPEC 9, 10): a bucket is counted once.
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
        line_item,
        amount_usd,
        source_file,
        source_line
    FROM staging.provider_costs
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
    r.line_item,
    r.amount_usd,
    s.statement,
    s.restated_by_file,
    r.source_file,
    r.source_line
FROM results AS r
INNER JOIN core.provider_report_statements AS s
    ON s.report = 'cost report'
    AND s.provider = r.provider
    AND s.starts_at = r.starts_at
    AND s.ends_at = COALESCE(r.ends_at, r.starts_at + INTERVAL 1 DAY)
    AND s.project_id IS NOT DISTINCT FROM r.project_id
    AND s.source_file = r.source_file
