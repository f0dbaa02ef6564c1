-- One row per period start (UTC day, ISO week or month) and owner, in fifteen views: one per
-- showback question (fleet, team, agent, task type, task; daily, weekly and monthly), each with
-- the owner's key columns first. Source: marts.showback for days and months; the weeks are
-- showback_between(NULL, NULL, by_week := true) (sql/serving/showback_range.sql), summed from
-- the week's daily facts, with `week` its Monday. Answers "cost per accepted action by team per
-- month" (serving.showback_by_team_monthly) and its siblings.
CREATE OR REPLACE VIEW serving.showback_fleet_daily AS
SELECT period_start AS day, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'fleet' AND period = 'day';

CREATE OR REPLACE VIEW serving.showback_fleet_monthly AS
SELECT period_start AS month, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'fleet' AND period = 'month';

CREATE OR REPLACE VIEW serving.showback_by_team_daily AS
SELECT period_start AS day, team_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'team' AND period = 'day';

CREATE OR REPLACE VIEW serving.showback_by_team_monthly AS
SELECT period_start AS month, team_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'team' AND period = 'month';

CREATE OR REPLACE VIEW serving.showback_by_agent_daily AS
SELECT period_start AS day, agent_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'agent' AND period = 'day';

CREATE OR REPLACE VIEW serving.showback_by_agent_monthly AS
SELECT period_start AS month, agent_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'agent' AND period = 'month';

CREATE OR REPLACE VIEW serving.showback_by_task_type_daily AS
SELECT period_start AS day, task_type, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task_type' AND period = 'day';

CREATE OR REPLACE VIEW serving.showback_by_task_type_monthly AS
SELECT period_start AS month, task_type, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task_type' AND period = 'month';

CREATE OR REPLACE VIEW serving.showback_by_task_daily AS
SELECT period_start AS day, team_id, agent_id, task_type, task_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task' AND period = 'day';

CREATE OR REPLACE VIEW serving.showback_by_task_monthly AS
SELECT period_start AS month, team_id, agent_id, task_type, task_id, * EXCLUDE (period, period_start, grain, team_id, agent_id, task_type, task_id)
FROM marts.showback
WHERE grain = 'task' AND period = 'month';

CREATE OR REPLACE VIEW serving.showback_fleet_weekly AS
SELECT from_day AS week, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true)
WHERE grain = 'fleet';

CREATE OR REPLACE VIEW serving.showback_by_team_weekly AS
SELECT from_day AS week, team_id, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true)
WHERE grain = 'team';

CREATE OR REPLACE VIEW serving.showback_by_agent_weekly AS
SELECT from_day AS week, agent_id, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true)
WHERE grain = 'agent';

CREATE OR REPLACE VIEW serving.showback_by_task_type_weekly AS
SELECT from_day AS week, task_type, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true)
WHERE grain = 'task_type';

CREATE OR REPLACE VIEW serving.showback_by_task_weekly AS
SELECT from_day AS week, team_id, agent_id, task_type, task_id, * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id)
FROM showback_between(NULL, NULL, by_week := true)
WHERE grain = 'task';
