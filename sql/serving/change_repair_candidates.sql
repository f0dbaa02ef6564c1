-- One row per change and a later follow-up that may have repaired it (a fix / hotfix / patch pull
-- request in the same repository, within the survival window, touching the same files), with the
-- month the change was merged. Source: core.change_repair_candidates. Answers "which follow-ups may
-- have repaired a change".
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
