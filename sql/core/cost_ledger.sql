-- One row per part of a cost record booked to one cost line, day and owner: every dollar of every
-- LLM request, tool call, billing line, time entry and consequence record, booked once (SPEC 2, 4).
-- Source: core.llm_request_costs, staging.tool_calls, core.billing_line_days (billing lines
-- split by overlap into UTC days of their [start, end) charge period), core.provider_cost_results
-- (the current statement of the providers' cost reports),
-- core.llm_bill_reconciliation and core.llm_request_invoices (SPEC 10), core.labour_costs,
-- staging.consequence_records, core.action_outcomes, core.session_roots.
-- Owners are resolved action -> task (sub-agent sessions roll up to their root task) -> agent ->
-- team. A billing tag value listing several ids ('t1,t2') is split evenly. Labour naming only an
-- agent or team is spread evenly over its actions of that day; a consequence naming only an agent
-- or team over its failed actions of the trailing survival window ending on the record's day, one
-- naming a task over the task's failed actions up to that day (SPEC 5). A consequence part is
-- dated on the day of the action it is booked to; source_date keeps the record's own day (for
-- every other part it is cost_date). Untagged billing is allocated per day by
-- $allocation_rule (proportional to the day's machine cost, even, or by $allocation_driver:
-- tokens or actions); its charges and its credits (lines below 0, SPEC 9) are pooled apart, so a
-- shared credit stays a negative part and is counted as a credit, not netted away. What has no
-- owner stays in cost_line's 'unallocated' rows with a reason.
-- A billing line is a tool's (cost line 'tool', SPEC 2) when its cost-line tag says 'tool' or its
-- ServiceName is in $tool_services; otherwise it is infrastructure.
-- Failed runs (SPEC 2): the inference, tool and directly tagged infrastructure of a failed run go
-- to the failed_run line, whether the record names the action, its session or a sub-agent session
-- under it (the nearest session up the tree with actions), or its task; a session or task with
-- several actions gives its failed runs one even share each (see run_linked below).
-- Spread and allocated parts come from pools (the day's untagged billing; a day's labour or
-- consequences of one agent, team or task), so their number grows with owners, not with records x
-- owners; record_id names the pool ('shared@<day>/<status>[/tool][/credit]>...',
-- '<source>:<level>:<id>@<day>/...').
-- Splits are exact: parts are computed in 10^-12 dollar units and the rounding remainder goes to
-- the first part, so the parts of a record (or pool) always sum back to it.
-- Development work (a request, billing line or time entry whose work_type is in
-- $development_work_types) is booked to the lines of cost per accepted change instead of an
-- agent line: change_model, change_infrastructure, change_engineering, change_review,
-- change_rework. It is never spread over actions or allocated, and never takes shared billing.
-- LLM spend billed and logged (SPEC 10, core.llm_bill_reconciliation): on a provider-day both
-- cover, each request of the provider is booked at its share of the bill, in proportion to its
-- request-level cost (evenly when none has one; a request without a cost beside priced ones takes
-- none), and the bill's lines are not booked again; a bill line of an LLM service with no request
-- of its provider that day is booked as inference (unallocated when untagged), never shared
-- infrastructure. A provider's cost report (its current statement, core.provider_cost_results) is booked the same way, and
-- supersedes the bill lines of its provider and day.
-- A request's part carries its requests (1, so a request counts once: a failed-run split counts
-- on its kept part), tokens (split with the money, so the parts sum to the request's) and
-- model and provider; every other part 0 and NULL. Readers need no join to the requests.
-- Only parts dated on or after $ledger_from are booked, and consequence parts of records dated on
-- or after $consequences_from (or parts dated then); see core.recompute_window.
-- @time_column cost_date
-- @replaces CASE WHEN source = 'consequence_records' THEN source_date >= $consequences_from OR cost_date >= $consequences_from ELSE cost_date >= $ledger_from END
-- @summary_by cost_line
WITH actions AS (
    SELECT * FROM core.action_outcomes
),

tasks AS (
    SELECT
        task_id,
        MIN(team_id) AS team_id,
        MIN(agent_id) AS agent_id,
        MIN(task_type) AS task_type,
        MAX(risk_grade) AS risk_grade
    FROM actions
    GROUP BY task_id
),

-- Billing lines by UTC day, already split exactly by core.billing_line_days; an LLM service's
-- lines the reconciliation does not book as bill lines (bill_lines_booked) are booked through the
-- requests instead (at their shares of the bill, core.llm_request_invoices) on a reconciled
-- provider-day, and not at all where the provider's cost report supersedes them.
billing_records AS (
    SELECT
        'billing_lines' AS source,
        dedup_key || '@' || CAST(cost_date AS VARCHAR) AS record_id,
        cost_date,
        CASE
            WHEN list_contains($development_work_types, work_type) THEN 'change_infrastructure'
            WHEN llm_provider IS NOT NULL THEN 'inference'
            WHEN cost_line_tag = 'tool' THEN 'tool'
            WHEN list_contains($tool_services, LOWER(TRIM(service_name))) THEN 'tool'
            ELSE 'infrastructure'
        END AS base_line,
        'reported' AS cost_status,
        amount_usd,
        action_id,
        task_id,
        session_id,
        CAST(NULL AS VARCHAR) AS parent_session_id,
        agent_id,
        team_id,
        0 AS input_tokens,
        0 AS cached_input_tokens,
        0 AS output_tokens,
        0 AS reasoning_tokens,
        0 AS requests,
        CAST(NULL AS VARCHAR) AS model,
        CAST(NULL AS VARCHAR) AS provider
    FROM core.billing_line_days AS b
    WHERE cost_date >= $ledger_from
        AND NOT EXISTS (
            SELECT 1 FROM core.llm_bill_reconciliation AS d
            WHERE d.provider = b.llm_provider AND d.day = b.cost_date
                AND NOT d.bill_lines_booked
        )
),

-- Tag values listing several ids are split evenly between them.
billing_tag_lists AS (
    SELECT
        r.*,
        string_split(COALESCE(r.task_id, r.agent_id, r.team_id, ''), ',') AS tag_values
    FROM billing_records AS r
),

billing_tag_values AS (
    SELECT
        l.* EXCLUDE (tag_values),
        TRIM(l.tag_values[i.position]) AS split_value,
        i.position,
        array_length(l.tag_values) AS n_values
    FROM billing_tag_lists AS l,
        UNNEST(generate_series(1, array_length(l.tag_values))) AS i (position)
),

billing_split AS (
    SELECT
        source,
        record_id || CASE WHEN n_values > 1 THEN '#' || CAST(position AS VARCHAR) ELSE '' END
            AS record_id,
        cost_date,
        base_line,
        cost_status,
        CAST(
            divide_whole(CAST(amount_usd * 1000000000000 AS HUGEINT), n_values)
            + CASE
                WHEN position = 1
                    THEN CAST(amount_usd * 1000000000000 AS HUGEINT)
                    - (divide_whole(CAST(amount_usd * 1000000000000 AS HUGEINT), n_values)) * n_values
                ELSE 0
            END AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12)) AS amount_usd,
        action_id,
        CASE WHEN task_id LIKE '%,%' THEN split_value ELSE task_id END AS task_id,
        session_id,
        parent_session_id,
        CASE WHEN task_id IS NULL AND agent_id LIKE '%,%' THEN split_value ELSE agent_id END
            AS agent_id,
        CASE
            WHEN task_id IS NULL AND agent_id IS NULL AND team_id LIKE '%,%' THEN split_value
            ELSE team_id
        END AS team_id,
        input_tokens,
        cached_input_tokens,
        output_tokens,
        reasoning_tokens,
        requests,
        model,
        provider
    FROM billing_tag_values
),

