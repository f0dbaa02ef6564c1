-- One macro, not a model: change_units(lines_changed, unit_lines) is the change units one change
-- counts toward cost per accepted change (seed 001, SPEC 7): max(1, ceil(lines / unit_lines)) for
-- a change with lines changed, and 0 for one with none (or a non-positive count), in whole-number
-- arithmetic.
CREATE OR REPLACE MACRO change_units(lines_changed, unit_lines) AS (
    CASE
        WHEN lines_changed > 0
            THEN GREATEST(1, (lines_changed + unit_lines - 1) // unit_lines)
        ELSE 0
    END
)
