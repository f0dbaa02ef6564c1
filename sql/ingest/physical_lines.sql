-- One row per line of a file whose every line the text reader held (temp table _physical): its
-- number, from 1, and the line as written (a carriage return ending it is not part of the line).
-- Read from _physical_read, whose row ids follow file order.
CREATE OR REPLACE TEMP TABLE _physical AS
SELECT rowid + 1 AS n, rtrim(line, chr(13)) AS line
FROM _physical_read
