-- One row per merged pull request, typed and checked. Source: landing_pull_requests (the GitHub
-- CLI's JSON fields as text: files, author, labels and mergeCommit hold JSON documents). The
-- repository ('owner/name', lower case) is the `repository` field, else read from the pull
-- request's url; change_id is '<repository>#<number>'. files keeps the per-file JSON array
-- ({path, additions, deletions}) for the core layer, which decides which lines count. Line counts,
-- the pull request's and each file's, are whole numbers within the lines limit (value_limit).
WITH typed AS (
    SELECT
        l.*,
        LOWER(COALESCE(
            l.repository,
            NULLIF(regexp_extract(l.url, '^https?://[^/]+/([^/]+/[^/]+)/pull/[0-9]+', 1), '')
        )) AS repository_n,
        TRY_CAST(read_count(l.number) AS INTEGER) AS number_n,
        read_instant(l.mergedAt, $date_format) AS merged_at_utc,
        read_bounded_count(l.additions, 'lines') AS additions_n,
        read_bounded_count(l.deletions, 'lines') AS deletions_n,
        -- what is wrong with the line counts of the files, each file's count checked as the
        -- pull request's are
        CASE
            WHEN json_valid(l.files) AND json_type(l.files) = 'ARRAY'
                THEN list_filter(
                    list_transform(
                        json_extract_string(l.files, '$[*].additions'),
                        lambda v: count_problem('additions', v, 'lines')
                    )
                    || list_transform(
                        json_extract_string(l.files, '$[*].deletions'),
                        lambda v: count_problem('deletions', v, 'lines')
                    ),
                    lambda p: p IS NOT NULL
                )
        END AS file_count_problems,
        CASE
            WHEN json_valid(l.author) AND json_type(l.author) = 'OBJECT'
                THEN json_extract_string(l.author, '$.login')
            ELSE l.author
        END AS author_login,
        CASE
            WHEN json_valid(l.mergeCommit) AND json_type(l.mergeCommit) = 'OBJECT'
                THEN LOWER(json_extract_string(l.mergeCommit, '$.oid'))
            ELSE LOWER(l.mergeCommit)
        END AS merge_commit_sha,
        CASE
            WHEN json_valid(l.labels) AND json_type(l.labels) = 'ARRAY'
                THEN array_to_string(json_extract_string(l.labels, '$[*].name'), ',')
        END AS labels_n
    FROM landing_pull_requests AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE
                WHEN t.repository_n IS NULL AND t.url IS NOT NULL
                    THEN 'url: not a pull request URL (''' || LEFT(t.url, 80) || ''')'
                WHEN t.repository_n IS NULL THEN 'repository: missing (no repository or url)'
            END,
            CASE
                WHEN t.number IS NULL THEN 'number: missing'
                WHEN t.number_n IS NULL OR t.number_n <= 0
                    THEN 'number: not a positive whole number (''' || LEFT(t.number, 40) || ''')'
            END,
            CASE WHEN t.title IS NULL THEN 'title: missing' END,
            CASE
                WHEN t.mergedAt IS NULL THEN 'mergedAt: missing (not merged)'
                ELSE instant_problem(
                    'mergedAt', t.mergedAt, t.merged_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN t.additions IS NULL THEN 'additions: missing'
                ELSE count_problem('additions', t.additions, 'lines')
            END,
            CASE
                WHEN t.deletions IS NULL THEN 'deletions: missing'
                ELSE count_problem('deletions', t.deletions, 'lines')
            END,
            CASE
                WHEN t.files IS NOT NULL
                    AND NOT (json_valid(t.files) AND json_type(t.files) = 'ARRAY')
                    THEN 'files: not a JSON array of {path, additions, deletions}'
                WHEN len(t.file_count_problems) > 0
                    THEN 'files: a file''s ' || t.file_count_problems[1]
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.repository_n || '#' || CAST(c.number_n AS VARCHAR) AS dedup_key,
    md5(CONCAT_WS('|', c.repository_n, CAST(c.number_n AS VARCHAR), c.title, c.body,
        CAST(c.merged_at_utc AS VARCHAR), CAST(c.additions_n AS VARCHAR),
        CAST(c.deletions_n AS VARCHAR), c.files, c.author_login, c.labels_n, c.merge_commit_sha))
        AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.repository_n || '#' || CAST(c.number_n AS VARCHAR) AS change_id,
    c.repository_n AS repository,
    c.number_n AS pull_number,
    c.title,
    c.body,
    c.merged_at_utc AS merged_at,
    c.additions_n AS additions,
    c.deletions_n AS deletions,
    c.files AS files_json,
    c.author_login,
    c.labels_n AS labels,
    c.merge_commit_sha,
    c.url
FROM checked AS c
