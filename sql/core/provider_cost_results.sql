-- One row per result of an LLM provider's cost report (staging.provider_costs), and whether it is
-- the provider's current statement of its bucket. A cost report is fetched again and again (a
-- script that asks each day for the last seven days, say), and a provider revises a bucket's
-- amounts until they settle: every fetch restates the buckets it holds. A bucket is a provider, a
-- [starts_at, ends_at) period and a project (OpenAI's project_id, Anthropic's workspace_id; none
-- for an organisation-wide report), so fetches per project stand side by side. Of the files that
-- hold a bucket, the one loaded last (the later path among files loaded together) is current;
-- the bucket's results in the other files are 'restated', with the file that restated them, and
-- are neither reconciled nor booked (SPEC 9, 10): a bucket is counted once, at its latest amount.
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
        source_line,
        loaded_at
    FROM staging.provider_costs
    WHERE starts_at >= CAST($recompute_from AS TIMESTAMP)
),

-- every file that states a bucket, the latest first
statements AS (
    SELECT
        provider,
        starts_at,
        ends_at,
        project_id,
        source_file,
        ROW_NUMBER() OVER (
            PARTITION BY provider, starts_at, ends_at, project_id
            ORDER BY MAX(loaded_at) DESC, source_file DESC
        ) AS recency
    FROM results
    GROUP BY provider, starts_at, ends_at, project_id, source_file
),

current_statements AS (
    SELECT provider, starts_at, ends_at, project_id, source_file
    FROM statements
    WHERE recency = 1
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
    CASE WHEN r.source_file = c.source_file THEN 'current' ELSE 'restated' END AS statement,
    CASE WHEN r.source_file <> c.source_file THEN c.source_file END AS restated_by_file,
    r.source_file,
    r.source_line
FROM results AS r
INNER JOIN current_statements AS c
    ON c.provider = r.provider
    AND c.starts_at = r.starts_at
    AND c.ends_at IS NOT DISTINCT FROM r.ends_at
    AND c.project_id IS NOT DISTINCT FROM r.project_id
