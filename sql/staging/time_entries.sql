-- One row per HR time entry: a person's hours on one date for one activity, and the action / task /
-- agent / team it concerns. Source: landing_time_entries. hours is exact (DECIMAL 6 places; more
-- are quarantined, never rounded); activity is lower-case; which cost line an activity feeds
-- (oversight, remediation, other) is decided in the core layer, as is whether work_type marks
-- software development work. Pay rates are joined later, never exposed here.
WITH typed AS (
    SELECT
        l.*,
        CAST(read_instant(l.work_date, $date_format) AS DATE) AS work_date_n,
        CAST(read_amount(l.hours, 'hours') AS DECIMAL(18, 6)) AS hours_n,
        LOWER(REPLACE(l.activity, ' ', '_')) AS activity_n
    FROM landing_time_entries AS l
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
            CASE WHEN t.activity IS NULL THEN 'activity: missing' END
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
        LOWER(c.work_type)))
        AS row_hash,
    CAST(c.hours_n AS DECIMAL(38, 12)) AS conserved_amount,
    c.entry_id,
    c.person_id,
    c.role,
    c.work_date_n AS work_date,
    c.hours_n AS hours,
    c.activity_n AS activity,
    c.action_id,
    c.task_id,
    c.agent_id,
    c.team_id,
    LOWER(c.work_type) AS work_type
FROM checked AS c
