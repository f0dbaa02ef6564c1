-- One row per physical line of a CSV file (temp table _physical) from line 2 on that holds a quote
-- character (temp table _quote_lines): whether it ends inside a quoted field when it starts
-- outside one, and when it starts inside one, read with the CSV grammar ($outside_closed,
-- $outside_open, $inside_open, $inside_closed, $inside_reopened: the line's whole text as the
-- reader reads it), and how many fields it holds read on its own (commas outside its quoted
-- fields, $quoted_field, plus one). Read by csv_quote_states.sql and csv_first_stray_quote.sql.
CREATE OR REPLACE TEMP TABLE _quote_lines AS
SELECT
    n,
    CASE WHEN regexp_full_match(line, $outside_closed) THEN false
         WHEN regexp_full_match(line, $outside_open) THEN true
         ELSE false END AS ends_inside_from_outside,
    CASE WHEN regexp_full_match(line, $inside_open) THEN true
         WHEN regexp_full_match(line, $inside_closed) THEN false
         WHEN regexp_full_match(line, $inside_reopened) THEN true
         ELSE false END AS ends_inside_from_inside,
    length(regexp_replace(line, $quoted_field, '', 'g'))
        - length(replace(regexp_replace(line, $quoted_field, '', 'g'), ',', ''))
        + 1 AS fields_alone
FROM _physical
WHERE n > 1 AND contains(line, '"')
