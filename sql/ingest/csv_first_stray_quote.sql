-- One row per CSV file at most: its first record whose opening quote is judged stray, with the
-- last line the quote reaches and why. Reads temp tables _quote_states (csv_quote_states.sql) and
-- _quote_lines. A record starts on a line that is not blank and starts outside quotes; it runs to
-- the line before the next record. A quote is judged stray when
--   - it is never closed: the file ends inside the quoted field, or
--   - it runs over a line that reads, on its own, as a complete record: a quote opened on one line
--     and closed lines later would otherwise merge those records into one field.
-- A legitimate quoted field over several lines (a description with line breaks) holds no line
-- with the header's number of fields, so it stays one record.
WITH records AS (
    SELECT
        n AS first_line,
        COALESCE(LEAD(n) OVER (ORDER BY n) - 1, (SELECT MAX(n) FROM _quote_states)) AS last_line
    FROM _quote_states
    WHERE NOT starts_inside AND NOT is_blank AND NOT is_reset
),

-- lines inside a record after its first that would be records of their own
record_like_continuations AS (
    SELECT s.n
    FROM _quote_states AS s
    LEFT JOIN _quote_lines AS q ON q.n = s.n
    WHERE s.starts_inside
        AND NOT s.is_blank
        AND NOT COALESCE(q.ends_inside_from_outside, false)
        AND COALESCE(q.fields_alone, length(s.line) - length(replace(s.line, ',', '')) + 1)
            = $column_count
),

judged AS (
    SELECT
        r.first_line,
        r.last_line,
        CASE
            WHEN e.ends_inside THEN 'never_closed'
            WHEN EXISTS (
                SELECT 1 FROM record_like_continuations AS c
                WHERE c.n > r.first_line AND c.n <= r.last_line
            ) THEN 'merges_records'
        END AS stray_kind
    FROM records AS r
    INNER JOIN _quote_states AS e ON e.n = r.last_line
    WHERE r.last_line > r.first_line OR e.ends_inside
)

SELECT first_line, last_line, stray_kind
FROM judged
WHERE stray_kind IS NOT NULL
ORDER BY first_line
LIMIT 1
