-- One row per ISO week (`week`, its Monday): the showback headed by cost per accepted action,
-- summed from the week's daily facts and its ratios taken from those sums. Source:
-- showback_between(NULL, NULL, by_week := true, at_grain := 'fleet')
-- (sql/serving/showback_range.sql). Answers "what the fleet's accepted work costs", week by week.
-- @partition_by week
-- @republish from_window_week
CREATE OR REPLACE VIEW serving.showback_fleet_weekly AS
SELECT from_day AS week, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true, at_grain := 'fleet')
WHERE grain = 'fleet'
