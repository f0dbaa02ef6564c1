-- One row per run: the first day core and marts recompute, and each reason that can move it.
-- Source: audit.changes (rows added or removed since the last published build, dated by the
-- earliest day they, or the action they name, belong to), core.action_outcomes (accepted actions
-- whose survival window closes by $as_of) and staging.action_events (events between the last
-- build's as_of and this one's, which change outcomes not known before).
-- The run recomputes every day from the first of the month holding the earliest of: the run's
-- own first day, the day $survival_window_days + 1 days before the earlier as_of (open windows,
-- whose outcomes and estimated failure impact can still move), the three days above and the
-- first day a consequence part can move (below). Days before it cannot have changed; month rows
-- need whole months.
-- records_from is the narrower window of the record-grain models (core.llm_request_costs,
-- core.labour_costs, core.billing_line_days), whose rows depend on nothing but their own inputs:
-- the earliest day a request, price, bill, provider report, time entry or loaded rate changed, not
-- rounded to a month; 9999-12-31 when none changed, so a day's run prices that day's records
-- only, however long the history. ledger_from is the window of the cost ledger's parts other than
-- consequences (and of their showback facts): the earliest day an input other than a consequence
-- record changed, or a newly known event's action day, not rounded to a month. Those parts depend
-- on their own day's records and actions (spreads over a day's actions, a day's shared billing,
-- failed runs), never on how an open survival window ends.
-- consequences_from is the first record day whose consequence parts the ledger recomputes: the
-- earliest changed input day of any source or newly known event's action day. A consequence
-- record's parts depend on the record and on failed actions up to its day (its action, its
-- task's failures, its owner's failures of the trailing survival window), so records dated
-- before that day cannot have moved. Their parts are dated on their actions' days, so the
-- month rows are recomputed from first_consequence_part_day: the earliest of consequences_from
-- minus the survival window (an owner's spread), the earliest action of a task named by such a
-- record (a task's spread), and the earliest day of the parts those records had before.
-- @run_state the run's recompute window, written to audit.recompute_windows (pipeline/run_state.py)
WITH bounds AS (
    SELECT
        CAST($as_of AS TIMESTAMP) AS as_of,
        LEAST(CAST($as_of AS TIMESTAMP), COALESCE(CAST($previous_as_of AS TIMESTAMP),
            CAST($as_of AS TIMESTAMP))) AS earlier_as_of,
        GREATEST(CAST($as_of AS TIMESTAMP), COALESCE(CAST($previous_as_of AS TIMESTAMP),
            CAST($as_of AS TIMESTAMP))) AS later_as_of
),

changed_inputs AS (
    SELECT MIN(first_changed_day) AS first_day
    FROM audit.changes
    WHERE loaded_at > COALESCE(CAST($changes_since AS TIMESTAMP), TIMESTAMP '0001-01-01 00:00:00')
),

changed_other_inputs AS (
    SELECT MIN(first_changed_day) AS first_day
    FROM audit.changes
    WHERE loaded_at > COALESCE(CAST($changes_since AS TIMESTAMP), TIMESTAMP '0001-01-01 00:00:00')
        AND source <> 'consequence_records'
),

changed_records AS (
    SELECT MIN(first_changed_day) AS first_day
    FROM audit.changes
    WHERE loaded_at > COALESCE(CAST($changes_since AS TIMESTAMP), TIMESTAMP '0001-01-01 00:00:00')
        AND source IN ('llm_requests', 'model_prices', 'billing_lines', 'provider_costs',
            'provider_usage', 'time_entries', 'loaded_rates')
),

closing_windows AS (
    SELECT MIN(o.attempted_date) AS first_day
    FROM core.action_outcomes AS o
    CROSS JOIN bounds AS b
    WHERE o.outcome = 'accepted_provisional' AND o.window_ends_at <= b.later_as_of
),

newly_known_events AS (
    SELECT MIN(CAST(a.attempted_at AS DATE)) AS first_day
    FROM staging.action_events AS e
    INNER JOIN staging.agent_actions AS a ON a.action_id = e.action_id
    CROSS JOIN bounds AS b
    WHERE e.occurred_at > b.earlier_as_of AND e.occurred_at <= b.later_as_of
),

consequence_window AS (
    SELECT COALESCE(LEAST(c.first_day, n.first_day), DATE '9999-12-31') AS consequences_from
    FROM changed_inputs AS c
    CROSS JOIN newly_known_events AS n
),

-- the earliest day a part of a recomputed consequence record is dated on, before or after
consequence_parts AS (
    SELECT MIN(day) AS first_day
    FROM (
        SELECT CAST(w.consequences_from - $survival_window_days * INTERVAL 1 DAY AS DATE) AS day
        FROM consequence_window AS w
        WHERE w.consequences_from < DATE '9999-12-31'
        UNION ALL
        SELECT MIN(CAST(a.attempted_at AS DATE))
        FROM staging.consequence_records AS r
        INNER JOIN staging.agent_actions AS a ON a.task_id = r.task_id
        CROSS JOIN consequence_window AS w
        WHERE r.action_id IS NULL AND r.occurred_at >= CAST(w.consequences_from AS TIMESTAMP)
        UNION ALL
        SELECT MIN(l.cost_date)
        FROM core.cost_ledger AS l
        CROSS JOIN consequence_window AS w
        WHERE l.source = 'consequence_records' AND l.source_date >= w.consequences_from
    ) AS days
),

candidates AS (
    SELECT
        b.as_of,
        CAST($run_first_day AS DATE) AS run_first_day,
        CAST(b.earlier_as_of - ($survival_window_days + 1) * INTERVAL 1 DAY AS DATE)
            AS open_window_day,
        c.first_day AS first_changed_input_day,
        w.first_day AS first_closing_window_day,
        n.first_day AS first_newly_known_event_day,
        q.first_day AS first_consequence_part_day,
        COALESCE(r.first_day, DATE '9999-12-31') AS records_from,
        COALESCE(LEAST(o.first_day, n.first_day), DATE '9999-12-31') AS ledger_from,
        cw.consequences_from
    FROM bounds AS b
    CROSS JOIN changed_inputs AS c
    CROSS JOIN changed_other_inputs AS o
    CROSS JOIN changed_records AS r
    CROSS JOIN closing_windows AS w
    CROSS JOIN newly_known_events AS n
    CROSS JOIN consequence_window AS cw
    CROSS JOIN consequence_parts AS q
)

SELECT
    *,
    CAST(date_trunc('month', LEAST(
        run_first_day, open_window_day, first_changed_input_day, first_closing_window_day,
        first_newly_known_event_day, first_consequence_part_day
    )) AS DATE) AS recompute_from
FROM candidates
