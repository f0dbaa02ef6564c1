-- One row per line the reader of a file rejected (temp table _rejects), into _rejected_lines: the
-- column at fault ('(row)' when the line as a whole is), the reason (the column, the kind of
-- error and the reader's message) and the line as written. A line rejected more than once is one
-- row (the first of its column, error and text).
INSERT INTO _rejected_lines
SELECT
    $source_file,
    e.line,
    COALESCE(e.column_name, '(row)'),
    COALESCE(e.column_name, '(row)') || ': unreadable line ('
        || LOWER(REPLACE(CAST(e.error_type AS VARCHAR), '_', ' ')) || ': '
        || e.error_message || ')',
    e.csv_line
FROM (
    SELECT
        line,
        MIN(column_name) AS column_name,
        MIN(error_type) AS error_type,
        MIN(error_message) AS error_message,
        MIN(csv_line) AS csv_line
    FROM _rejects
    GROUP BY line
) AS e
