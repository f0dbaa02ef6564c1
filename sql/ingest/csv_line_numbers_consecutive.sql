-- One row per record read from a CSV file whose lines are each one record, none blank or rejected
-- (temp table _line_numbers): the k-th of its $read records is on line k + 1.
CREATE OR REPLACE TEMP TABLE _line_numbers AS
SELECT k + 1 AS source_line, k
FROM range(1, $read + 1) AS t(k)
