-- One row per file that holds one JSON object, however it is laid out over lines (temp table
-- _read): the object's text and source line 1, for a source that reads one object per line
-- under a .json name (an OTLP TracesData written pretty-printed). Read from temp table
-- _json_file (json_file_read.sql).
CREATE OR REPLACE TEMP TABLE _read AS
SELECT content AS line, 1 AS source_line
FROM _json_file
WHERE json_kind = 'OBJECT'
