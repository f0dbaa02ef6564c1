-- One row per element of a JSON array file (temp view _json_lines): its position in the array
-- (its source line) and the element as JSON text (_read).
CREATE OR REPLACE TEMP VIEW _json_lines AS
SELECT source_line, line
FROM _read
