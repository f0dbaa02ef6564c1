-- One row per check run: how many marts.showback rows (every period and grain) start on or
-- after $checked_from. Source: marts.showback. Read by the headline_is_well_formed check.
SELECT COUNT(*) AS showback_rows
FROM marts.showback
WHERE period_start >= $checked_from
