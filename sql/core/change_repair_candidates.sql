-- One row per change and a later follow-up that may have repaired it: a pull request whose title
-- says fix / hotfix / patch (a word of it), merged in the same repository after the change and
-- within its survival window (boundary inclusive), touching at least one of the same counted
-- files. Source: core.change_outcomes and core.change_files (excluded files do not count).
-- Candidates are listed for a person to judge; they never invalidate a change by themselves.
-- @rebuilt_whole pull requests are few
-- @summary_by repository
WITH changes AS (
    SELECT * FROM core.change_outcomes WHERE change_kind = 'change'
),

follow_ups AS (
    SELECT *
    FROM changes
    WHERE regexp_matches(
        title, '(?i)\b(fix|fixes|fixed|fixing|bugfix|hotfix|hotfixes|patch|patches|patched)\b'
    )
),

counted_files AS (
    SELECT change_id, path FROM core.change_files WHERE NOT is_excluded
)

SELECT
    c.change_id,
    c.repository,
    c.team_id,
    c.merged_at,
    c.title,
    c.outcome,
    f.change_id AS follow_up_change_id,
    f.title AS follow_up_title,
    f.merged_at AS follow_up_merged_at,
    date_diff('hour', c.merged_at, f.merged_at) AS hours_after_merge,
    COUNT(*) AS shared_files,
    string_agg(cf.path, ', ' ORDER BY cf.path) AS shared_paths
FROM changes AS c
INNER JOIN follow_ups AS f
    ON f.repository = c.repository
    AND f.merged_at > c.merged_at
    AND f.merged_at <= c.window_ends_at
INNER JOIN counted_files AS cf ON cf.change_id = c.change_id
INNER JOIN counted_files AS ff ON ff.change_id = f.change_id AND ff.path = cf.path
GROUP BY c.change_id, c.repository, c.team_id, c.merged_at, c.title, c.outcome, f.change_id,
    f.title, f.merged_at
