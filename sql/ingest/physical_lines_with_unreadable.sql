-- One row per line of a file some of whose lines the text reader could not hold (temp table
-- _physical): its number, from 1, and the line as written (a carriage return ending it is not part
-- of the line); an unreadable line (_physical_rejects) keeps its number, with the text the reader
-- reports for it. The lines read (_physical_read) take the other numbers, in file order.
CREATE OR REPLACE TEMP TABLE _physical AS
WITH unreadable AS (
    SELECT line AS n, MIN(csv_line) AS line FROM _physical_rejects GROUP BY line
),

-- the k-th line read is on the k-th line the reader did not reject
numbers AS (
    SELECT t.n, ROW_NUMBER() OVER (ORDER BY t.n) AS k
    FROM range(1, 1 + (SELECT COUNT(*) FROM _physical_read)
                  + (SELECT COUNT(*) FROM unreadable)) AS t(n)
    WHERE t.n NOT IN (SELECT n FROM unreadable)
)

SELECT n.n, rtrim(r.line, chr(13)) AS line
FROM _physical_read AS r
INNER JOIN numbers AS n ON n.k = r.rowid + 1
UNION ALL
SELECT n, line FROM unreadable
