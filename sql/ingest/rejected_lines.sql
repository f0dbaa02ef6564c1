-- One row per line a file's reader rejected before staging (temp table _rejected_lines): an
-- unreadable record, or a line holding a stray quote; with the column at fault, the reason and
-- the line as written. Quarantined with the load.
CREATE OR REPLACE TEMP TABLE _rejected_lines (
    source_file VARCHAR,
    source_line BIGINT,
    column_name VARCHAR,
    reason VARCHAR,
    raw_row VARCHAR
)
