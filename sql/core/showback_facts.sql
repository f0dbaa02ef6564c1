-- One row per fact the showback adds up: the cost parts of core.cost_ledger summed per day, owner
-- (team, agent, task type, risk grade, task) and line (failure impact of actions and development
-- work excluded), an action of core.action_outcomes (its counts and accepted units), or the
-- failure impact of a failed action from core.action_failure_impact (dated by the action's day,
-- observed or estimated). Every row carries its UTC day and month and its owner (team, agent,
-- task type, risk grade, task); owners not known are 'unallocated'. Measures not relevant to a
-- row are 0, so sums over any grouping are the showback figures.
-- credits_usd is the sum of the row's negative amounts (SPEC 9: credits, refunds of charges,
-- savings-plan true-ups): a ledger part below 0 is a credit, taken part by part before parts are
-- summed, so a credit netted against a charge of the same owner, day and line still counts; a
-- failed action's impact below 0 counts whole. It is <= 0 and already inside amount_usd.
-- A consequence linked to an action that did not fail (accepted, or still pending) is booked too
-- (SPEC 5): on the failure impact line of that action's day and owner, observed, and its amount
-- on an accepted action also in consequences_on_accepted_usd (a coverage finding: an outcome may be
-- missing), so no ledger dollar is absent from the showback.
-- requests and tokens are the ledger parts' own: a request counts once, and its tokens split
-- with its money between a failed run's share and the rest.
-- labour_hours counts the hours of oversight and remediation time entries (SPEC 12), part by
-- part: a direct part carries its entry's hours, a part spread from a pool of entries naming only
-- an agent or team (record_id '<pool>><action>') the pool's hours over its parts;
-- labour_hours_mapped the hours of parts that reached an action or task.
-- fact_kind says which: cost (a ledger part), consequence (a ledger part from a consequence record
-- with no action), consequence_on_kept_action, failure_impact or action. Only facts dated on or
-- after $recompute_from are written, and cost facts only from $ledger_from (the cost ledger's
-- window).
-- @time_column day
-- @replaces day >= $recompute_from AND (fact_kind <> 'cost' OR day >= $ledger_from)
-- @summary_by line
WITH labour_entries AS (
    SELECT
        entry_id,
        hours,
        -- the pool an entry naming only an agent or team joins when it is spread (core.cost_ledger)
        'time_entries:' || CASE WHEN agent_id IS NOT NULL THEN 'agent:' || agent_id
            ELSE 'team:' || team_id END
            || '@' || CAST(work_date AS VARCHAR) || '/' || cost_line || '/' || cost_status
            AS pool_id
    FROM core.labour_costs
    WHERE work_date >= $ledger_from AND cost_line IN ('oversight', 'remediation')
),

labour_parts AS (
    SELECT record_id, split_part(record_id, '>', 1) AS pool_id,
        COUNT(*) OVER (PARTITION BY split_part(record_id, '>', 1)) AS pool_parts
    FROM core.cost_ledger
    WHERE source = 'time_entries' AND cost_date >= $ledger_from
        AND source_line_kind IN ('oversight', 'remediation') AND attribution LIKE 'spread%'
),

-- the hours of each labour part: its entry's, or its pool's hours over the pool's parts
part_hours AS (
    SELECT entry_id AS record_id, hours FROM labour_entries
    UNION ALL
    SELECT p.record_id, divide_decimal(SUM(e.hours), MIN(p.pool_parts))
    FROM labour_parts AS p
    INNER JOIN labour_entries AS e ON e.pool_id = p.pool_id
    -- an entry booked directly (naming an action or task) joined no pool
    WHERE e.entry_id NOT IN (
        SELECT record_id FROM core.cost_ledger
        WHERE source = 'time_entries' AND cost_date >= $ledger_from
    )
    GROUP BY p.record_id
),

ledger_parts AS (
    SELECT
        l.cost_date AS day,
        l.team_id,
        l.agent_id,
        l.task_type,
        l.risk_grade,
        l.task_id,
        CAST(NULL AS VARCHAR) AS session_id,
        -- unallocated money keeps the line it would have fed; other labour feeds none
        CASE WHEN l.cost_line = 'unallocated' THEN l.source_line_kind ELSE l.cost_line END AS line,
        l.cost_line = 'unallocated' AS is_unallocated,
        CASE WHEN l.source = 'consequence_records' THEN 'consequence' ELSE 'cost' END AS fact_kind,
        COALESCE(l.amount_usd, 0) AS amount_usd,
        CASE WHEN l.amount_usd < 0 THEN l.amount_usd ELSE 0 END AS credits_usd,
        l.requests,
        CASE WHEN l.cost_status <> 'unknown' THEN l.requests ELSE 0 END AS requests_priced,
        l.input_tokens + l.output_tokens AS tokens,
        l.reasoning_tokens,
        COALESCE(h.hours, 0) AS labour_hours,
        CASE WHEN l.task_id IS NOT NULL THEN COALESCE(h.hours, 0) ELSE 0 END
            AS labour_hours_mapped
    FROM core.cost_ledger AS l
    LEFT JOIN part_hours AS h
        ON l.source = 'time_entries' AND l.source_line_kind IN ('oversight', 'remediation')
        AND h.record_id = l.record_id
    WHERE l.cost_date >= $recompute_from
        AND (l.source = 'consequence_records' OR l.cost_date >= $ledger_from)
        AND NOT (l.cost_line = 'failure_impact' AND l.action_id IS NOT NULL)
        -- development work is cost per accepted change's (marts.change_showback)
        AND l.cost_line NOT LIKE 'change%'
),

