-- One row per agent action: one consequential unit of agent work, with its task, session (agent
-- run), parent session (for sub-agent runs), agent, team, task type and risk grade (SPEC 3).
-- Source: landing_agent_actions. An action with no grade is graded G3 ("round up when evidence is
-- missing"); risk_grade_source says whether the grade was declared or defaulted.
WITH typed AS (
    SELECT
        l.*,
        read_instant(l.attempted_at, $date_format) AS attempted_at_utc,
        UPPER(l.risk_grade) AS risk_grade_n
    FROM landing_agent_actions AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.action_id IS NULL THEN 'action_id: missing' END,
            CASE
                WHEN t.attempted_at IS NULL THEN 'attempted_at: missing'
                ELSE instant_problem(
                    'attempted_at', t.attempted_at, t.attempted_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE WHEN t.task_id IS NULL THEN 'task_id: missing' END,
            CASE WHEN t.agent_id IS NULL THEN 'agent_id: missing' END,
            CASE WHEN t.team_id IS NULL THEN 'team_id: missing' END,
            CASE
                WHEN t.risk_grade_n NOT IN ('G0', 'G1', 'G2', 'G3')
                    THEN 'risk_grade: not G0, G1, G2 or G3 (''' || LEFT(t.risk_grade, 40) || ''')'
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    c.action_id AS dedup_key,
    md5(CONCAT_WS('|', c.action_id, CAST(c.attempted_at_utc AS VARCHAR), c.task_id, c.session_id,
        c.parent_session_id, c.agent_id, c.team_id, c.task_type, c.risk_grade_n)) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.action_id,
    c.attempted_at_utc AS attempted_at,
    c.task_id,
    c.session_id,
    c.parent_session_id,
    c.agent_id,
    c.team_id,
    c.task_type,
    COALESCE(c.risk_grade_n, 'G3') AS risk_grade,
    CASE WHEN c.risk_grade_n IS NULL THEN 'defaulted' ELSE 'declared' END AS risk_grade_source
FROM checked AS c
