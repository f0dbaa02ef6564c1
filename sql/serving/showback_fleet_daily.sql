-- One row per UTC day: the showback headed by cost per accepted action. Source: marts.showback
-- (grain 'fleet', day rows). Answers "what the fleet's accepted work costs", day by day.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_fleet_daily AS
SELECT period_start AS day, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'fleet' AND period = 'day'
