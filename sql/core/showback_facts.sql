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
-- fact_kind says which: cost (a ledger part), consequence (a ledger part from a consequence record
-- with no action), failure_impact or action. Only facts dated on or after $recompute_from are
-- written, and cost facts only from $ledger_from (the cost ledger's window).
WITH ledger_parts AS (
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
        CASE WHEN l.source = 'llm_requests' THEN 1 ELSE 0 END AS requests,
        CASE WHEN l.source = 'llm_requests' AND l.cost_status <> 'unknown' THEN 1 ELSE 0 END
            AS requests_priced,
        COALESCE(r.input_tokens + r.output_tokens, 0) AS tokens,
        COALESCE(r.reasoning_tokens, 0) AS reasoning_tokens,
        CASE WHEN l.source = 'time_entries' THEN 1 ELSE 0 END AS labour_parts,
        CASE WHEN l.source = 'time_entries' AND l.cost_line <> 'unallocated' THEN 1 ELSE 0 END
            AS labour_parts_mapped
    FROM core.cost_ledger AS l
    LEFT JOIN (
        SELECT * FROM core.llm_request_costs WHERE requested_date >= $ledger_from
    ) AS r
        ON l.source = 'llm_requests' AND r.request_id = l.record_id
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
        CAST(SUM(labour_parts) AS BIGINT) AS labour_parts,
        CAST(SUM(labour_parts_mapped) AS BIGINT) AS labour_parts_mapped
    FROM ledger_parts
    GROUP BY day, team_id, agent_id, task_type, risk_grade, task_id, session_id, line,
        is_unallocated, fact_kind
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
        labour_parts, labour_parts_mapped,
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
        amount_usd, credits_usd, 0, 0, 0, 0, 0, 0, NULL, NULL, FALSE, CAST(0 AS DECIMAL(18, 6)),
        impact_basis, 'failure_impact'
    FROM impact
    UNION ALL
    SELECT
        day, team_id, agent_id, task_type, risk_grade, task_id, session_id, NULL, FALSE,
        CAST(0 AS DECIMAL(38, 12)), CAST(0 AS DECIMAL(38, 12)), 0, 0, 0, 0, 0, 0, outcome,
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
    labour_parts,
    labour_parts_mapped,
    outcome,
    failure_reason,
    is_correct_escalation,
    accepted_units,
    impact_basis,
    fact_kind
FROM facts
