-- One row per period (UTC day or month) and owner at one of five grains: the fleet, a team, an
-- agent, a task type, or a task (with its team, agent and task type), headed by cost per accepted
-- action (SPEC 1, 6). Source: core.showback_facts. The seven cost lines, direct cost (the six
-- lines without failure impact), total cost, and the three figures: cost per run (total /
-- attempted actions), direct cost per accepted action and cost per accepted action (over accepted
-- units). A ratio over zero accepted units is NULL and headline_status says why; a row with an
-- open survival window, a pending action or an estimated failure impact is provisional
-- (window_complete false). Negative amounts are valid (SPEC 9): a day, a line or an owner can net
-- negative and is published as it is. credits_usd is the sum of the credits (ledger parts and
-- failure impacts below 0, core.showback_facts) inside total_cost_usd, so gross charges are
-- total_cost_usd - credits_usd. Shares are each line over the total whenever the total is not 0,
-- negative totals included (they still sum to 1; on a net-credit row a charge line's share is
-- negative and the credit line's above 1), and 0 when the total is 0 (SPEC 7's zero-cost vector).
-- consequences_on_accepted_usd is the part of the failure impact line booked from consequence
-- records linked to actions that ended accepted (SPEC 5, a coverage finding). Coverage (SPEC 12):
-- spend_attributed_share is the seven lines' spend with an owner over the seven lines' spend
-- (labour outside the lines is in neither); labour_hours_mapped_share the hours of oversight and
-- remediation time entries that reached an action or task over all their hours.
-- Only periods starting on or after $recompute_from (a month's first day) are written.
-- @time_column period_start
-- @summary_by grain
WITH grouped AS (
    SELECT
        CASE WHEN GROUPING(day) = 0 THEN 'day' ELSE 'month' END AS period,
        COALESCE(day, month) AS period_start,
        CASE
            WHEN GROUPING(task_id) = 0 THEN 'task'
            WHEN GROUPING(team_id) = 0 THEN 'team'
            WHEN GROUPING(agent_id) = 0 THEN 'agent'
            WHEN GROUPING(task_type) = 0 THEN 'task_type'
            ELSE 'fleet'
        END AS grain,
        team_id,
        agent_id,
        task_type,
        task_id,
        SUM(CASE WHEN line = 'inference' THEN amount_usd ELSE 0 END) AS inference_cost_usd,
        SUM(CASE WHEN line = 'tool' THEN amount_usd ELSE 0 END) AS tool_cost_usd,
        SUM(CASE WHEN line = 'infrastructure' THEN amount_usd ELSE 0 END)
            AS infrastructure_cost_usd,
        SUM(CASE WHEN line = 'oversight' THEN amount_usd ELSE 0 END) AS oversight_cost_usd,
        SUM(CASE WHEN line = 'remediation' THEN amount_usd ELSE 0 END) AS remediation_cost_usd,
        SUM(CASE WHEN line = 'failed_run' THEN amount_usd ELSE 0 END) AS failed_run_cost_usd,
        SUM(CASE WHEN line = 'failure_impact' THEN amount_usd ELSE 0 END)
            AS failure_impact_cost_usd,
        SUM(CASE WHEN is_unallocated THEN amount_usd ELSE 0 END) AS unallocated_cost_usd,
        SUM(
            CASE
                WHEN is_unallocated AND line IN ('inference', 'tool', 'infrastructure',
                    'oversight', 'remediation', 'failed_run', 'failure_impact') THEN amount_usd
                ELSE 0
            END
        ) AS unallocated_line_cost_usd,
        SUM(consequences_on_accepted_usd) AS consequences_on_accepted_usd,
        SUM(CASE WHEN line = 'other' THEN amount_usd ELSE 0 END) AS other_labour_cost_usd,
        -- the credits inside the seven lines (labour outside them feeds no line of the total)
        SUM(
            CASE
                WHEN line IN ('inference', 'tool', 'infrastructure', 'oversight', 'remediation',
                    'failed_run', 'failure_impact') THEN credits_usd
                ELSE 0
            END
        ) AS credits_usd,
        SUM(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS attempted_actions,
        SUM(CASE WHEN outcome IN ('accepted_confirmed', 'accepted_provisional') THEN 1 ELSE 0 END)
            AS accepted_actions,
        SUM(CASE WHEN outcome = 'accepted_confirmed' THEN 1 ELSE 0 END)
            AS accepted_confirmed_actions,
        SUM(CASE WHEN outcome = 'accepted_provisional' THEN 1 ELSE 0 END)
            AS accepted_provisional_actions,
        SUM(accepted_units) AS accepted_units,
        SUM(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) AS failed_actions,
        SUM(CASE WHEN outcome = 'failed_run' THEN 1 ELSE 0 END) AS failed_run_actions,
        SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END) AS pending_actions,
        SUM(CASE WHEN is_correct_escalation AND outcome <> 'failed_run' THEN 1 ELSE 0 END)
            AS correct_escalations,
        SUM(CASE WHEN failure_reason = 'failure_escalation' THEN 1 ELSE 0 END)
            AS failure_escalations,
        SUM(
            CASE
                WHEN failure_reason IN
                    ('overridden', 'reverted', 'rolled_back', 'redone', 'rerun', 'reopened')
                    THEN 1
                ELSE 0
            END
        ) AS overridden_or_reversed_actions,
        SUM(CASE WHEN impact_basis IN ('estimated', 'observed_so_far') THEN 1 ELSE 0 END)
            AS immature_failure_impacts,
        SUM(CASE WHEN impact_basis = 'estimated' THEN amount_usd ELSE 0 END)
            AS failure_impact_estimated_usd,
        SUM(
            CASE
                WHEN line = 'failure_impact' AND COALESCE(impact_basis, 'observed') <> 'estimated'
                    THEN amount_usd
                ELSE 0
            END
        ) AS failure_impact_observed_usd,
        SUM(requests) AS requests,
        SUM(requests_priced) AS requests_priced,
        SUM(tokens) AS tokens,
        SUM(reasoning_tokens) AS reasoning_tokens,
        SUM(labour_hours) AS labour_hours,
        SUM(labour_hours_mapped) AS labour_hours_mapped,
        COUNT(DISTINCT session_id) AS sessions
    FROM core.showback_facts
    WHERE day >= $recompute_from
    GROUP BY GROUPING SETS (
        (day), (day, team_id), (day, agent_id), (day, task_type),
        (day, task_id, team_id, agent_id, task_type),
        (month), (month, team_id), (month, agent_id), (month, task_type),
        (month, task_id, team_id, agent_id, task_type)
    )
),

totals AS (
    SELECT
        g.*,
        inference_cost_usd + tool_cost_usd + infrastructure_cost_usd + oversight_cost_usd
        + remediation_cost_usd + failed_run_cost_usd AS direct_cost_usd,
        inference_cost_usd + tool_cost_usd + infrastructure_cost_usd + oversight_cost_usd
        + remediation_cost_usd + failed_run_cost_usd + failure_impact_cost_usd AS total_cost_usd,
        accepted_provisional_actions = 0 AND pending_actions = 0 AND immature_failure_impacts = 0
            AS window_complete
    FROM grouped AS g
)

SELECT
    t.period,
    t.period_start,
    t.grain,
    t.team_id,
    t.agent_id,
    t.task_type,
    t.task_id,
    divide_decimal(t.total_cost_usd, t.accepted_units) AS cost_per_accepted_action,
    divide_decimal(t.direct_cost_usd, t.accepted_units) AS direct_cost_per_accepted_action,
    divide_decimal(t.total_cost_usd, t.attempted_actions) AS cost_per_run,
    CASE
        WHEN t.accepted_units = 0 THEN 'no accepted units: ratio not defined'
        WHEN NOT t.window_complete THEN 'provisional'
        ELSE 'final'
    END AS headline_status,
    t.window_complete,
    CAST(t.attempted_actions AS BIGINT) AS attempted_actions,
    CAST(t.accepted_actions AS BIGINT) AS accepted_actions,
    CAST(t.accepted_confirmed_actions AS BIGINT) AS accepted_confirmed_actions,
    CAST(t.accepted_provisional_actions AS BIGINT) AS accepted_provisional_actions,
    t.accepted_units,
    CAST(t.failed_actions AS BIGINT) AS failed_actions,
    CAST(t.failed_run_actions AS BIGINT) AS failed_run_actions,
    CAST(t.pending_actions AS BIGINT) AS pending_actions,
    t.inference_cost_usd,
    t.tool_cost_usd,
    t.infrastructure_cost_usd,
    t.oversight_cost_usd,
    t.remediation_cost_usd,
    t.failed_run_cost_usd,
    t.failure_impact_cost_usd,
    t.direct_cost_usd,
    t.total_cost_usd,
    t.credits_usd,
    t.failure_impact_observed_usd,
    t.failure_impact_estimated_usd,
    t.unallocated_cost_usd,
    t.other_labour_cost_usd,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.inference_cost_usd, t.total_cost_usd) END AS inference_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.tool_cost_usd, t.total_cost_usd) END AS tool_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.infrastructure_cost_usd, t.total_cost_usd) END
        AS infrastructure_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.oversight_cost_usd, t.total_cost_usd) END AS oversight_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.remediation_cost_usd, t.total_cost_usd) END AS remediation_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.failed_run_cost_usd, t.total_cost_usd) END AS failed_run_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.failure_impact_cost_usd, t.total_cost_usd) END
        AS failure_impact_share,
    divide_decimal(t.accepted_actions, t.attempted_actions) AS acceptance_rate,
    divide_decimal(t.overridden_or_reversed_actions, t.attempted_actions)
        AS override_reversal_rate,
    divide_decimal(t.failure_escalations, t.attempted_actions) AS failure_escalation_rate,
    divide_decimal(t.correct_escalations, t.attempted_actions) AS correct_escalation_rate,
    divide_decimal(t.failed_run_actions, t.attempted_actions) AS failed_run_rate,
    divide_decimal(t.tokens, t.accepted_actions) AS tokens_per_accepted_action,
    divide_decimal(t.reasoning_tokens, t.accepted_actions) AS reasoning_to_action_ratio,
    divide_decimal(t.requests, t.attempted_actions) AS requests_per_action,
    divide_decimal(t.total_cost_usd, t.sessions) AS cost_per_session,
    t.sessions,
    CAST(t.requests AS BIGINT) AS requests,
    CAST(t.tokens AS BIGINT) AS tokens,
    CAST(t.reasoning_tokens AS BIGINT) AS reasoning_tokens,
    divide_decimal(t.total_cost_usd - t.unallocated_line_cost_usd, t.total_cost_usd)
        AS spend_attributed_share,
    divide_decimal(t.attempted_actions - t.pending_actions, t.attempted_actions)
        AS outcome_known_share,
    divide_decimal(t.labour_hours_mapped, t.labour_hours) AS labour_hours_mapped_share,
    divide_decimal(t.requests_priced, t.requests) AS requests_priced_share,
    t.consequences_on_accepted_usd
FROM totals AS t
