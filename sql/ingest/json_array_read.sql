-- One row per element of a file holding a JSON array (temp table _read): the element as JSON
-- text and its position in the array, from 1 (its source line). None when the file is not a JSON
-- array (see json_array_check.sql).
CREATE OR REPLACE TEMP TABLE _read AS
SELECT
    CAST(unnest(json_extract(content, '$[*]')) AS VARCHAR) AS line,
    generate_subscripts(json_extract(content, '$[*]'), 1) AS source_line
FROM read_text($path)
WHERE json_valid(content) AND json_type(content) = 'ARRAY'