records AS (
    SELECT
        'llm_requests' AS source,
        c.request_id AS record_id,
        c.requested_date AS cost_date,
        CASE
            WHEN list_contains($development_work_types, c.work_type) THEN 'change_model'
            ELSE 'inference'
        END AS base_line,
        c.cost_status,
        CASE WHEN i.request_id IS NULL THEN c.cost_usd ELSE i.invoiced_usd END AS amount_usd,
        c.action_id,
        c.task_id,
        c.session_id,
        c.parent_session_id,
        c.agent_id,
        c.team_id,
        c.input_tokens,
        c.cached_input_tokens,
        c.output_tokens,
        c.reasoning_tokens,
        1 AS requests,
        c.model,
        c.provider
    FROM core.llm_request_costs AS c
    LEFT JOIN core.llm_request_invoices AS i ON i.request_id = c.request_id
    WHERE c.requested_date >= $ledger_from
    UNION ALL
    SELECT
        'tool_calls',
        call_id,
        CAST(called_at AS DATE),
        'tool',
        'reported',
        cost_usd,
        action_id,
        task_id,
        session_id,
        parent_session_id,
        agent_id,
        team_id,
        0,
        0,
        0,
        0,
        0,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR)
    FROM staging.tool_calls
    WHERE called_at >= CAST($ledger_from AS TIMESTAMP)
    UNION ALL
    SELECT * FROM billing_split
    UNION ALL
    -- a provider's cost report on a day its requests do not cover: inference no one owns
    SELECT
        'provider_costs',
        p.dedup_key,
        p.day,
        'inference',
        'reported',
        p.amount_usd,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        0,
        0,
        0,
        0,
        0,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR)
    FROM core.provider_cost_results AS p
    WHERE p.statement = 'current' AND p.day >= $ledger_from
        AND NOT EXISTS (
            SELECT 1 FROM core.llm_bill_reconciliation AS d
            WHERE d.provider = p.provider AND d.day = p.day
                AND NOT d.cost_report_booked
        )
    UNION ALL
    SELECT
        'time_entries',
        entry_id,
        work_date,
        cost_line,
        cost_status,
        labour_cost_usd,
        action_id,
        task_id,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        agent_id,
        team_id,
        0,
        0,
        0,
        0,
        0,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR)
    FROM core.labour_costs
    WHERE work_date >= $ledger_from
    UNION ALL
    SELECT
        'consequence_records',
        record_id,
        CAST(occurred_at AS DATE),
        'failure_impact',
        'reported',
        amount_usd,
        action_id,
        task_id,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        agent_id,
        team_id,
        0,
        0,
        0,
        0,
        0,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR)
    FROM staging.consequence_records
    -- a record naming an action is booked on that action's day, which may fall in the window
    -- when the record does not (the final SELECT keeps only parts the window replaces)
    WHERE occurred_at >= CAST($consequences_from AS TIMESTAMP) OR action_id IS NOT NULL
),

