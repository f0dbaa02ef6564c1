-- One row per UTC month and task: the showback headed by cost per accepted action, keyed by
-- task_id. Source: marts.showback (grain 'task', month rows). Answers "what each task cost and
-- whether its work was kept", month by month.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_task_monthly AS
SELECT period_start AS month, team_id, agent_id, task_type, task_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task' AND period = 'month'
