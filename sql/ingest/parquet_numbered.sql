-- One row per row of a Parquet file read whole (temp table _read, row ids in file order) into temp
-- table _numbered: its line number (its position in the file, from 1), its raw row (the row as a
-- JSON object of its columns) and its columns as read, for the landing table.
CREATE OR REPLACE TEMP TABLE _numbered AS
SELECT
    r.rowid + 1 AS source_line,
    CAST(to_json(r) AS VARCHAR) AS raw_row,
    CAST(NULL AS VARCHAR) AS landing_error,
    r.*
FROM _read AS r
