-- One row per HR time entry: a person's hours on one date for one activity, and the action / task /
-- agent / team it concerns. Source: landing_time_entries (canonical columns, or a time tracker's
-- export through its adapter: Harvest, Clockify, Toggl, Tempo) and temp table time_entry_rules
-- (IngestSettings.time_entry_rules). A rule tests the entry's project, task, tags or description
-- against a regular expression; an activity, work type or id the entry does not carry is taken
-- from the first rule, in order, that matches and gives it (an id may be the pattern's first
-- group: 'rollback of (act-[0-9]+)'). hours is exact (DECIMAL 6 places; more are quarantined,
-- never rounded); a duration a tracker writes as a clock time or in seconds is also kept in
-- duration_seconds, exactly (its hours are that to 6 places); activity is lower-case; which
-- cost line an activity feeds (oversight, remediation, other) is decided in the core layer, as
-- is whether work_type marks software development work. Pay rates are joined later, never
-- exposed here.
WITH matched AS (
    SELECT
        l.source_file,
        l.source_line,
        r.rule_order,
        r.activity,
        r.work_type,
        COALESCE(r.action_id, CASE WHEN r.capture = 'action_id' THEN x.captured END) AS action_id,
        COALESCE(r.task_id, CASE WHEN r.capture = 'task_id' THEN x.captured END) AS task_id,
        COALESCE(r.agent_id, CASE WHEN r.capture = 'agent_id' THEN x.captured END) AS agent_id,
        COALESCE(r.team_id, CASE WHEN r.capture = 'team_id' THEN x.captured END) AS team_id
    FROM landing_time_entries AS l
    CROSS JOIN time_entry_rules AS r
    CROSS JOIN LATERAL (
        SELECT
            CASE r.field
                WHEN 'project' THEN l.project
                WHEN 'task' THEN l.task_name
                WHEN 'tags' THEN l.tags
                WHEN 'description' THEN l.description
            END AS tested
    ) AS t
    CROSS JOIN LATERAL (
        SELECT NULLIF(regexp_extract(t.tested, r.pattern, 1), '') AS captured
    ) AS x
    WHERE regexp_matches(t.tested, r.pattern)
),

-- per entry, each value from the first matching rule that gives it
ruled AS (
    SELECT
        source_file,
        source_line,
        arg_min(activity, rule_order) FILTER (WHERE activity IS NOT NULL) AS activity,
        arg_min(work_type, rule_order) FILTER (WHERE work_type IS NOT NULL) AS work_type,
        arg_min(action_id, rule_order) FILTER (WHERE action_id IS NOT NULL) AS action_id,
        arg_min(task_id, rule_order) FILTER (WHERE task_id IS NOT NULL) AS task_id,
        arg_min(agent_id, rule_order) FILTER (WHERE agent_id IS NOT NULL) AS agent_id,
        arg_min(team_id, rule_order) FILTER (WHERE team_id IS NOT NULL) AS team_id
    FROM matched
    GROUP BY source_file, source_line
),

entries AS (
    SELECT
        l.* EXCLUDE (activity, work_type, action_id, task_id, agent_id, team_id),
        COALESCE(l.activity, u.activity) AS activity,
        COALESCE(l.work_type, u.work_type) AS work_type,
        COALESCE(l.action_id, u.action_id) AS action_id,
        COALESCE(l.task_id, u.task_id) AS task_id,
        COALESCE(l.agent_id, u.agent_id) AS agent_id,
        COALESCE(l.team_id, u.team_id) AS team_id
    FROM landing_time_entries AS l
    LEFT JOIN ruled AS u ON u.source_file = l.source_file AND u.source_line = l.source_line
),

typed AS (
    SELECT
        l.*,
        CAST(read_instant(l.work_date, $date_format) AS DATE) AS work_date_n,
        CAST(read_amount(l.hours, 'hours') AS DECIMAL(18, 6)) AS hours_n,
        TRY_CAST(l.duration_seconds AS BIGINT) AS duration_seconds_n,
        LOWER(REPLACE(l.activity, ' ', '_')) AS activity_n
    FROM entries AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.entry_id IS NULL THEN 'entry_id: missing' END,
            CASE WHEN t.person_id IS NULL THEN 'person_id: missing' END,
            CASE WHEN t.role IS NULL THEN 'role: missing' END,
            CASE
                WHEN t.work_date IS NULL THEN 'work_date: missing'
                ELSE instant_problem(
                    'work_date', t.work_date, t.work_date_n, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN t.hours IS NULL THEN 'hours: missing'
                WHEN TRY_CAST(t.hours AS DECIMAL(38, 12)) <= 0
                    OR TRY_CAST(t.hours AS DECIMAL(38, 12)) > 24
                    THEN 'hours: outside (0, 24] (''' || LEFT(t.hours, 40) || ''')'
                ELSE amount_problem('hours', t.hours, 'hours')
            END,
            CASE
                WHEN t.duration_seconds IS NOT NULL AND (
                    NOT regexp_full_match(t.duration_seconds, '[0-9]{1,12}')
                    OR t.duration_seconds_n <= 0
                    OR t.duration_seconds_n > 86400
                )
                    THEN 'duration_seconds: not a whole number of seconds in (0, 86400] ('''
                        || LEFT(t.duration_seconds, 40) || ''')'
            END,
            CASE
                WHEN t.activity IS NULL
                    THEN 'activity: missing (no activity column, and no '
                        || 'IngestSettings.time_entry_rules rule matched its project, task, tags '
                        || 'or description)'
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.entry_id AS dedup_key,
    md5(CONCAT_WS('|', c.entry_id, c.person_id, c.role, CAST(c.work_date_n AS VARCHAR),
        CAST(c.hours_n AS VARCHAR), c.activity_n, c.action_id, c.task_id, c.agent_id, c.team_id,
        LOWER(c.work_type), CAST(c.duration_seconds_n AS VARCHAR)))
        AS row_hash,
    CAST(c.hours_n AS DECIMAL(38, 12)) AS conserved_amount,
    c.entry_id,
    c.person_id,
    c.role,
    c.work_date_n AS work_date,
    c.hours_n AS hours,
    c.duration_seconds_n AS duration_seconds,
    c.activity_n AS activity,
    c.action_id,
    c.task_id,
    c.agent_id,
    c.team_id,
    LOWER(c.work_type) AS work_type
FROM checked AS c