resolved AS (
    SELECT
        r.source,
        r.record_id,
        -- a consequence naming an action is dated on the action's day (SPEC 5)
        CASE
            WHEN r.source = 'consequence_records' AND a.action_id IS NOT NULL
                THEN a.attempted_date
            ELSE r.cost_date
        END AS cost_date,
        r.cost_date AS source_date,
        r.base_line,
        r.cost_status,
        r.amount_usd,
        r.input_tokens,
        r.cached_input_tokens,
        r.output_tokens,
        r.reasoning_tokens,
        r.requests,
        r.model,
        r.provider,
        a.action_id,
        a.outcome,
        COALESCE(s.run_session_id, p.run_session_id) AS run_session_id,
        COALESCE(s.root_task_id, p.root_task_id, a.task_id, r.task_id) AS task_id,
        COALESCE(a.agent_id, r.agent_id, s.agent_id, t.agent_id) AS agent_id,
        COALESCE(
            a.team_id, t.team_id, r.team_id, s.root_team_id, p.root_team_id, ta.team_id
        ) AS team_id,
        CASE
            WHEN a.action_id IS NOT NULL THEN 'action'
            WHEN COALESCE(s.root_task_id, p.root_task_id) IS NOT NULL THEN 'session_tree'
            WHEN r.task_id IS NOT NULL THEN 'task'
            WHEN r.agent_id IS NOT NULL THEN 'agent'
            WHEN r.team_id IS NOT NULL THEN 'team'
        END AS attribution
    FROM records AS r
    LEFT JOIN actions AS a ON a.action_id = r.action_id
    LEFT JOIN core.session_roots AS s ON s.session_id = r.session_id
    LEFT JOIN core.session_roots AS p ON p.session_id = r.parent_session_id
    LEFT JOIN tasks AS t ON t.task_id = COALESCE(s.root_task_id, p.root_task_id, a.task_id, r.task_id)
    LEFT JOIN (
        SELECT agent_id, MIN(team_id) AS team_id FROM actions GROUP BY agent_id
    ) AS ta ON ta.agent_id = COALESCE(a.agent_id, r.agent_id, s.agent_id)
),

