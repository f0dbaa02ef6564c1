-- One row per UTC day and team whose cost ledger total and showback total differ by a cent or
-- more, largest difference first: the two totals and their difference. Every ledger dollar must
-- appear in exactly one showback line (SPEC 2, 5). Source: temp table _ledger_and_showback
-- (sql/checks/ledger_and_showback.sql, the day-team rows checked). Read by the
-- ledger_in_showback check.
SELECT day, team_id, ledger_usd, showback_usd, difference_usd
FROM _ledger_and_showback
WHERE ABS(difference_usd) >= 0.005
ORDER BY ABS(difference_usd) DESC, day, team_id
