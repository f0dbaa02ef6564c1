-- One row per staged row this load removes or adds (temp table _changed): the day it dates from
-- and the action it names (events and consequences). Summarised into audit.changes.
CREATE OR REPLACE TEMP TABLE _changed (
    day DATE,
    action_id VARCHAR,
    rows_added INTEGER,
    rows_removed INTEGER
)
