-- One row per UTC month and task type: the showback headed by cost per accepted action, keyed by
-- task_type. Source: marts.showback (grain 'task_type', month rows). Answers "cost per accepted
-- action by task type", month by month.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_task_type_monthly AS
SELECT period_start AS month, task_type, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task_type' AND period = 'month'
