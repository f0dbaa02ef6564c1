-- One row per ISO week (`week`, its Monday) and task type: the showback headed by cost per accepted
-- action, keyed by task_type, summed from the week's daily facts and its ratios taken from those
-- sums. Source: showback_between(NULL, NULL, by_week := true, at_grain := 'task_type')
-- (sql/serving/showback_range.sql). Answers "cost per accepted action by task type", week by week.
-- @partition_by week
-- @republish from_window_week
CREATE OR REPLACE VIEW serving.showback_by_task_type_weekly AS
SELECT from_day AS week, task_type, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true, at_grain := 'task_type')
WHERE grain = 'task_type'
