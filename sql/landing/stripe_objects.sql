-- One row per Stripe object of a file (temp table _records), as Stripe's API returns them: a list
-- page ({"object": "list", "data": [...]}) gives one row per element of data, any other object
-- (a refund, a credit note, one per line or one per file) one row. Source: _numbered (one row per
-- line of a JSON lines file, element of a JSON array, or the one object of a .json file).
-- source_line numbers the objects of the file in order (line, then position in data); a line
-- that cannot be read keeps one row with its reason. raw_row is the object as Stripe wrote it.
CREATE OR REPLACE TEMP TABLE _records AS
WITH objects AS (
    SELECT n.source_line AS line, e.id AS position, CAST(e.value AS VARCHAR) AS doc
    FROM _numbered AS n, json_each(n.doc, '$.data') AS e
    WHERE json_extract_string(n.doc, '$.object') = 'list'
    UNION ALL
    SELECT n.source_line, 0, n.doc
    FROM _numbered AS n
    WHERE n.doc IS NOT NULL AND COALESCE(json_extract_string(n.doc, '$.object'), '') <> 'list'
),

records AS (
    SELECT line, position, CAST(NULL AS VARCHAR) AS landing_error, doc FROM objects
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
