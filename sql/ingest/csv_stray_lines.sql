-- One row per stray quote of a CSV file (temp table _stray_lines, filled as each is found): the
-- line it opens on, the last line it reaches and why it is judged stray ('never_closed',
-- 'merges_records'; see csv_first_stray_quote.sql). Its line is quarantined and read as blank.
CREATE OR REPLACE TEMP TABLE _stray_lines (n BIGINT, last_line BIGINT, stray_kind VARCHAR)
