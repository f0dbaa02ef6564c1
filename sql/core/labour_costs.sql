-- One row per time entry with its labour cost: hours x the loaded hourly rate in force on the
-- work date (a person's own rate before their role's; an entry timed in seconds costs seconds x
-- rate / 3600, to 12 places), and the cost line its activity feeds.
-- Source: staging.time_entries and staging.loaded_rates. cost_line is oversight (review,
-- approval, monitoring, ...), remediation (rollback, redo, cleanup, incident response, ...) or
-- other (labour outside the agent cost lines). Development work (work_type in
-- $development_work_types) feeds cost per accepted change instead: change_review (review,
-- code_review, approval, ...), change_rework (rework, fix, revert, ...) or change_engineering
-- (specifying, prompting, integrating, any other activity). An entry with no rate in force has
-- cost_status 'unknown' and labour_cost_usd NULL, never 0. Rates themselves are not carried
-- further.
-- Only entries worked on or after $recompute_from are costed: for this record-grain model it is
-- the run's records_from, the first day an entry or rate changed (core.recompute_window).
-- @time_column work_date
-- @window records_from
-- @summary_by cost_line
WITH entries AS (
    SELECT * FROM staging.time_entries WHERE work_date >= $recompute_from
),

rates AS (
    SELECT
        role,
        person_id,
        loaded_hourly_rate_usd,
        effective_from,
        LEAD(effective_from) OVER (
            PARTITION BY COALESCE(role, ''), COALESCE(person_id, '') ORDER BY effective_from
        ) AS effective_to
    FROM staging.loaded_rates
),

matched AS (
    SELECT
        e.entry_id,
        r.loaded_hourly_rate_usd,
        ROW_NUMBER() OVER (
            PARTITION BY e.entry_id
            ORDER BY CASE WHEN r.person_id IS NOT NULL THEN 0 ELSE 1 END
        ) AS preference
    FROM entries AS e
    INNER JOIN rates AS r
        ON (r.person_id = e.person_id OR (r.person_id IS NULL AND r.role = e.role))
        AND r.effective_from <= e.work_date
        AND (r.effective_to IS NULL OR e.work_date < r.effective_to)
)

SELECT
    e.entry_id,
    e.work_date,
    e.role,
    e.activity,
    CASE
        WHEN list_contains($development_work_types, e.work_type) THEN
            CASE
                WHEN e.activity IN ('review', 'code_review', 'pr_review', 'approval', 'approve',
                    'qa', 'testing', 'validation')
                    THEN 'change_review'
                WHEN e.activity IN ('rework', 'fix', 'bugfix', 'hotfix', 'revert', 'rollback',
                    'redo', 'cleanup', 'incident_response', 'remediation', 'repair')
                    THEN 'change_rework'
                ELSE 'change_engineering'
            END
        WHEN e.activity IN ('review', 'approval', 'approve', 'monitoring', 'oversight', 'qa',
            'audit', 'spot_check')
            THEN 'oversight'
        WHEN e.activity IN ('rollback', 'redo', 'cleanup', 'incident_response', 'remediation',
            'rework', 'fix', 'revert')
            THEN 'remediation'
        ELSE 'other'
    END AS cost_line,
    e.hours,
    CASE
        WHEN e.duration_seconds IS NOT NULL
            THEN divide_decimal(e.duration_seconds * m.loaded_hourly_rate_usd, 3600)
        ELSE CAST(e.hours * m.loaded_hourly_rate_usd AS DECIMAL(38, 12))
    END AS labour_cost_usd,
    CASE WHEN m.entry_id IS NULL THEN 'unknown' ELSE 'computed' END AS cost_status,
    e.action_id,
    e.task_id,
    e.agent_id,
    e.team_id,
    e.work_type
FROM entries AS e
LEFT JOIN matched AS m ON m.entry_id = e.entry_id AND m.preference = 1
