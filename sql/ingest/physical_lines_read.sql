-- One row per line of a file read as plain text (temp table _physical_read), in file order: the
-- line as written, with no delimiter, quote or escape, up to $limit bytes. A line the reader
-- cannot hold (invalid UTF-8, over the limit) is left out and kept in temp table
-- _physical_rejects, with its line number and the text the reader reports for it.
CREATE OR REPLACE TEMP TABLE _physical_read AS
SELECT line
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
    strict_mode = false,
    store_rejects = true,
    rejects_table = '_physical_rejects',
    rejects_scan = '_physical_rejects_scan'
)
