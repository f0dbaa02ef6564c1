-- One row per .json file read whole (temp table _json_file): its text and the JSON type of its
-- content ('ARRAY', 'OBJECT', ...; NULL when it is not valid JSON as a whole), read once for
-- json_array_read.sql and json_object_read.sql.
CREATE OR REPLACE TEMP TABLE _json_file AS
SELECT content, CASE WHEN json_valid(content) THEN json_type(content) END AS json_kind
FROM read_text($path)
