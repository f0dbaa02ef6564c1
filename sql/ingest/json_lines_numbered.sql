-- One row per line of a JSON lines file the reader did not reject (temp view _json_lines): its
-- line number (_line_numbers) and the line as written (_read).
CREATE OR REPLACE TEMP VIEW _json_lines AS
SELECT n.source_line, r.line
FROM _read AS r
JOIN _line_numbers AS n ON n.k = r.rowid + 1
