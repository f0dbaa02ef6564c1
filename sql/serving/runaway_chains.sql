-- One row per sub-agent chain (the sessions under one root task) and day on which it ran away: too
-- deep, too costly or looping. Source: marts.runaway_chains. Answers "which agent chain burned
-- money in a loop".
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.runaway_chains AS
SELECT * FROM marts.runaway_chains
