-- Macros, not models: how the staging models read values written as text (SPEC 9).
-- read_instant(value, date_format) is the UTC TIMESTAMP the text names: with the source's declared
-- strptime format when it has one (IngestSettings.date_formats), else only ISO 8601 (a date, or
-- a date and time with 'T' or a space, optional seconds and fraction, optional Z or offset);
-- NULL for anything else, so '4/1/25' is never read as the year 4.
-- instant_problem(column, value, parsed, earliest, latest) is the quarantine reason of such a
-- value, or NULL: not readable in the expected layout, or outside the plausible days.
CREATE OR REPLACE TEMP MACRO read_instant(value, date_format) AS (
    CASE
        WHEN date_format IS NOT NULL
            THEN CAST(try_strptime(TRIM(value), date_format) AS TIMESTAMP)
        WHEN regexp_full_match(
            TRIM(value),
            '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)? ?(Z|z|UTC|[+-]\d{2}(:?\d{2})?)?'
        )
            THEN CAST(TRY_CAST(REPLACE(TRIM(value), ',', '.') AS TIMESTAMPTZ) AS TIMESTAMP)
    END
);

CREATE OR REPLACE TEMP MACRO instant_problem(column_name, value, parsed, earliest, latest) AS (
    CASE
        WHEN value IS NULL THEN NULL
        WHEN parsed IS NULL
            THEN column_name || ': not a date or time in the expected layout ('''
                || LEFT(value, 40) || '''; ISO 8601 unless the source declares a format in '
                || 'IngestSettings.date_formats)'
        WHEN CAST(parsed AS DATE) < CAST(earliest AS DATE)
            OR CAST(parsed AS DATE) > CAST(latest AS DATE)
            THEN column_name || ': outside the plausible days ' || CAST(earliest AS VARCHAR)
                || ' to ' || CAST(latest AS VARCHAR) || ' (''' || LEFT(value, 40) || ''')'
    END
);

-- amount_problem(column, value, parsed) is the quarantine reason of an amount that is present but
-- not read as a decimal number, or NULL; it says so when the text is formatted for people
-- ('$10,000.00', '1 234,50 EUR'): currency symbols and separators are never guessed away.
CREATE OR REPLACE TEMP MACRO amount_problem(column_name, value, parsed) AS (
    CASE
        WHEN value IS NULL OR parsed IS NOT NULL THEN NULL
        WHEN regexp_matches(value, '[0-9]') AND regexp_matches(value, '[^0-9.eE+ -]')
            THEN column_name || ': not a plain decimal number (''' || LEFT(value, 40)
                || '''): currency symbols, letters and thousands separators are not read'
        ELSE column_name || ': not a decimal number (''' || LEFT(value, 40) || ''')'
    END
);

-- read_count(value) is a count (tokens, lines) written as text: a whole decimal number (a typed
-- Parquet DOUBLE may add '.0'), else NULL. '1.5', '0x10', '1e3' and '1_000' are not read, so a
-- count is never rounded or guessed.
CREATE OR REPLACE TEMP MACRO read_count(value) AS (
    CASE
        WHEN regexp_full_match(TRIM(value), '[+-]?[0-9]+(\.0*)?')
            THEN TRY_CAST(regexp_replace(TRIM(value), '\.0*$', '') AS BIGINT)
    END
);
