-- One row per merged pull request (a change) known by $as_of, with its team, lines, change units
-- and outcome under the change survival window (seed 001, SPEC 1 and 7). Source:
-- staging.pull_requests, staging.repository_teams (repository -> team) and core.change_files.
-- Lines changed are additions + deletions less the lines of excluded files; a change counts
-- change_units(lines, $change_unit_lines) = max(1, ceil(lines / 500)) units, none without lines.
-- A revert is a pull request titled 'Revert "<title>"' (it reverts the latest earlier change of
-- that title in its repository), or whose body says 'Reverts #N' / 'Reverts owner/repo#N' or
-- 'This reverts commit <sha>' (the change merged as that commit). A revert merged within
-- $change_survival_window_days of a change's merge (boundary inclusive) invalidates it. Outcomes:
-- revert (the revert itself: no units), reverted, accepted_confirmed (window elapsed by as_of),
-- accepted_provisional (window still open: left out of the headline).
-- @rebuilt_whole pull requests are few
-- @summary_by outcome
WITH changes AS (
    SELECT
        p.*,
        r.team_id,
        p.merged_at + $change_survival_window_days * INTERVAL 1 DAY AS window_ends_at,
        regexp_extract(p.title, '^Revert "(.*)"$', 1) AS reverted_title,
        regexp_extract_all(
            COALESCE(p.body, ''),
            '(?i)\breverts\s+((?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#[0-9]+)',
            1
        ) AS reverted_refs,
        regexp_extract_all(
            COALESCE(p.body, ''), '(?i)\bthis reverts commit ([0-9a-f]{7,40})', 1
        ) AS reverted_commits
    FROM staging.pull_requests AS p
    LEFT JOIN staging.repository_teams AS r ON r.repository = p.repository
    WHERE p.merged_at <= CAST($as_of AS TIMESTAMP)
),

-- Revert -> reverted change, by each of the three forms.
title_links AS (
    SELECT
        r.change_id AS revert_id,
        t.change_id AS target_id,
        'title' AS revert_form,
        ROW_NUMBER() OVER (
            PARTITION BY r.change_id ORDER BY t.merged_at DESC, t.pull_number DESC
        ) AS pick
    FROM changes AS r
    INNER JOIN changes AS t
        ON t.repository = r.repository
        AND t.title = r.reverted_title
        AND t.merged_at <= r.merged_at
        AND t.change_id <> r.change_id
    WHERE r.reverted_title <> ''
),

-- One row per reference or commit a revert names (unnested before joining: portable SQL).
revert_refs AS (
    SELECT r.change_id, r.repository, x.ref
    FROM changes AS r,
        UNNEST(r.reverted_refs) AS x (ref)
),

revert_commits AS (
    SELECT r.change_id, x.sha
    FROM changes AS r,
        UNNEST(r.reverted_commits) AS x (sha)
),

reference_links AS (
    SELECT
        r.change_id AS revert_id,
        t.change_id AS target_id,
        'pull_request_reference' AS revert_form
    FROM revert_refs AS r
    INNER JOIN changes AS t
        ON t.repository = COALESCE(
            NULLIF(LOWER(regexp_extract(r.ref, '^([^#]*)#', 1)), ''), r.repository
        )
        AND t.pull_number = CAST(regexp_extract(r.ref, '#([0-9]+)$', 1) AS INTEGER)
        AND t.change_id <> r.change_id
),

commit_links AS (
    SELECT
        r.change_id AS revert_id,
        t.change_id AS target_id,
        'commit' AS revert_form
    FROM revert_commits AS r
    INNER JOIN changes AS t
        ON starts_with(t.merge_commit_sha, LOWER(r.sha))
        AND t.change_id <> r.change_id
),

links AS (
    SELECT revert_id, target_id, revert_form FROM title_links WHERE pick = 1
    UNION
    SELECT revert_id, target_id, revert_form FROM reference_links
    UNION
    SELECT revert_id, target_id, revert_form FROM commit_links
),

-- The first revert of each change inside its window (boundary inclusive).
reverts_in_window AS (
    SELECT
        l.target_id,
        r.change_id AS reverted_by,
        r.merged_at AS reverted_at,
        l.revert_form,
        ROW_NUMBER() OVER (
            PARTITION BY l.target_id ORDER BY r.merged_at, r.change_id, l.revert_form
        ) AS pick
    FROM links AS l
    INNER JOIN changes AS r ON r.change_id = l.revert_id
    INNER JOIN changes AS t ON t.change_id = l.target_id
    WHERE r.merged_at >= t.merged_at AND r.merged_at <= t.window_ends_at
),

file_lines AS (
    SELECT
        change_id,
        COUNT(*) AS files_changed,
        SUM(CASE WHEN is_excluded THEN 1 ELSE 0 END) AS files_excluded,
        SUM(CASE WHEN is_excluded THEN lines_changed ELSE 0 END) AS lines_excluded
    FROM core.change_files
    GROUP BY change_id
),

classified AS (
    SELECT
        c.*,
        c.reverted_title <> '' OR array_length(c.reverted_refs) > 0 OR array_length(c.reverted_commits) > 0
            AS is_revert,
        CAST(c.additions + c.deletions - COALESCE(f.lines_excluded, 0) AS BIGINT)
            AS lines_counted,
        CAST(COALESCE(f.lines_excluded, 0) AS BIGINT) AS lines_excluded,
        f.files_changed,
        CAST(COALESCE(f.files_excluded, 0) AS BIGINT) AS files_excluded,
        w.reverted_by,
        w.reverted_at,
        w.revert_form
    FROM changes AS c
    LEFT JOIN file_lines AS f ON f.change_id = c.change_id
    LEFT JOIN reverts_in_window AS w ON w.target_id = c.change_id AND w.pick = 1
)

SELECT
    c.change_id,
    c.repository,
    c.pull_number,
    c.title,
    c.author_login,
    c.team_id,
    c.merged_at,
    CAST(c.merged_at AS DATE) AS merged_date,
    c.window_ends_at,
    c.window_ends_at <= CAST($as_of AS TIMESTAMP) AS window_complete,
    CASE WHEN c.is_revert THEN 'revert' ELSE 'change' END AS change_kind,
    CASE
        WHEN c.is_revert THEN 'revert'
        WHEN c.reverted_by IS NOT NULL THEN 'reverted'
        WHEN c.window_ends_at <= CAST($as_of AS TIMESTAMP) THEN 'accepted_confirmed'
        ELSE 'accepted_provisional'
    END AS outcome,
    c.reverted_by,
    c.reverted_at,
    c.revert_form,
    c.additions + c.deletions AS lines_changed,
    c.lines_excluded,
    c.lines_counted,
    c.files_changed,
    c.files_excluded,
    CAST(
        CASE WHEN c.is_revert THEN 0 ELSE change_units(c.lines_counted, $change_unit_lines) END
        AS BIGINT
    ) AS change_units
FROM classified AS c
