-- One row per file of a provider's report (cost or usage) and provider-day-project it states,
-- and the file whose statement of that provider-day-project is current. Source:
-- staging.provider_costs and staging.provider_usage. A report is fetched again and again (a
-- script that asks each day for the last seven days, say), and a provider revises a day's figures
-- until they settle: every fetch restates the days it holds. A statement is a report (cost or
-- usage), a provider, a UTC day and a project (OpenAI's project_id, Anthropic's workspace_id;
-- none for an organisation-wide report), so fetches per project stand side by side, and a fetch
-- in hourly buckets restates a whole day, never some of its hours. Of the files that state a
-- provider-day-project, the current one is the file whose buckets reach the latest day (a later
-- fetch of a rolling window reaches further), then the later path (name fetches by their time);
-- the rule reads only the files, so daily runs and a backfill choose alike. An
-- organisation-wide statement of a provider's day covers its projects: the per-project
-- statements of that day are restated by it. The one rule of SPEC 9 for the providers' reports,
-- read by core.provider_cost_results and core.provider_usage_results.
-- @time_column day
-- @window records_from
-- @summary_by report
WITH stated AS (
    SELECT 'cost report' AS report, provider, starts_at, project_id, source_file
    FROM staging.provider_costs
    UNION ALL
    SELECT 'usage report', provider, starts_at, project_id, source_file
    FROM staging.provider_usage
),

in_window AS (
    SELECT DISTINCT report, provider, CAST(starts_at AS DATE) AS day, project_id, source_file
    FROM stated
    WHERE starts_at >= CAST($recompute_from AS TIMESTAMP)
),

-- how far each file's buckets reach (over all its rows, not only the window's)
file_reach AS (
    SELECT source_file, MAX(starts_at) AS last_bucket_start
    FROM stated
    WHERE source_file IN (SELECT source_file FROM in_window)
    GROUP BY source_file
),

-- every file that states a provider-day-project, the current first
ranked AS (
    SELECT
        s.report,
        s.provider,
        s.day,
        s.project_id,
        s.source_file,
        ROW_NUMBER() OVER (
            PARTITION BY s.report, s.provider, s.day, s.project_id
            ORDER BY f.last_bucket_start DESC, s.source_file DESC
        ) AS recency
    FROM in_window AS s
    INNER JOIN file_reach AS f ON f.source_file = s.source_file
),

current_statements AS (
    SELECT report, provider, day, project_id, source_file
    FROM ranked
    WHERE recency = 1
)

SELECT
    r.report,
    r.provider,
    r.day,
    r.project_id,
    r.source_file,
    -- an organisation-wide statement of the day covers the projects
    COALESCE(o.source_file, c.source_file) AS current_file
FROM ranked AS r
INNER JOIN current_statements AS c
    ON c.report = r.report
    AND c.provider = r.provider
    AND c.day = r.day
    AND c.project_id IS NOT DISTINCT FROM r.project_id
LEFT JOIN current_statements AS o
    ON r.project_id IS NOT NULL
    AND o.project_id IS NULL
    AND o.report = r.report
    AND o.provider = r.provider
    AND o.day = r.day
