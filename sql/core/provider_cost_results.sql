-- One row per result of an LLM provider's cost report (staging.provider_costs), and whether it is
-- the provider's current statement of its bucket. A cost report is fetched again and again (a
-- script that asks each day for the last seven days, say), and a provider revises a bucket's
-- amounts until they settle: every fetch restates the buckets it holds. A bucket is a provider,
-- the start of its period (a UTC day) and a project (OpenAI's project_id, Anthropic's
-- workspace_id; none for an organisation-wide report), so fetches per project stand side by
-- side. Of the files that hold a bucket, the current one is the file whose buckets reach the
-- latest day (a later fetch of a rolling window reaches further), then the later path (name
-- fetches by their time); the rule reads only the files, so daily runs and a backfill choose
-- alike. An organisation-wide statement of a provider's day covers its projects: per-project
-- results of that day are then restated by it. Restated results name the file that restated
-- them and are neither reconciled nor booked (SPEC 9, 10): a bucket is counted once.
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
),

-- how far each file's buckets reach (over all its rows, not only the window's)
file_reach AS (
    SELECT source_file, MAX(starts_at) AS last_bucket_start
    FROM staging.provider_costs
    WHERE source_file IN (SELECT source_file FROM results)
    GROUP BY source_file
),

-- every file that states a bucket, the current first
statements AS (
    SELECT
        r.provider,
        r.starts_at,
        r.project_id,
        r.source_file,
        ROW_NUMBER() OVER (
            PARTITION BY r.provider, r.starts_at, r.project_id
            ORDER BY f.last_bucket_start DESC, r.source_file DESC
        ) AS recency
    FROM (SELECT DISTINCT provider, starts_at, project_id, source_file FROM results) AS r
    INNER JOIN file_reach AS f ON f.source_file = r.source_file
),

current_statements AS (
    SELECT provider, starts_at, project_id, source_file
    FROM statements
    WHERE recency = 1
),

-- the file of each bucket's current statement: an organisation-wide one covers the projects
stated_by AS (
    SELECT
        r.dedup_key,
        COALESCE(o.source_file, c.source_file) AS current_file
    FROM results AS r
    INNER JOIN current_statements AS c
        ON c.provider = r.provider
        AND c.starts_at = r.starts_at
        AND c.project_id IS NOT DISTINCT FROM r.project_id
    LEFT JOIN current_statements AS o
        ON r.project_id IS NOT NULL
        AND o.project_id IS NULL
        AND o.provider = r.provider
        AND o.starts_at = r.starts_at
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
    CASE WHEN r.source_file = s.current_file THEN 'current' ELSE 'restated' END AS statement,
    CASE WHEN r.source_file <> s.current_file THEN s.current_file END AS restated_by_file,
    r.source_file,
    r.source_line
FROM results AS r
INNER JOIN stated_by AS s ON s.dedup_key = r.dedup_key
