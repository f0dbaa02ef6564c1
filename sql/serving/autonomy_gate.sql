-- One row per month and agent: expand, hold or reduce autonomy, from the trend of cost per
-- accepted action and of the override / reversal rate over its last confirmed months, with the
-- inputs beside the status and why. Source: marts.autonomy_gate. Answers "may this agent do more
-- on its own".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.autonomy_gate AS
SELECT * FROM marts.autonomy_gate