-- Failed runs (SPEC 2): machine cost that names no action but the session of a run (or a
-- sub-agent session under it: the nearest session up the tree with actions, core.session_roots),
-- else its task, belongs to that run's (else that task's) actions. The part of it their failed
-- runs account for, one even share per action, is booked to the failed-run line; the rest stays
-- on its line. A cost with no known amount has no share to split: it is a failed run's only when
-- every one of those actions is a failed run.
run_actions AS (
    SELECT
        session_id,
        COUNT(*) AS actions,
        SUM(CASE WHEN outcome = 'failed_run' THEN 1 ELSE 0 END) AS failed_runs
    FROM actions
    WHERE session_id IS NOT NULL
    GROUP BY session_id
),

task_actions AS (
    SELECT
        task_id,
        COUNT(*) AS actions,
        SUM(CASE WHEN outcome = 'failed_run' THEN 1 ELSE 0 END) AS failed_runs
    FROM actions
    GROUP BY task_id
),

run_linked AS (
    SELECT
        r.*,
        COALESCE(ra.actions, ta.actions, 0) AS run_actions,
        COALESCE(ra.failed_runs, ta.failed_runs, 0) AS run_failed_runs
    FROM resolved AS r
    LEFT JOIN run_actions AS ra
        ON ra.session_id = r.run_session_id
    LEFT JOIN task_actions AS ta
        ON ta.task_id = r.task_id AND r.run_session_id IS NULL
),

run_shares AS (
    SELECT
        l.*,
        CAST(l.amount_usd * 1000000000000 AS HUGEINT) AS amount_units,
        divide_whole(CAST(l.amount_usd * 1000000000000 AS HUGEINT) * l.run_failed_runs, l.run_actions)
            AS failed_run_units
    FROM run_linked AS l
    WHERE l.action_id IS NULL
        AND l.attribution IN ('session_tree', 'task')
        AND l.base_line IN ('inference', 'tool', 'infrastructure')
        AND l.run_failed_runs > 0
        AND (l.amount_usd IS NOT NULL OR l.run_failed_runs = l.run_actions)
),

