-- One row per line of a JSON lines file, or element of a JSON array, that is not blank (temp
-- table _numbered): its source line, its raw row (the text as written), why it cannot be landed
-- (not valid JSON, not a JSON object) and, when it is a JSON object, the document the landing
-- table's fields are read from. Read from temp view _json_lines.
CREATE OR REPLACE TEMP TABLE _numbered AS
SELECT
    source_line,
    line AS raw_row,
    CASE WHEN json_kind IS NULL THEN '(row): not valid JSON'
         WHEN json_kind <> 'OBJECT' THEN '(row): not a JSON object' END
        AS landing_error,
    CASE WHEN json_kind = 'OBJECT' THEN line END AS doc
FROM (
    -- each line is checked once: its JSON type when it is valid JSON, else NULL
    SELECT
        x.source_line,
        x.line,
        CASE WHEN json_valid(x.line) THEN json_type(x.line) END AS json_kind
    FROM _json_lines AS x
    WHERE TRIM(COALESCE(x.line, '')) <> ''
) AS y
