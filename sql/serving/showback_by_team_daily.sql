-- One row per UTC day and team: the showback headed by cost per accepted action, keyed by team_id.
-- Source: marts.showback (grain 'team', day rows). Answers "cost per accepted action by team", day
-- by day.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_team_daily AS
SELECT period_start AS day, team_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'team' AND period = 'day'
