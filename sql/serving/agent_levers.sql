-- One row per month and agent: loop depth, reasoning-to-action ratio against its baseline,
-- cache-read share and failure share, each beside the fleet's better quartile with the monthly
-- saving of reaching it, and the largest lever. Source: marts.agent_levers. Answers "where would
-- this agent's cost per accepted action come down the most".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.agent_levers AS
SELECT * FROM marts.agent_levers
