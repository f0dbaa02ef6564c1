-- One row per UTC month: the showback headed by cost per accepted action. Source: marts.showback
-- (grain 'fleet', month rows). Answers "what the fleet's accepted work costs", month by month.
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_fleet_monthly AS
SELECT period_start AS month, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'fleet' AND period = 'month'
