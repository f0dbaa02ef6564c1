-- One row per JSON file: whether its content is a JSON array (valid JSON whose type is 'ARRAY').
SELECT json_valid(content) AND json_type(content) = 'ARRAY'
FROM read_text($path)
