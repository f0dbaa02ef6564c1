-- One row per check run: the cost ledger and showback totals over every day-team row compared,
-- and how many rows that is. Source: temp table _ledger_and_showback
-- (sql/checks/ledger_and_showback.sql). Read by the ledger_in_showback check.
SELECT
    COALESCE(SUM(ledger_usd), 0) AS ledger_usd,
    COALESCE(SUM(showback_usd), 0) AS showback_usd,
    COUNT(*) AS day_team_rows
FROM _ledger_and_showback
