-- One row per physical line of a CSV file (temp table _physical: n, line) from line 2 on: whether
-- the line starts inside a quoted field (a continuation of the record before it) and whether it
-- ends inside one. The state is followed with the CSV grammar, not a count of quote characters:
-- a quote opens a field only at the field's start ("abc"), a doubled quote inside a quoted field
-- is a quote character, and a quote inside an unquoted field (ab"c) is text, as the reader reads
-- it. A line of $reset_lines (a quote judged stray, quarantined) starts and ends outside quotes.
--
-- Only lines holding a quote character can change the state; the others carry it on. Each such
-- line's effect is a function of the state before it (stays, flips, or always ends outside or
-- inside); the state after a line is the value of the last line that fixes it, flipped once per
-- flipping line since (temp table _quote_lines holds each line's two outcomes).
WITH changes AS (
    SELECT
        q.n,
        CASE WHEN list_contains($reset_lines, q.n) THEN false ELSE q.ends_inside_from_outside END
            AS from_outside,
        CASE WHEN list_contains($reset_lines, q.n) THEN false ELSE q.ends_inside_from_inside END
            AS from_inside
    FROM _quote_lines AS q
    UNION ALL
    SELECT r.n, false, false
    FROM unnest($reset_lines) AS r(n)
    WHERE r.n NOT IN (SELECT n FROM _quote_lines)
),

-- the state after each changing line: the last fixing line's value, flipped by the flips since
changes_composed AS (
    SELECT
        n,
        from_outside,
        from_inside,
        SUM(CASE WHEN from_outside AND NOT from_inside THEN 1 ELSE 0 END)
            OVER (ORDER BY n ROWS UNBOUNDED PRECEDING) AS flips_through
    FROM changes
),

states_after_changes AS (
    SELECT
        n,
        (
            COALESCE(LAST_VALUE(CASE WHEN from_outside = from_inside THEN from_outside END IGNORE NULLS)
                OVER (ORDER BY n ROWS UNBOUNDED PRECEDING), false)
            <> ((flips_through - COALESCE(
                LAST_VALUE(CASE WHEN from_outside = from_inside THEN flips_through END IGNORE NULLS)
                    OVER (ORDER BY n ROWS UNBOUNDED PRECEDING), 0)) % 2 = 1)
        ) AS ends_inside
    FROM changes_composed
),

-- every line: the state it starts in is the state after the last changing line before it
lines AS (
    SELECT p.n, p.line, s.ends_inside AS ends_inside_if_changing
    FROM _physical AS p
    LEFT JOIN states_after_changes AS s ON s.n = p.n
    WHERE p.n > 1
)

SELECT
    n,
    COALESCE(
        LAST_VALUE(ends_inside_if_changing IGNORE NULLS)
            OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
        false
    ) AS starts_inside,
    COALESCE(
        LAST_VALUE(ends_inside_if_changing IGNORE NULLS)
            OVER (ORDER BY n ROWS UNBOUNDED PRECEDING),
        false
    ) AS ends_inside,
    list_contains($reset_lines, n) AS is_reset,
    TRIM(COALESCE(line, '')) = '' AS is_blank,
    line
FROM lines
