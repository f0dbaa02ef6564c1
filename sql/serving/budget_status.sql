-- One row per budget and month, per anomaly, per runaway chain and day, and per team's forecast,
-- in four views: the Operate phase of FinOps (budgets, unit-cost anomalies with their drivers,
-- runaway sub-agent chains, next month's forecast). Source: marts.budget_status,
-- marts.cost_anomalies, marts.runaway_chains and marts.spend_forecast. Answers "which team is
-- over budget", "whose cost per accepted action jumped, and which line moved" and "which agent
-- chain burned money in a loop".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.budget_status AS
SELECT * FROM marts.budget_status
