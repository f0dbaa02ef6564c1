-- One row per JSON file: the JSON type of its content ('ARRAY', 'OBJECT', ...), NULL when the
-- content is not valid JSON as a whole.
SELECT CASE WHEN json_valid(content) THEN json_type(content) END
FROM read_text($path)
