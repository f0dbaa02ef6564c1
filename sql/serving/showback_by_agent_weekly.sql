-- One row per ISO week (`week`, its Monday) and agent: the showback headed by cost per accepted
-- action, keyed by agent_id, summed from the week's daily facts and its ratios taken from those
-- sums. Source: showback_between(NULL, NULL, by_week := true, at_grain := 'agent')
-- (sql/serving/showback_range.sql). Answers "cost per accepted action by agent", week by week.
-- @partition_by week
-- @republish from_window_week
CREATE OR REPLACE VIEW serving.showback_by_agent_weekly AS
SELECT from_day AS week, agent_id, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true, at_grain := 'agent')
WHERE grain = 'agent'