-- Parts summed per day, owner and line: every measure is additive, so the showback's sums are
-- unchanged while a day's facts grow with its owners, not with its requests.
ledger AS (
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line, is_unallocated,
        fact_kind,
        SUM(amount_usd) AS amount_usd,
        SUM(credits_usd) AS credits_usd,
        CAST(SUM(requests) AS BIGINT) AS requests,
        CAST(SUM(requests_priced) AS BIGINT) AS requests_priced,
        CAST(SUM(tokens) AS BIGINT) AS tokens,
        CAST(SUM(reasoning_tokens) AS BIGINT) AS reasoning_tokens,
        CAST(SUM(labour_hours) AS DECIMAL(38, 12)) AS labour_hours,
        CAST(SUM(labour_hours_mapped) AS DECIMAL(38, 12)) AS labour_hours_mapped
    FROM ledger_parts
    GROUP BY day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line,
        is_unallocated, fact_kind
),

-- Consequences booked to an action that did not fail: its failure impact line, on its day.
kept_action_consequences AS (
    SELECT
        a.attempted_date AS day,
        a.team_id,
        a.agent_id,
        a.task_type,
        a.risk_grade,
        a.task_id,
        CAST(NULL AS VARCHAR) AS session_id,
        'failure_impact' AS line,
        FALSE AS is_unallocated,
        SUM(l.amount_usd) AS amount_usd,
        SUM(CASE WHEN l.amount_usd < 0 THEN l.amount_usd ELSE 0 END) AS credits_usd,
        SUM(
            CASE
                WHEN a.outcome IN ('accepted_confirmed', 'accepted_provisional') THEN l.amount_usd
                ELSE 0
            END
        ) AS consequences_on_accepted_usd
    FROM core.cost_ledger AS l
    INNER JOIN core.action_outcomes AS a ON a.action_id = l.action_id
    WHERE l.cost_line = 'failure_impact' AND a.outcome NOT IN ('failed', 'failed_run')
        AND a.attempted_date >= $recompute_from
    GROUP BY a.attempted_date, a.team_id, a.agent_id, a.task_type, a.risk_grade, a.task_id
),

impact AS (
    SELECT
        attempted_date AS day,
        team_id,
        agent_id,
        task_type,
        risk_grade,
        task_id,
        CAST(NULL AS VARCHAR) AS session_id,
        'failure_impact' AS line,
        FALSE AS is_unallocated,
        failure_impact_usd AS amount_usd,
        CASE WHEN failure_impact_usd < 0 THEN failure_impact_usd ELSE 0 END AS credits_usd,
        impact_basis
    FROM core.action_failure_impact
    WHERE attempted_date >= $recompute_from
),

actions AS (
    SELECT
        attempted_date AS day,
        team_id,
        agent_id,
        task_type,
        risk_grade,
        task_id,
        session_id,
        outcome,
        failure_reason,
        is_correct_escalation,
        accepted_units
    FROM core.action_outcomes
    WHERE attempted_date >= $recompute_from
),

facts AS (
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line, is_unallocated,
        amount_usd, credits_usd, requests, requests_priced, tokens, reasoning_tokens,
        labour_hours, labour_hours_mapped,
        CAST(0 AS DECIMAL(38, 12)) AS consequences_on_accepted_usd,
        CAST(NULL AS VARCHAR) AS outcome,
        CAST(NULL AS VARCHAR) AS failure_reason,
        FALSE AS is_correct_escalation,
        CAST(0 AS DECIMAL(18, 6)) AS accepted_units,
        CAST(NULL AS VARCHAR) AS impact_basis,
        fact_kind
    FROM ledger
    UNION ALL
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line, is_unallocated,
        amount_usd, credits_usd, 0, 0, 0, 0, 0, 0, consequences_on_accepted_usd, NULL, NULL,
        FALSE, CAST(0 AS DECIMAL(18, 6)), 'observed', 'consequence_on_kept_action'
    FROM kept_action_consequences
    UNION ALL
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line, is_unallocated,
        amount_usd, credits_usd, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, FALSE,
        CAST(0 AS DECIMAL(18, 6)), impact_basis, 'failure_impact'
    FROM impact
    UNION ALL
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, NULL, FALSE,
        CAST(0 AS DECIMAL(38, 12)), CAST(0 AS DECIMAL(38, 12)), 0, 0, 0, 0, 0, 0, 0, outcome,
        failure_reason,
        is_correct_escalation, accepted_units, NULL, 'action'
    FROM actions
)

SELECT
    day,
    CAST(date_trunc('month', day) AS DATE) AS month,
    COALESCE(team_id, 'unallocated') AS team_id,
    COALESCE(agent_id, 'unallocated') AS agent_id,
    COALESCE(task_type, 'unspecified') AS task_type,
    COALESCE(risk_grade, 'G3') AS risk_grade,
    COALESCE(task_id, 'unallocated') AS task_id,
    session_id,
    line,
    is_unallocated,
    amount_usd,
    credits_usd,
    requests,
    requests_priced,
    tokens,
    reasoning_tokens,
    labour_hours,
    labour_hours_mapped,
    consequences_on_accepted_usd,
    outcome,
    failure_reason,
    is_correct_escalation,
    accepted_units,
    impact_basis,
    fact_kind
FROM facts
