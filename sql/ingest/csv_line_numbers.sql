-- One row per record read from a CSV file (temp table _line_numbers): the k-th record read is on
-- the k-th line on which a record starts (_record_starts) that the reader did not reject
-- (_rejects).
CREATE OR REPLACE TEMP TABLE _line_numbers AS
SELECT n AS source_line, ROW_NUMBER() OVER (ORDER BY n) AS k
FROM _record_starts
WHERE n NOT IN (SELECT line FROM _rejects)
