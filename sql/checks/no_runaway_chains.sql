-- One row per runaway sub-agent chain and day from $first_day to $last_day (deeper or costlier
-- than its limits, or looping): the finding as one readable line. Source: marts.runaway_chains.
-- Read by the no_runaway_chains check.
SELECT 'chain ' || chain_id || ' ' || CAST(day AS VARCHAR) || ': ' || reasons || '; burned '
    || CAST(ROUND(cost_burned_usd, 2) AS VARCHAR) || ' USD over ' || CAST(sessions AS VARCHAR)
    || ' sessions, ' || CAST(max_depth AS VARCHAR) || ' levels deep'
FROM marts.runaway_chains
WHERE day BETWEEN $first_day AND $last_day
ORDER BY day, chain_id
