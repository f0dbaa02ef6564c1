-- One row per month whose cost per accepted change (all teams) does not conserve the ledger's
-- change lines or the merged changes, and per month and team with a ratio where there are no
-- accepted units or none where there are: where (a month, or a month and team) and the problem.
-- Source: core.cost_ledger (the change lines), core.change_outcomes and marts.change_showback.
-- Read by the change_cost_and_units_conserved check.
WITH booked AS (
    SELECT CAST(date_trunc('month', cost_date) AS DATE) AS month,
           SUM(COALESCE(amount_usd, 0)) AS cost_usd
    FROM core.cost_ledger WHERE cost_line LIKE 'change%' GROUP BY 1
),
units AS (
    SELECT CAST(date_trunc('month', merged_date) AS DATE) AS month,
           SUM(change_units) AS change_units, COUNT(*) AS changes
    FROM core.change_outcomes WHERE change_kind = 'change' GROUP BY 1
),
fleet AS (SELECT * FROM marts.change_showback WHERE grain = 'fleet'),
compared AS (
    SELECT
        CAST(COALESCE(f.month, b.month, u.month) AS VARCHAR) AS month,
        CASE
            WHEN COALESCE(f.total_cost_usd, 0) <> COALESCE(b.cost_usd, 0)
                THEN 'the five lines (' || CAST(COALESCE(f.total_cost_usd, 0) AS VARCHAR)
                    || ') differ from the ledger''s change lines ('
                    || CAST(COALESCE(b.cost_usd, 0) AS VARCHAR) || ')'
            WHEN COALESCE(f.accepted_change_units + f.provisional_change_units
                + f.reverted_change_units, 0) <> COALESCE(u.change_units, 0)
                THEN 'change units by outcome do not add up to the merged changes'' units'
            WHEN COALESCE(f.changes_merged, 0) <> COALESCE(u.changes, 0)
                THEN 'merged changes differ from core.change_outcomes'
        END AS problem
    FROM fleet AS f
    FULL OUTER JOIN booked AS b ON b.month = f.month
    FULL OUTER JOIN units AS u ON u.month = COALESCE(f.month, b.month)
)
SELECT month, problem FROM compared
WHERE problem IS NOT NULL
UNION ALL
SELECT CAST(month AS VARCHAR) || ' ' || COALESCE(team_id, 'fleet'),
       'cost per accepted change ' || CASE WHEN accepted_change_units = 0
           THEN 'computed over zero accepted units' ELSE 'missing' END
FROM marts.change_showback
WHERE (accepted_change_units = 0) <> (cost_per_accepted_change IS NULL)
ORDER BY ALL
