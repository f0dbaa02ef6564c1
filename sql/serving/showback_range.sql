-- One row per window and owner at one of five grains (fleet, team, agent, task type, task), for
-- the UTC days from_day to to_day (both inclusive; a NULL bound leaves that side open): the table
-- macro showback_between(from_day, to_day), or one row per ISO week (Monday to Sunday, clipped to
-- the bounds) with by_week := true. Source: serving.showback_daily_facts, in the warehouse and in
-- the published database alike. Columns and rules are marts.showback's with from_day and to_day
-- for period and period_start (SPEC 11): every figure is summed over the window's days first and
-- every ratio is taken from those sums (cost over the window's accepted units), never averaged
-- from daily ratios; sessions are counted once in the window however many days they span. A
-- window is provisional unless every action in it is confirmed and every failure impact matured.
-- at_grain := 'team' (or 'fleet', 'agent', 'task_type', 'task') computes that grain alone: the
-- other grains' rows are constant-false branches that DuckDB drops before reading anything, so the
-- weekly views each pay for their own grain only. Any other value matches no grain and gives no
-- rows (an error raised here would keep DuckDB from dropping the other branches).
CREATE OR REPLACE MACRO showback_between(from_day, to_day, by_week := false, at_grain := NULL)
AS TABLE
WITH in_range AS (
    SELECT
        f.*,
        CAST(date_trunc('week', f.day) AS DATE) AS week_start
    FROM serving.showback_daily_facts
        AS f
    WHERE (from_day IS NULL OR f.day >= CAST(from_day AS DATE))
        AND (to_day IS NULL OR f.day <= CAST(to_day AS DATE))
),

windowed AS (
    SELECT
        r.*,
        CASE
            WHEN NOT by_week THEN CAST(from_day AS DATE)
            WHEN from_day IS NOT NULL AND CAST(from_day AS DATE) > r.week_start
                THEN CAST(from_day AS DATE)
            ELSE r.week_start
        END AS window_from,
        CASE
            WHEN NOT by_week THEN CAST(to_day AS DATE)
            WHEN to_day IS NOT NULL AND CAST(to_day AS DATE) < r.week_start + 6
                THEN CAST(to_day AS DATE)
            ELSE r.week_start + 6
        END AS window_to
    FROM in_range AS r
),

-- each fact once per grain asked for, keyed by that grain's owner columns (the others NULL)
keyed AS (
    SELECT
        'fleet' AS grain, CAST(NULL AS VARCHAR) AS owner_team_id,
        CAST(NULL AS VARCHAR) AS owner_agent_id, CAST(NULL AS VARCHAR) AS owner_task_type,
        CAST(NULL AS VARCHAR) AS owner_task_id, w.*
    FROM windowed AS w
    WHERE COALESCE(at_grain, 'fleet') = 'fleet'
    UNION ALL
    SELECT 'team', w.team_id, NULL, NULL, NULL, w.*
    FROM windowed AS w
    WHERE COALESCE(at_grain, 'team') = 'team'
    UNION ALL
    SELECT 'agent', NULL, w.agent_id, NULL, NULL, w.*
    FROM windowed AS w
    WHERE COALESCE(at_grain, 'agent') = 'agent'
    UNION ALL
    SELECT 'task_type', NULL, NULL, w.task_type, NULL, w.*
    FROM windowed AS w
    WHERE COALESCE(at_grain, 'task_type') = 'task_type'
    UNION ALL
    SELECT 'task', w.team_id, w.agent_id, w.task_type, w.task_id, w.*
    FROM windowed AS w
    WHERE COALESCE(at_grain, 'task') = 'task'
),

grouped AS (
    SELECT
        window_from,
        window_to,
        grain,
        owner_team_id AS team_id,
        owner_agent_id AS agent_id,
        owner_task_type AS task_type,
        owner_task_id AS task_id,
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
    FROM keyed
    GROUP BY window_from, window_to, grain, owner_team_id, owner_agent_id, owner_task_type,
        owner_task_id
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
    t.window_from AS from_day,
    t.window_to AS to_day,
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
FROM totals AS t;
