-- One row per row a text reader read (temp table _read, row ids in file order) into temp table
-- _line_numbers: the k-th row read is on the k-th line from line $first that the reader did not
-- reject (_rejects).
CREATE OR REPLACE TEMP TABLE _line_numbers AS
SELECT n AS source_line, ROW_NUMBER() OVER (ORDER BY n) AS k
FROM range($first, $first + (SELECT COUNT(*) FROM _read)
           + (SELECT COUNT(DISTINCT line) FROM _rejects)) AS t(n)
WHERE n NOT IN (SELECT line FROM _rejects)
