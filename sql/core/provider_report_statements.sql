-- One row per bucket of a provider's report (cost or usage) in one file, and whether that file's
-- statement of the bucket is current. Source: staging.provider_costs and staging.provider_usage.
-- A report is fetched again and again (a script that asks each day for the last seven days, say),
-- and a provider revises its figures until they settle: every fetch restates the time its buckets
-- cover. Files are ranked by how far their buckets reach (a later fetch of a rolling window
-- reaches further), then by path (name fetches by their time); the rule reads only the files, so
-- daily runs and a backfill choose alike. A file's bucket is restated when a later-ranked file of
-- the same report and provider holds a bucket overlapping its time, for the same project
-- (OpenAI's project_id, Anthropic's workspace_id) or for the whole organisation: so a day fetched
-- again counts once, a day fetched in hourly pages (one file a page) keeps every hour, and an
-- hourly and a daily fetch of the same day never both count. An organisation-wide bucket covers
-- the projects whatever the files' order; fetches per project stand side by side. A bucket with no
-- end is a day. restated_by_file is the latest file that restates it. The one rule of SPEC 9 for
-- the providers' reports, read by core.provider_cost_results and core.provider_usage_results.
-- @time_column day
-- @window records_from
-- @summary_by statement
WITH stated AS (
    SELECT 'cost report' AS report, provider, starts_at, ends_at, project_id, source_file
    FROM staging.provider_costs
    UNION ALL
    SELECT 'usage report', provider, starts_at, ends_at, project_id, source_file
    FROM staging.provider_usage
),

-- how far each file's buckets reach (over all its rows, not only the window's), and its rank
files AS (
    SELECT
        source_file,
        ROW_NUMBER() OVER (ORDER BY MAX(starts_at), source_file) AS file_rank
    FROM stated
    GROUP BY source_file
),

buckets AS (
    SELECT DISTINCT
        s.report,
        s.provider,
        s.starts_at,
        COALESCE(s.ends_at, s.starts_at + INTERVAL 1 DAY) AS ends_at,
        s.project_id,
        s.source_file,
        f.file_rank
    FROM stated AS s
    INNER JOIN files AS f ON f.source_file = s.source_file
    WHERE s.starts_at >= CAST($recompute_from AS TIMESTAMP)
),

-- the later files whose buckets overlap a bucket's time, for its project or the organisation
restating AS (
    SELECT
        b.report,
        b.provider,
        b.starts_at,
        b.ends_at,
        b.project_id,
        b.source_file,
        MAX(l.file_rank) AS restating_rank
    FROM buckets AS b
    INNER JOIN buckets AS l
        ON l.report = b.report
        AND l.provider = b.provider
        AND l.starts_at < b.ends_at
        AND l.ends_at > b.starts_at
        AND (
            (l.file_rank > b.file_rank AND l.project_id IS NOT DISTINCT FROM b.project_id)
            OR (b.project_id IS NOT NULL AND l.project_id IS NULL)
        )
    GROUP BY b.report, b.provider, b.starts_at, b.ends_at, b.project_id, b.source_file
)

SELECT
    b.report,
    b.provider,
    CAST(b.starts_at AS DATE) AS day,
    b.starts_at,
    b.ends_at,
    b.project_id,
    b.source_file,
    CASE WHEN r.restating_rank IS NULL THEN 'current' ELSE 'restated' END AS statement,
    f.source_file AS restated_by_file
FROM buckets AS b
LEFT JOIN restating AS r
    ON r.report = b.report
    AND r.provider = b.provider
    AND r.starts_at = b.starts_at
    AND r.ends_at = b.ends_at
    AND r.project_id IS NOT DISTINCT FROM b.project_id
    AND r.source_file = b.source_file
LEFT JOIN files AS f ON f.file_rank = r.restating_rank
