-- One row per UTC month (and team) headed by cost per accepted change, and one row per merged
-- pull request or repair candidate behind it, in four views. Source: marts.change_showback,
-- core.change_outcomes and core.change_repair_candidates. Answers "what does a change that
-- stayed in production cost each team" (serving.cost_per_accepted_change_by_team_monthly) and
-- "which changes were reverted, and which follow-ups may have repaired them".
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
