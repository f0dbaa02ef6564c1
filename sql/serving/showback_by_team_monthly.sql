-- One row per UTC month and team: the showback headed by cost per accepted action, keyed by
-- team_id. Source: marts.showback (grain 'team', month rows). Answers "cost per accepted action by
-- team", month by month.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_team_monthly AS
SELECT period_start AS month, team_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'team' AND period = 'month'
