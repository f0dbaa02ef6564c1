-- One row per UTC day, source, cost line it would have fed, and reason, for money the ledger
-- could not give an owner (and labour outside the agent cost lines). Source: core.cost_ledger
-- (cost_line = 'unallocated'). Answers "what is unallocated and why".
-- @partition_by day
-- @republish from_window
CREATE OR REPLACE VIEW serving.unallocated_costs AS
SELECT
    cost_date AS day,
    source,
    source_line_kind AS would_be_cost_line,
    unallocated_reason,
    COUNT(*) AS cost_parts,
    COALESCE(SUM(amount_usd), 0) AS unallocated_cost_usd,
    CAST(SUM(CASE WHEN amount_usd IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS parts_with_unknown_price
FROM core.cost_ledger
WHERE cost_line = 'unallocated'
GROUP BY cost_date, source, source_line_kind, unallocated_reason
