-- One row per UTC month and team (grain 'team'), and per month for all teams (grain 'fleet'),
-- headed by cost per accepted change (seed 001, SPEC 1 and 7): the five lines (model,
-- infrastructure, engineering, review, rework) over the change units merged that month that
-- stayed merged through their survival window. Source: core.change_costs (costs by the month
-- they were incurred) and core.change_outcomes / core.change_repair_candidates (changes by the
-- month they were merged, for the team owning the repository). Changes still inside their window
-- are provisional: counted beside the headline, never in it; a month with provisional changes
-- has window_complete false and headline_status 'provisional'. With no accepted change units
-- the ratio is NULL and headline_status says why.
-- @rebuilt_whole pull requests are few
-- @summary_by grain
WITH facts AS (
    SELECT
        month,
        team_id,
        cost_line,
        cost_usd,
        parts_with_unknown_cost,
        CAST(NULL AS VARCHAR) AS change_kind,
        CAST(NULL AS VARCHAR) AS outcome,
        0 AS change_units,
        0 AS lines_counted,
        0 AS lines_excluded,
        0 AS repair_candidates
    FROM core.change_costs
    UNION ALL
    SELECT
        CAST(date_trunc('month', merged_date) AS DATE),
        COALESCE(team_id, 'unallocated'),
        NULL,
        0,
        0,
        change_kind,
        outcome,
        change_units,
        lines_counted,
        lines_excluded,
        0
    FROM core.change_outcomes
    UNION ALL
    SELECT
        CAST(date_trunc('month', merged_at) AS DATE),
        COALESCE(team_id, 'unallocated'),
        NULL,
        0,
        0,
        NULL,
        NULL,
        0,
        0,
        0,
        1
    FROM core.change_repair_candidates
),

grouped AS (
    SELECT
        month,
        CASE WHEN GROUPING(team_id) = 0 THEN 'team' ELSE 'fleet' END AS grain,
        team_id,
        SUM(CASE WHEN cost_line = 'change_model' THEN cost_usd ELSE 0 END) AS model_cost_usd,
        SUM(CASE WHEN cost_line = 'change_infrastructure' THEN cost_usd ELSE 0 END)
            AS infrastructure_cost_usd,
        SUM(CASE WHEN cost_line = 'change_engineering' THEN cost_usd ELSE 0 END)
            AS engineering_cost_usd,
        SUM(CASE WHEN cost_line = 'change_review' THEN cost_usd ELSE 0 END) AS review_cost_usd,
        SUM(CASE WHEN cost_line = 'change_rework' THEN cost_usd ELSE 0 END) AS rework_cost_usd,
        SUM(parts_with_unknown_cost) AS cost_parts_with_unknown_price,
        SUM(CASE WHEN change_kind = 'change' THEN 1 ELSE 0 END) AS changes_merged,
        SUM(CASE WHEN change_kind = 'revert' THEN 1 ELSE 0 END) AS reverts_merged,
        SUM(CASE WHEN outcome = 'reverted' THEN 1 ELSE 0 END) AS changes_reverted,
        SUM(CASE WHEN outcome = 'accepted_confirmed' THEN 1 ELSE 0 END) AS changes_accepted,
        SUM(CASE WHEN outcome = 'accepted_provisional' THEN 1 ELSE 0 END)
            AS changes_provisional,
        SUM(CASE WHEN outcome = 'accepted_confirmed' THEN change_units ELSE 0 END)
            AS accepted_change_units,
        SUM(CASE WHEN outcome = 'accepted_provisional' THEN change_units ELSE 0 END)
            AS provisional_change_units,
        SUM(CASE WHEN outcome = 'reverted' THEN change_units ELSE 0 END)
            AS reverted_change_units,
        SUM(lines_counted) AS lines_counted,
        SUM(lines_excluded) AS lines_excluded,
        SUM(repair_candidates) AS repair_candidates
    FROM facts
    GROUP BY GROUPING SETS ((month, team_id), (month))
),

totals AS (
    SELECT
        g.*,
        model_cost_usd + infrastructure_cost_usd + engineering_cost_usd + review_cost_usd
        + rework_cost_usd AS total_cost_usd
    FROM grouped AS g
)

SELECT
    t.month,
    t.grain,
    t.team_id,
    divide_decimal(t.total_cost_usd, t.accepted_change_units) AS cost_per_accepted_change,
    CASE
        WHEN t.accepted_change_units = 0 THEN 'no accepted change units: ratio not defined'
        WHEN t.changes_provisional > 0 THEN 'provisional'
        ELSE 'final'
    END AS headline_status,
    t.changes_provisional = 0 AS window_complete,
    t.model_cost_usd,
    t.infrastructure_cost_usd,
    t.engineering_cost_usd,
    t.review_cost_usd,
    t.rework_cost_usd,
    t.total_cost_usd,
    CAST(t.cost_parts_with_unknown_price AS BIGINT) AS cost_parts_with_unknown_price,
    CAST(t.accepted_change_units AS BIGINT) AS accepted_change_units,
    CAST(t.provisional_change_units AS BIGINT) AS provisional_change_units,
    CAST(t.reverted_change_units AS BIGINT) AS reverted_change_units,
    CAST(t.changes_merged AS BIGINT) AS changes_merged,
    CAST(t.changes_accepted AS BIGINT) AS changes_accepted,
    CAST(t.changes_provisional AS BIGINT) AS changes_provisional,
    CAST(t.changes_reverted AS BIGINT) AS changes_reverted,
    CAST(t.reverts_merged AS BIGINT) AS reverts_merged,
    CAST(t.repair_candidates AS BIGINT) AS repair_candidates,
    CAST(t.lines_counted AS BIGINT) AS lines_counted,
    CAST(t.lines_excluded AS BIGINT) AS lines_excluded,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.model_cost_usd, t.total_cost_usd) END AS model_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.infrastructure_cost_usd, t.total_cost_usd) END
        AS infrastructure_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.engineering_cost_usd, t.total_cost_usd) END AS engineering_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.review_cost_usd, t.total_cost_usd) END AS review_share,
    CASE WHEN t.total_cost_usd = 0 THEN 0
        ELSE divide_decimal(t.rework_cost_usd, t.total_cost_usd) END AS rework_share
FROM totals AS t
