-- One row per record of a file of API responses (temp table _records), as the APIs return them:
-- a page wrapping its records in an array (Stripe's list {"object": "list", "data": [...]},
-- Tempo's {"results": [...]}, PagerDuty's {"incidents": [...]}) gives one row per element;
-- any other object (one record per line, or per file) gives itself. Source: _numbered (one row
-- per line of a JSON lines file, element of a JSON array, or the one object of a .json file).
-- source_line numbers the records of the file in order (line, then position in its page); a line
-- that cannot be read keeps one row with its reason. raw_row is the record as written.
CREATE OR REPLACE TEMP TABLE _records AS
WITH pages AS (
    SELECT
        n.source_line,
        n.doc,
        CASE
            WHEN json_type(n.doc, '$.data') = 'ARRAY' THEN '$.data'
            WHEN json_type(n.doc, '$.results') = 'ARRAY' THEN '$.results'
            WHEN json_type(n.doc, '$.incidents') = 'ARRAY' THEN '$.incidents'
        END AS records_path
    FROM _numbered AS n
    WHERE n.doc IS NOT NULL
),

records AS (
    SELECT p.source_line AS line, e.id AS position, CAST(NULL AS VARCHAR) AS landing_error,
        CAST(e.value AS VARCHAR) AS doc
    FROM pages AS p, json_each(p.doc, p.records_path) AS e
    WHERE p.records_path IS NOT NULL
    UNION ALL
    SELECT source_line, 0, CAST(NULL AS VARCHAR), doc
    FROM pages
    WHERE records_path IS NULL
    UNION ALL
    -- a line that cannot be read is one record, quarantined with its reason
    SELECT source_line, 0, landing_error, CAST(NULL AS VARCHAR)
    FROM _numbered
    WHERE doc IS NULL
)

SELECT
    ROW_NUMBER() OVER (ORDER BY line, position) AS source_line,
    COALESCE(doc, (SELECT n.raw_row FROM _numbered AS n WHERE n.source_line = r.line)) AS raw_row,
    landing_error,
    doc
FROM records AS r
