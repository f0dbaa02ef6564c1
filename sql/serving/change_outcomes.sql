-- One row per merged pull request (a change), with the month it was merged, its team, lines, change
-- units and outcome under the change survival window. Source: core.change_outcomes. Answers "which
-- changes were reverted".
-- @partition_by month
-- @republish whole
CREATE OR REPLACE VIEW serving.change_outcomes AS
SELECT
    CAST(date_trunc('month', merged_date) AS DATE) AS month,
    change_id,
    repository,
    pull_number,
    title,
    author_login,
    COALESCE(team_id, 'unallocated') AS team_id,
    merged_at,
    window_ends_at,
    window_complete,
    change_kind,
    outcome,
    reverted_by,
    reverted_at,
    revert_form,
    lines_changed,
    lines_excluded,
    lines_counted,
    change_units
FROM core.change_outcomes
