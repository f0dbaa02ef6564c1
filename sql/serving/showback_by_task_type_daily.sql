-- One row per UTC day and task type: the showback headed by cost per accepted action, keyed by
-- task_type. Source: marts.showback (grain 'task_type', day rows). Answers "cost per accepted
-- action by task type", day by day.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_task_type_daily AS
SELECT period_start AS day, task_type, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task_type' AND period = 'day'
