-- One row per load of a source whose rows name actions (events, consequences) that changed
-- staged rows (temp table _changed): its audit.changes row, from the earliest day its changed
-- rows or the actions they name (staging.agent_actions) date from.
INSERT INTO audit.changes
SELECT $source, $load_id, $loaded_at,
       LEAST(MIN(c.day), MIN(CAST(a.attempted_at AS DATE))),
       SUM(c.rows_added), SUM(c.rows_removed)
FROM _changed AS c
LEFT JOIN staging.agent_actions AS a ON a.action_id = c.action_id
HAVING COUNT(*) > 0
