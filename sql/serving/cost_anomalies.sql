-- One row per anomaly: a day on which an agent's or a team's cost per accepted action stands far
-- above its own trailing baseline, or a task whose agent cost stands far above its task type's
-- usual, with the line that moved. Source: marts.cost_anomalies. Answers "whose cost per accepted
-- action jumped, and which line moved".
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.cost_anomalies AS
SELECT * FROM marts.cost_anomalies
