-- One row per UTC day and agent: the showback headed by cost per accepted action, keyed by
-- agent_id. Source: marts.showback (grain 'agent', day rows). Answers "cost per accepted action by
-- agent", day by day.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_agent_daily AS
SELECT period_start AS day, agent_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'agent' AND period = 'day'
