-- One row per UTC day and task: the showback headed by cost per accepted action, keyed by task_id.
-- Source: marts.showback (grain 'task', day rows). Answers "what each task cost and whether its
-- work was kept", day by day.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_by_task_daily AS
SELECT period_start AS day, team_id, agent_id, task_type, task_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task' AND period = 'day'
