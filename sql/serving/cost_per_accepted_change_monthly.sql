-- One row per UTC month for all teams, headed by cost per accepted change: the five lines (model,
-- infrastructure, engineering, review, rework) over the change units merged that month that stayed
-- merged. Source: marts.change_showback (grain 'fleet'). Answers "what does a change that stayed in
-- production cost".
-- @partition_by month
-- @republish whole
CREATE OR REPLACE VIEW serving.cost_per_accepted_change_monthly AS
SELECT * EXCLUDE (grain, team_id)
FROM marts.change_showback
WHERE grain = 'fleet'
