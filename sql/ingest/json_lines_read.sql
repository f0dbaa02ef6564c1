-- One row per line of a JSON lines file (temp table _read), in file order: the line as written
-- (a JSON line cannot hold a raw 0x1F control character, so no line is ever split). A line the
-- reader rejects (over $limit bytes) is left out and kept in temp table _rejects.
CREATE OR REPLACE TEMP TABLE _read AS
SELECT *
FROM read_csv(
    $path,
    columns = {'line': 'VARCHAR'},
    header = false,
    delim = chr(31),
    quote = '',
    escape = '',
    auto_detect = false,
    compression = $compression,
    max_line_size = $limit,
    store_rejects = true,
    rejects_table = '_rejects',
    rejects_scan = '_rejects_scan'
)
