-- One row per declared budget and month it applies to: spend to date, the month-end projection,
-- what remains, and whether the budget is breached or projected to be. Source: marts.budget_status.
-- Answers "which team is over budget".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.budget_status AS
SELECT * FROM marts.budget_status
