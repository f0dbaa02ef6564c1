-- One row per element of a file holding a JSON array (temp table _read): the element as JSON
-- text and its position in the array, from 1 (its source line). Read from temp table _json_file
-- (json_file_read.sql).
CREATE OR REPLACE TEMP TABLE _read AS
SELECT
    CAST(unnest(json_extract(content, '$[*]')) AS VARCHAR) AS line,
    generate_subscripts(json_extract(content, '$[*]'), 1) AS source_line
FROM _json_file
WHERE json_kind = 'ARRAY'
