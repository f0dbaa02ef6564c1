-- One row per period start (UTC day, ISO week or month) and owner, in fifteen views: one per
-- showback question (fleet, team, agent, task type, task; daily, weekly and monthly), each with
-- the owner's key columns first. Source: marts.showback for days and months; the weeks are
-- showback_between(NULL, NULL, by_week := true) (sql/serving/showback_range.sql), summed from
-- the week's daily facts, with `week` its Monday. Answers "cost per accepted action by team per
-- month" (serving.showback_by_team_monthly) and its siblings.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_team_monthly AS
SELECT period_start AS month, team_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'team' AND period = 'month'
