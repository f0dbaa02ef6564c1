-- One row per line of a CSV file holding a stray quote (temp table _stray_lines), into
-- _rejected_lines: the reason (a quote never closed, or one that would merge lines reading as
-- records of their own into one field) and the line as written (_physical).
INSERT INTO _rejected_lines
SELECT
    $source_file,
    s.n,
    '(row)',
    CASE s.stray_kind
        WHEN 'never_closed' THEN
            '(row): a quote opened on this line is never closed; reading resumed on '
            || 'the next line (the quote would have made the rest of the file one field)'
        ELSE
            '(row): a quote opened on this line closes on line '
            || CAST(s.last_line AS VARCHAR)
            || ', over lines that read as records of their own; reading resumed on '
            || 'the next line (the quote would have merged them into one field)'
    END,
    p.line
FROM _stray_lines AS s
JOIN _physical AS p ON p.n = s.n
