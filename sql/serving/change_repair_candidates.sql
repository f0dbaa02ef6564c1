-- One row per UTC month (and team) headed by cost per accepted change, and one row per merged
-- pull request or repair candidate behind it, in four views. Source: marts.change_showback,
-- core.change_outcomes and core.change_repair_candidates. Answers "what does a change that
-- stayed in production cost each team" (serving.cost_per_accepted_change_by_team_monthly) and
-- "which changes were reverted, and which follow-ups may have repaired them".
-- @partition_by month
-- @republish whole
CREATE OR REPLACE VIEW serving.change_repair_candidates AS
SELECT
    CAST(date_trunc('month', merged_at) AS DATE) AS month,
    change_id,
    repository,
    COALESCE(team_id, 'unallocated') AS team_id,
    title,
    outcome,
    follow_up_change_id,
    follow_up_title,
    follow_up_merged_at,
    hours_after_merge,
    shared_files,
    shared_paths
FROM core.change_repair_candidates
