-- One row per record read from a CSV file (temp table _numbered): its line number
-- (_line_numbers), its raw row (the record as a JSON object of its fields) and its fields as the
-- reader read them (_read), for the landing table.
CREATE OR REPLACE TEMP TABLE _numbered AS
SELECT
    n.source_line,
    CAST(to_json(r) AS VARCHAR) AS raw_row,
    CAST(NULL AS VARCHAR) AS landing_error,
    r.*
FROM _read AS r
JOIN _line_numbers AS n ON n.k = r.rowid + 1
