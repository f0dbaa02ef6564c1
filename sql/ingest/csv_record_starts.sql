-- One row per line of a CSV file on which a record starts (temp table _record_starts), as the
-- quoting state over its lines says (_quote_states, csv_quote_states.sql): a line that is not
-- blank, does not continue a quoted field and holds no stray quote.
CREATE OR REPLACE TEMP TABLE _record_starts AS
SELECT n
FROM _quote_states
WHERE NOT starts_inside AND NOT is_blank AND NOT is_reset
