-- One row per UTC month and agent: the showback headed by cost per accepted action, keyed by
-- agent_id. Source: marts.showback (grain 'agent', month rows). Answers "cost per accepted action
-- by agent", month by month.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_agent_monthly AS
SELECT period_start AS month, agent_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'agent' AND period = 'month'
