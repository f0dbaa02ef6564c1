-- One row per UTC day, team and line of cost per accepted change: model (LLM requests of
-- development work), infrastructure (billing tagged to development / CI), engineering, review and
-- rework (development time entries x loaded rates). Source: core.cost_ledger, where these lines
-- are booked once beside the agent lines. Money with no team is team 'unallocated'; parts with an
-- unknown price are counted, never taken as 0.
-- Only days on or after $recompute_from are written (the run's recompute window).
-- @time_column cost_date
-- @summary_by cost_line
SELECT
    cost_date,
    CAST(date_trunc('month', cost_date) AS DATE) AS month,
    COALESCE(team_id, 'unallocated') AS team_id,
    cost_line,
    COALESCE(SUM(amount_usd), 0) AS cost_usd,
    COUNT(*) AS cost_parts,
    CAST(SUM(CASE WHEN amount_usd IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS parts_with_unknown_cost
FROM core.cost_ledger
WHERE cost_date >= $recompute_from AND cost_line LIKE 'change%'
GROUP BY cost_date, COALESCE(team_id, 'unallocated'), cost_line
