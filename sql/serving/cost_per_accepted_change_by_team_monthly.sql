-- One row per UTC month and team, headed by cost per accepted change, keyed by team_id. Source:
-- marts.change_showback (grain 'team'). Answers "what does a change that stayed in production cost
-- each team".
-- @partition_by month
-- @republish whole
CREATE OR REPLACE VIEW serving.cost_per_accepted_change_by_team_monthly AS
SELECT month, team_id, * EXCLUDE (month, grain, team_id)
FROM marts.change_showback
WHERE grain = 'team'
