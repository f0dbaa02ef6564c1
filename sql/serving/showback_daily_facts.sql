-- One row per fact the showback adds up, as core.showback_facts holds it (a cost part summed per
-- day, owner and line, an action, or a failed action's failure impact), with its UTC day and its
-- owner. Source: core.showback_facts. Published so that any [from, to] window can be summed in
-- the published database itself (showback_between): every showback figure is a sum of these rows,
-- or a ratio of two such sums.
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.showback_daily_facts AS
SELECT * EXCLUDE (month)
FROM core.showback_facts;
