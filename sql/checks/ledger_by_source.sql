-- One row per source in the cost ledger: the USD booked from it and, of that, the USD
-- unallocated. Source: core.cost_ledger. Read by the money_conserved check.
SELECT
    source,
    COALESCE(SUM(amount_usd), 0) AS booked_usd,
    COALESCE(SUM(CASE WHEN cost_line = 'unallocated' THEN amount_usd END), 0) AS unallocated_usd
FROM core.cost_ledger
GROUP BY source
ORDER BY source
