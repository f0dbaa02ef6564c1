-- One row per UTC day (from $checked_from) and team with money in the cost ledger or the showback:
-- the two totals and their difference. Every ledger dollar must appear in exactly one showback
-- line (SPEC 2, 5), so a row whose difference is a cent or more is a failure.
-- Source: core.cost_ledger (every part but development work, which cost per accepted change
-- carries), core.action_outcomes, core.action_failure_impact and marts.showback (day rows of the
-- team grain). A consequence part booked to an action is dated on the action's day and owned by
-- its team, as the showback books it. The showback's side is its seven lines plus the labour
-- outside them (other_labour_cost_usd), with the estimated failure impact of actions whose
-- window has not matured replaced by the consequences booked to them so far (the estimate stands
-- in for them until the window matures). Kept as temp table _ledger_and_showback for the
-- ledger_in_showback check (sql/checks/ledger_in_showback.sql).
WITH ledger_parts AS (
    SELECT
        CASE
            WHEN l.cost_line = 'failure_impact' AND a.action_id IS NOT NULL THEN a.attempted_date
            ELSE l.cost_date
        END AS day,
        CASE
            WHEN a.action_id IS NOT NULL THEN COALESCE(a.team_id, 'unallocated')
            ELSE COALESCE(l.team_id, 'unallocated')
        END AS team_id,
        COALESCE(l.amount_usd, 0) AS amount_usd
    FROM core.cost_ledger AS l
    LEFT JOIN core.action_outcomes AS a
        ON l.cost_line = 'failure_impact' AND a.action_id = l.action_id
    WHERE l.cost_line NOT LIKE 'change%'
),

ledger AS (
    SELECT day, team_id, SUM(amount_usd) AS ledger_usd
    FROM ledger_parts
    WHERE day >= $checked_from
    GROUP BY day, team_id
),

behind_estimates AS (
    SELECT
        attempted_date AS day,
        COALESCE(team_id, 'unallocated') AS team_id,
        SUM(observed_impact_usd) AS observed_usd
    FROM core.action_failure_impact
    WHERE impact_basis = 'estimated' AND attempted_date >= $checked_from
    GROUP BY attempted_date, COALESCE(team_id, 'unallocated')
),

showback AS (
    SELECT
        s.period_start AS day,
        s.team_id,
        s.total_cost_usd + s.other_labour_cost_usd - s.failure_impact_estimated_usd
        + COALESCE(e.observed_usd, 0) AS showback_usd
    FROM marts.showback AS s
    LEFT JOIN behind_estimates AS e ON e.day = s.period_start AND e.team_id = s.team_id
    WHERE s.period = 'day' AND s.grain = 'team' AND s.period_start >= $checked_from
),

compared AS (
    SELECT
        COALESCE(l.day, s.day) AS day,
        COALESCE(l.team_id, s.team_id) AS team_id,
        COALESCE(l.ledger_usd, 0) AS ledger_usd,
        COALESCE(s.showback_usd, 0) AS showback_usd
    FROM ledger AS l
    FULL OUTER JOIN showback AS s ON s.day = l.day AND s.team_id = l.team_id
)

SELECT day, team_id, ledger_usd, showback_usd, ledger_usd - showback_usd AS difference_usd
FROM compared
