-- One row per record the strict CSV reader reads from a file (temp table _read), in file order:
-- its fields as text, in the header's columns ($columns, never sniffed), a field of $nulls read as
-- NULL. A record it cannot split into those columns, or a line over $limit bytes, is left out and
-- kept in temp table _rejects, with its line number, the column at fault and the error.
CREATE OR REPLACE TEMP TABLE _read AS
SELECT *
FROM read_csv(
    $path,
    columns = $columns,
    header = true,
    auto_detect = false,
    delim = ',',
    quote = '"',
    escape = '"',
    nullstr = $nulls,
    strict_mode = true,
    max_line_size = $limit,
    compression = $compression,
    store_rejects = true,
    rejects_table = '_rejects',
    rejects_scan = '_rejects_scan'
)