run_split AS (
    SELECT * EXCLUDE (run_actions, run_failed_runs)
    FROM run_linked AS l
    WHERE NOT EXISTS (
        SELECT 1 FROM run_shares AS x
        WHERE x.source = l.source AND x.record_id = l.record_id
    )
    UNION ALL
    SELECT
        source,
        record_id || CASE WHEN run_failed_runs < run_actions THEN '#failed_run' ELSE '' END,
        cost_date,
        source_date,
        base_line,
        cost_status,
        CASE
            WHEN run_failed_runs = run_actions THEN amount_usd
            ELSE CAST(failed_run_units AS DECIMAL(38, 0)) * CAST(0.000000000001 AS DECIMAL(13, 12))
        END AS amount_usd,
        CAST(divide_whole(CAST(input_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        CAST(divide_whole(CAST(cached_input_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        CAST(divide_whole(CAST(output_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        CAST(divide_whole(CAST(reasoning_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        -- the request is counted once, on its kept share
        CASE WHEN run_failed_runs < run_actions THEN 0 ELSE requests END,
        model,
        provider,
        action_id,
        'failed_run' AS outcome,
        run_session_id,
        task_id,
        agent_id,
        team_id,
        attribution
    FROM run_shares
    UNION ALL
    SELECT
        source,
        record_id,
        cost_date,
        source_date,
        base_line,
        cost_status,
        CAST(amount_units - failed_run_units AS DECIMAL(38, 0))
            * CAST(0.000000000001 AS DECIMAL(13, 12)) AS amount_usd,
        input_tokens - CAST(divide_whole(CAST(input_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        cached_input_tokens - CAST(divide_whole(CAST(cached_input_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        output_tokens - CAST(divide_whole(CAST(output_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        reasoning_tokens - CAST(divide_whole(CAST(reasoning_tokens AS HUGEINT) * run_failed_runs, run_actions) AS BIGINT),
        requests,
        model,
        provider,
        action_id,
        outcome,
        run_session_id,
        task_id,
        agent_id,
        team_id,
        attribution
    FROM run_shares
    WHERE run_failed_runs < run_actions
),

-- Labour naming only an agent or team: spread over that agent's / team's actions that day.
-- Consequences (SPEC 5): one naming only an agent or team is spread over that owner's failed
-- actions of the trailing survival window ending on its day, [day - $survival_window_days, day];
-- one naming a task (and no action) over the task's failed actions up to its day. A refund
-- follows the failures that can have caused it, never a later one. Such records are pooled
-- first (per source, day, line, status and agent, team or task), and each pool is split once,
-- however many records it holds; each consequence part is dated on its action's day.
spread_candidates AS (
    SELECT
        *,
        source || ':' || attribution || ':'
            || CASE attribution WHEN 'agent' THEN agent_id WHEN 'team' THEN team_id
                ELSE task_id END
            || '@' || CAST(cost_date AS VARCHAR) || '/' || base_line || '/' || cost_status
            AS pool_id
    FROM resolved
    WHERE base_line NOT LIKE 'change%' AND (
        (source = 'time_entries' AND attribution IN ('agent', 'team'))
        OR (source = 'consequence_records' AND attribution IN ('agent', 'team', 'task'))
    )
),

spread_pools AS (
    SELECT
        pool_id,
        MIN(source) AS source,
        MIN(cost_date) AS cost_date,
        CAST(MIN(cost_date) - $survival_window_days * INTERVAL 1 DAY AS DATE) AS window_from,
        MIN(base_line) AS base_line,
        MIN(cost_status) AS cost_status,
        MIN(attribution) AS attribution,
        MIN(CASE WHEN attribution = 'agent' THEN agent_id END) AS agent_id,
        MIN(CASE WHEN attribution = 'team' THEN team_id END) AS team_id,
        MIN(CASE WHEN attribution = 'task' THEN task_id END) AS task_id,
        SUM(amount_usd) AS amount_usd
    FROM spread_candidates
    GROUP BY pool_id
),

failed_actions AS (
    SELECT * FROM actions WHERE outcome IN ('failed', 'failed_run')
),

-- equi-joins, one per kind of pool, rather than one join on OR, which would compare every pair
spread_matches AS (
    SELECT p.pool_id, a.action_id
    FROM spread_pools AS p
    INNER JOIN actions AS a ON a.agent_id = p.agent_id AND a.attempted_date = p.cost_date
    WHERE p.source = 'time_entries' AND p.attribution = 'agent'
    UNION ALL
    SELECT p.pool_id, a.action_id
    FROM spread_pools AS p
    INNER JOIN actions AS a ON a.team_id = p.team_id AND a.attempted_date = p.cost_date
    WHERE p.source = 'time_entries' AND p.attribution = 'team'
    UNION ALL
    SELECT p.pool_id, a.action_id
    FROM spread_pools AS p
    INNER JOIN failed_actions AS a
        ON a.agent_id = p.agent_id
        AND a.attempted_date BETWEEN p.window_from AND p.cost_date
    WHERE p.source = 'consequence_records' AND p.attribution = 'agent'
    UNION ALL
    SELECT p.pool_id, a.action_id
    FROM spread_pools AS p
    INNER JOIN failed_actions AS a
        ON a.team_id = p.team_id
        AND a.attempted_date BETWEEN p.window_from AND p.cost_date
    WHERE p.source = 'consequence_records' AND p.attribution = 'team'
    UNION ALL
    SELECT p.pool_id, a.action_id
    FROM spread_pools AS p
    INNER JOIN failed_actions AS a
        ON a.task_id = p.task_id
        AND a.attempted_date <= p.cost_date
    WHERE p.source = 'consequence_records' AND p.attribution = 'task'
),

spread_targets AS (
    SELECT
        pool_id,
        action_id,
        ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY action_id) AS part_rank,
        COUNT(*) OVER (PARTITION BY pool_id) AS n_parts
    FROM spread_matches
),

spread AS (
    SELECT
        p.source,
        p.pool_id || '>' || t.action_id AS record_id,
        a.attempted_date AS cost_date,
        p.cost_date AS source_date,
        p.base_line,
        p.cost_status,
        CAST(
            divide_whole(CAST(p.amount_usd * 1000000000000 AS HUGEINT), t.n_parts)
            + CASE
                WHEN t.part_rank = 1
                    THEN CAST(p.amount_usd * 1000000000000 AS HUGEINT)
                    - (divide_whole(CAST(p.amount_usd * 1000000000000 AS HUGEINT), t.n_parts)) * t.n_parts
                ELSE 0
            END AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12)) AS amount_usd,
        0 AS input_tokens,
        0 AS cached_input_tokens,
        0 AS output_tokens,
        0 AS reasoning_tokens,
        0 AS requests,
        CAST(NULL AS VARCHAR) AS model,
        CAST(NULL AS VARCHAR) AS provider,
        a.action_id,
        a.outcome,
        CAST(NULL AS VARCHAR) AS run_session_id,
        a.task_id,
        a.agent_id,
        a.team_id,
        'spread_' || p.attribution AS attribution
    FROM spread_pools AS p
    INNER JOIN spread_targets AS t ON t.pool_id = p.pool_id
    INNER JOIN actions AS a ON a.action_id = t.action_id
),

-- records whose pool found actions to spread over; the others stay as they are (an owner-level
-- consequence with no failed action in its window on the owner's rows, on its own day)
spread_records AS (
    SELECT source, record_id
    FROM spread_candidates
    WHERE pool_id IN (SELECT pool_id FROM spread_targets)
),

direct AS (
    SELECT r.*
    FROM run_split AS r
    WHERE NOT EXISTS (
        SELECT 1 FROM spread_records AS x
        WHERE x.source = r.source AND x.record_id = r.record_id
    )
    AND NOT (
        r.source = 'billing_lines' AND r.attribution IS NULL
        AND r.base_line IN ('infrastructure', 'tool')
    )
    UNION ALL
    SELECT * FROM spread
),

-- Untagged billing: the day's pool of it is allocated over the owners with machine cost (or
-- actions, or tokens) that day; charges and credits in two pools, so credits stay visible, and
-- tool services' lines in pools of their own, allocated on the tool line.
shared AS (
    SELECT * FROM resolved
    WHERE source = 'billing_lines' AND attribution IS NULL
        AND base_line IN ('infrastructure', 'tool')
),

shared_pools AS (
    SELECT
        'billing_lines' AS source,
        'shared@' || CAST(cost_date AS VARCHAR) || '/' || cost_status
            || CASE WHEN base_line = 'tool' THEN '/tool' ELSE '' END
            || CASE WHEN is_credit THEN '/credit' ELSE '' END AS record_id,
        cost_date,
        base_line,
        cost_status,
        SUM(amount_usd) AS amount_usd
    FROM (SELECT *, amount_usd < 0 AS is_credit FROM shared) AS s
    GROUP BY cost_date, base_line, cost_status, is_credit
),

targets AS (
    SELECT
        d.cost_date,
        d.task_id,
        d.agent_id,
        d.team_id,
        SUM(
            CASE
                WHEN d.base_line IN ('inference', 'tool', 'infrastructure')
                    AND d.amount_usd > 0 THEN d.amount_usd
                ELSE 0
            END
        ) AS machine_cost_usd,
        SUM(d.input_tokens + d.output_tokens) AS tokens,
        COUNT(DISTINCT d.action_id) AS actions
    FROM direct AS d
    WHERE d.team_id IS NOT NULL AND d.base_line IN ('inference', 'tool', 'infrastructure')
    GROUP BY d.cost_date, d.task_id, d.agent_id, d.team_id
),

weighted_targets AS (
    SELECT
        t.*,
        CASE
            WHEN $allocation_rule = 'even' THEN CAST(1 AS HUGEINT)
            WHEN $allocation_rule = 'driver' AND $allocation_driver = 'tokens'
                THEN CAST(t.tokens AS HUGEINT)
            WHEN $allocation_rule = 'driver' AND $allocation_driver = 'actions'
                THEN CAST(t.actions AS HUGEINT)
            ELSE CAST(t.machine_cost_usd * 1000000000000 AS HUGEINT)
        END AS weight
    FROM targets AS t
),

allocation_parts AS (
    SELECT
        s.source,
        s.record_id,
        s.cost_date,
        s.base_line,
        s.cost_status,
        w.task_id,
        w.agent_id,
        w.team_id,
        CAST(s.amount_usd * 1000000000000 AS HUGEINT) AS amount_units,
        w.weight,
        SUM(w.weight) OVER (PARTITION BY s.record_id) AS total_weight,
        ROW_NUMBER() OVER (
            PARTITION BY s.record_id ORDER BY w.weight DESC, w.team_id, w.agent_id, w.task_id
        ) AS part_rank
    FROM shared_pools AS s
    INNER JOIN weighted_targets AS w ON w.cost_date = s.cost_date AND w.weight > 0
),

allocation_floor AS (
    SELECT *, divide_whole(amount_units * weight, total_weight) AS floor_units
    FROM allocation_parts
),

allocated AS (
    SELECT
        f.source,
        f.record_id || '>' || COALESCE(f.team_id, '') || '/' || COALESCE(f.agent_id, '') || '/'
            || COALESCE(f.task_id, '') AS record_id,
        f.cost_date,
        f.cost_date AS source_date,
        f.base_line,
        f.cost_status,
        CAST(
            f.floor_units
            + CASE
                WHEN f.part_rank = 1
                    THEN f.amount_units - SUM(f.floor_units) OVER (PARTITION BY f.record_id)
                ELSE 0
            END AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12)) AS amount_usd,
        0 AS input_tokens,
        0 AS cached_input_tokens,
        0 AS output_tokens,
        0 AS reasoning_tokens,
        0 AS requests,
        CAST(NULL AS VARCHAR) AS model,
        CAST(NULL AS VARCHAR) AS provider,
        CAST(NULL AS VARCHAR) AS action_id,
        CAST(NULL AS VARCHAR) AS outcome,
        CAST(NULL AS VARCHAR) AS run_session_id,
        f.task_id,
        f.agent_id,
        f.team_id,
        'allocated_' || CASE
            WHEN $allocation_rule = 'driver' THEN 'driver_' || $allocation_driver
            ELSE $allocation_rule
        END AS attribution
    FROM allocation_floor AS f
),

unallocatable_shared AS (
    SELECT s.*
    FROM shared AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM weighted_targets AS w WHERE w.cost_date = s.cost_date AND w.weight > 0
    )
),

booked AS (
    SELECT * FROM direct
    UNION ALL
    SELECT * FROM allocated
    UNION ALL
    SELECT * FROM unallocatable_shared
)

SELECT
    b.source,
    b.record_id,
    b.cost_date,
    b.source_date,
    CASE
        WHEN b.base_line LIKE 'change%' THEN b.base_line
        WHEN b.attribution IS NULL THEN 'unallocated'
        WHEN b.base_line = 'other' THEN 'unallocated'
        WHEN b.base_line IN ('inference', 'tool') AND b.outcome = 'failed_run' THEN 'failed_run'
        WHEN b.base_line = 'infrastructure' AND b.attribution IN ('action', 'session_tree', 'task')
            AND b.outcome = 'failed_run' THEN 'failed_run'
        ELSE b.base_line
    END AS cost_line,
    CASE
        WHEN b.attribution IS NOT NULL AND b.base_line = 'other'
            THEN 'labour activity outside the agent cost lines'
        WHEN b.attribution IS NOT NULL THEN NULL
        WHEN b.base_line LIKE 'change%' THEN 'development cost naming no team'
        WHEN b.source IN ('billing_lines', 'provider_costs') AND b.base_line = 'inference'
            THEN 'LLM bill with no request of its provider logged that day'
        WHEN b.source = 'billing_lines' THEN 'shared cost with no attributed cost that day'
        ELSE 'names no action, task, session, agent or team'
    END AS unallocated_reason,
    b.base_line AS source_line_kind,
    b.amount_usd,
    b.cost_status,
    b.action_id,
    b.task_id,
    b.agent_id,
    b.team_id,
    COALESCE(a.task_type, t.task_type, 'unspecified') AS task_type,
    COALESCE(a.risk_grade, t.risk_grade, 'G3') AS risk_grade,
    COALESCE(b.attribution, 'unallocated') AS attribution,
    CAST(b.requests AS BIGINT) AS requests,
    CAST(b.input_tokens AS BIGINT) AS input_tokens,
    CAST(b.cached_input_tokens AS BIGINT) AS cached_input_tokens,
    CAST(b.output_tokens AS BIGINT) AS output_tokens,
    CAST(b.reasoning_tokens AS BIGINT) AS reasoning_tokens,
    b.model,
    b.provider
FROM booked AS b
LEFT JOIN actions AS a ON a.action_id = b.action_id
LEFT JOIN tasks AS t ON t.task_id = b.task_id
-- the consequence parts this window replaces: those of records from $consequences_from, and
-- those dated in it (a record naming an action attempted after the record's own day)
WHERE b.source <> 'consequence_records'
    OR b.source_date >= $consequences_from
    OR b.cost_date >= $consequences_from
