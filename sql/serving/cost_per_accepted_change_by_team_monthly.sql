-- One row per UTC month (and team) headed by cost per accepted change, and one row per merged
-- pull request or repair candidate behind it, in four views. Source: marts.change_showback,
-- core.change_outcomes and core.change_repair_candidates. Answers "what does a change that
-- stayed in production cost each team" (serving.cost_per_accepted_change_by_team_monthly) and
-- "which changes were reverted, and which follow-ups may have repaired them".
-- @partition_by month
-- @republish whole
CREATE OR REPLACE VIEW serving.cost_per_accepted_change_by_team_monthly AS
SELECT month, team_id, * EXCLUDE (month, grain, team_id)
FROM marts.change_showback
WHERE grain = 'team'
