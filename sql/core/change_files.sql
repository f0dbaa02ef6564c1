-- One row per file a merged pull request touched: its lines added and deleted, and whether they
-- count as lines changed. Source: staging.pull_requests (files: the GitHub CLI's per-file JSON
-- array of path, additions, deletions). A file whose path matches one of the declared patterns
-- (MetricSettings.excluded_path_patterns, .gitignore syntax, given here as $excluded_path_regexes)
-- is excluded: lock files, vendored and generated code are not work; excluded_by names the first
-- pattern it matched.
-- @rebuilt_whole pull requests are few
-- @summary_by is_excluded
WITH files AS (
    SELECT
        p.change_id,
        p.repository,
        p.pull_number,
        json_extract_string(f.file, '$.path') AS path,
        COALESCE(TRY_CAST(json_extract_string(f.file, '$.additions') AS BIGINT), 0) AS additions,
        COALESCE(TRY_CAST(json_extract_string(f.file, '$.deletions') AS BIGINT), 0) AS deletions
    FROM staging.pull_requests AS p,
        UNNEST(json_array_elements(p.files_json)) AS f (file)
),

patterns AS (
    SELECT
        i AS pattern_rank,
        CAST($excluded_path_patterns AS VARCHAR[])[i] AS pattern,
        CAST($excluded_path_regexes AS VARCHAR[])[i] AS regex
    FROM (
        SELECT UNNEST(generate_series(1, array_length(CAST($excluded_path_regexes AS VARCHAR[]))))
            AS i
    ) AS t
),

first_match AS (
    SELECT f.change_id, f.path, MIN(p.pattern_rank) AS pattern_rank
    FROM files AS f
    INNER JOIN patterns AS p ON regexp_matches(f.path, p.regex)
    GROUP BY f.change_id, f.path
)

SELECT
    f.change_id,
    f.repository,
    f.pull_number,
    f.path,
    f.additions,
    f.deletions,
    f.additions + f.deletions AS lines_changed,
    m.change_id IS NOT NULL AS is_excluded,
    p.pattern AS excluded_by
FROM files AS f
LEFT JOIN first_match AS m ON m.change_id = f.change_id AND m.path = f.path
LEFT JOIN patterns AS p ON p.pattern_rank = m.pattern_rank
