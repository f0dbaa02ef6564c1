-- One row per record of a file whose rows nest their records (temp table _records), as the
-- landing table reads them: the records an adapter's statement found (temp table _record_docs:
-- each with its line and its position in the line), and one row per line that cannot be read,
-- kept with its reason (_numbered). source_line numbers the file's records in order (line, then
-- position); raw_row is the record as found, or the unreadable line as written.
CREATE OR REPLACE TEMP TABLE _records AS
WITH records AS (
    SELECT line, position, CAST(NULL AS VARCHAR) AS landing_error, doc
    FROM _record_docs
    UNION ALL
    SELECT source_line, 0, landing_error, CAST(NULL AS VARCHAR)
    FROM _numbered
    WHERE doc IS NULL
)

SELECT
    ROW_NUMBER() OVER (ORDER BY r.line, r.position) AS source_line,
    COALESCE(r.doc, n.raw_row) AS raw_row,
    r.landing_error,
    r.doc
FROM records AS r
LEFT JOIN _numbered AS n ON n.source_line = r.line AND r.doc IS NULL
