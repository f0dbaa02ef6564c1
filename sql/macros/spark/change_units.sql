-- Spark's form of change_units(lines_changed, unit_lines) (sql/macros/change_units.sql):
-- max(1, ceil(lines / unit_lines)) for a change with lines changed, 0 otherwise, in whole numbers.
CASE
    WHEN lines_changed > 0
        THEN GREATEST(1, (lines_changed + unit_lines - 1) DIV unit_lines)
    ELSE 0
END
