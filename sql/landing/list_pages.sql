-- One row per record of a file of API responses (temp table _record_docs), as the APIs return them:
-- a page wrapping its records in an array (Stripe's list {"object": "list", "data": [...]},
-- Tempo's {"results": [...]}, PagerDuty's {"incidents": [...]}) gives one row per element;
-- one record alone under its type ({"incident": {...}}) gives that record, and any other
-- object (one record per line, or per file) gives itself. Source: _numbered (one row per line of
-- a JSON lines file, element of a JSON array, or the one object of a .json file); position is
-- the record's place in its line. sql/landing/records_numbered.sql numbers them.
CREATE OR REPLACE TEMP TABLE _record_docs AS
WITH pages AS (
    SELECT
        n.source_line,
        n.doc,
        CASE
            WHEN json_type(n.doc, '$.data') = 'ARRAY' THEN '$.data'
            WHEN json_type(n.doc, '$.results') = 'ARRAY' THEN '$.results'
            WHEN json_type(n.doc, '$.incidents') = 'ARRAY' THEN '$.incidents'
            WHEN json_type(n.doc, '$.log_entries') = 'ARRAY' THEN '$.log_entries'
        END AS records_path
    FROM _numbered AS n
    WHERE n.doc IS NOT NULL
),

unwrapped AS (
    SELECT
        source_line,
        CASE
            WHEN json_keys(doc) = ['incident'] THEN json_extract(doc, '$.incident')
            WHEN json_keys(doc) = ['log_entry'] THEN json_extract(doc, '$.log_entry')
            ELSE doc
        END AS doc
    FROM pages
    WHERE records_path IS NULL
)

SELECT p.source_line AS line, e.id AS position, CAST(e.value AS VARCHAR) AS doc
FROM pages AS p, json_each(p.doc, p.records_path) AS e
WHERE p.records_path IS NOT NULL
UNION ALL
SELECT source_line, 0, CAST(doc AS VARCHAR)
FROM unwrapped
