-- One row per rule of IngestSettings.time_entry_rules, in order (temp table time_entry_rules):
-- what it tests (project, task, tags or description), its pattern, and what it gives an entry
-- that matches: an activity, a work type, fixed ids, and the id its pattern's first group names.
CREATE OR REPLACE TEMP TABLE time_entry_rules (
    rule_order INTEGER,
    field VARCHAR,
    pattern VARCHAR,
    activity VARCHAR,
    work_type VARCHAR,
    action_id VARCHAR,
    task_id VARCHAR,
    agent_id VARCHAR,
    team_id VARCHAR,
    capture VARCHAR
)
