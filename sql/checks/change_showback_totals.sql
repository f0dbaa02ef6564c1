-- One row per check run: the cost of accepted change of all months (all teams), their accepted
-- change units and the number of months. Source: marts.change_showback (the fleet grain). Read
-- by the change_cost_and_units_conserved check.
SELECT
    COALESCE(SUM(total_cost_usd), 0) AS change_cost_usd,
    COALESCE(SUM(accepted_change_units), 0) AS accepted_change_units,
    COUNT(*) AS months
FROM marts.change_showback
WHERE grain = 'fleet'
