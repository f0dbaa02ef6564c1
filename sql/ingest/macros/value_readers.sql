-- Macros, not models: how the staging models read values written as text (SPEC 9).
-- read_instant(value, date_format) is the UTC TIMESTAMP the text names: with the source's declared
-- strptime format when it has one (IngestSettings.date_formats), and always ISO 8601 (a date, or
-- a date and time with 'T' or a space, optional seconds and fraction, optional Z or offset),
-- which no declared layout can be confused with (an adapter writes converted times in it);
-- NULL for anything else, so '4/1/25' is never read as the year 4.
-- instant_problem(column, value, parsed, earliest, latest) is the quarantine reason of such a
-- value, or NULL: not readable in the expected layout, or outside the plausible days.
CREATE OR REPLACE TEMP MACRO read_instant(value, date_format) AS (
    CASE
        WHEN date_format IS NOT NULL AND try_strptime(TRIM(value), date_format) IS NOT NULL
            THEN CAST(try_strptime(TRIM(value), date_format) AS TIMESTAMP)
        WHEN regexp_full_match(
            TRIM(value),
            '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)? ?(Z|z|UTC|[+-]\d{2}(:?\d{2})?)?'
        )
            THEN CAST(TRY_CAST(REPLACE(TRIM(value), ',', '.') AS TIMESTAMPTZ) AS TIMESTAMP)
    END
);

-- read_status(value) is a request's, call's or span's outcome: 'success' (also when not given, and
-- for 'ok') or 'error' ('failure', 'failed'), any case; NULL for anything else, whose quarantine
-- reason is status_problem(value).
CREATE OR REPLACE TEMP MACRO read_status(value) AS (
    CASE
        WHEN value IS NULL THEN 'success'
        WHEN LOWER(value) IN ('success', 'ok') THEN 'success'
        WHEN LOWER(value) IN ('error', 'failure', 'failed') THEN 'error'
    END
);

CREATE OR REPLACE TEMP MACRO status_problem(value) AS (
    'status: not success or error (''' || LEFT(value, 40) || ''')'
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

-- value_limit(kind) is the one place the limits of values read at staging are stated: the
-- largest magnitude a value of the kind may have (max_abs, shown in reasons as `shown`) and the
-- decimal places it may carry (places). They keep every later sum, product and cast of the core
-- and mart models inside its type (DECIMAL(38, 12), HUGEINT units of 10^-12 USD, BIGINT token
-- sums), so a staged row can never make a later run fail; docs/tables.md 'Value limits' gives
-- the reasoning. A value beyond its limit, or with more decimal places than the column keeps, is
-- quarantined, never rounded.
CREATE OR REPLACE TEMP MACRO value_limit(kind) AS (
    CASE kind
        -- costs, amounts, budgets and unit prices, in their own currency
        WHEN 'money' THEN {'max_abs': CAST('1e12' AS DECIMAL(38, 12)), 'places': 12, 'shown': '1e12'}
        WHEN 'usd_per_million_tokens'
            THEN {'max_abs': CAST('1e7' AS DECIMAL(38, 12)), 'places': 12, 'shown': '1e7'}
        -- metered units of one tool call
        WHEN 'units' THEN {'max_abs': CAST('1e12' AS DECIMAL(38, 12)), 'places': 12, 'shown': '1e12'}
        -- loaded hourly labour rate and hours of one time entry (staged as DECIMAL(18, 6))
        WHEN 'hourly_rate'
            THEN {'max_abs': CAST('1e9' AS DECIMAL(38, 12)), 'places': 6, 'shown': '1e9'}
        WHEN 'hours' THEN {'max_abs': CAST('24' AS DECIMAL(38, 12)), 'places': 6, 'shown': '24'}
        -- counts: tokens of one request, lines changed by one pull request or one of its files
        WHEN 'tokens' THEN {'max_abs': CAST('1e9' AS DECIMAL(38, 12)), 'places': 0, 'shown': '1e9'}
        WHEN 'lines' THEN {'max_abs': CAST('1e9' AS DECIMAL(38, 12)), 'places': 0, 'shown': '1e9'}
        -- tokens or requests a provider's usage report counts in one bucket (a fleet's day)
        WHEN 'usage_counts'
            THEN {'max_abs': CAST('1e15' AS DECIMAL(38, 12)), 'places': 0, 'shown': '1e15'}
    END
);

-- is_plain_count(value) and is_plain_amount(value, places): the form almost every value arrives in
-- (digits only, up to 18 of them; an amount with an optional minus and at most `places` decimal
-- places), read by a plain cast. For text in that form the general rules below give exactly the
-- same value and reason (a whole number fits a BIGINT, no decimal place is beyond the kind's), so
-- the readers try it first and leave the general rules, a dozen regular expressions a value, to
-- the rest (a plus sign, a minus on a count, spaces, exponents, decimal places beyond the kind's,
-- float noise, problems). `places` is a constant of the kind (value_limit), so each pattern is
-- compiled once.
CREATE OR REPLACE TEMP MACRO is_plain_count(value) AS (
    regexp_full_match(value, '[0-9]{1,18}')
);

CREATE OR REPLACE TEMP MACRO is_plain_amount(value, places) AS (
    regexp_full_match(
        value,
        CASE
            WHEN places = 0 THEN '-?[0-9]{1,18}'
            ELSE '-?[0-9]{1,18}(\.[0-9]{1,' || CAST(places AS VARCHAR) || '})?'
        END
    )
);

-- is_decimal_text(value): the text is a plain decimal number: optional sign, digits with an
-- optional point, an optional exponent of up to 4 digits ('12.50', '-3', '.5', '1.5e-7').
CREATE OR REPLACE TEMP MACRO is_decimal_text(value) AS (
    regexp_full_match(TRIM(value), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?')
);

-- decimal_places(value) is the number of decimal places the exact number a decimal text writes
-- needs: trailing zeros do not count, the exponent does ('12.500' -> 1, '1.5e-13' -> 14,
-- '100e-2' -> 0).
CREATE OR REPLACE TEMP MACRO decimal_places(value) AS (
    CASE
        WHEN regexp_full_match(
            regexp_extract(TRIM(value), '^[+-]?([0-9]*)\.?([0-9]*)', ['whole', 'fraction']).whole
                || regexp_extract(TRIM(value), '^[+-]?([0-9]*)\.?([0-9]*)', ['whole', 'fraction']).fraction,
            '0*'
        ) THEN 0
        ELSE GREATEST(0,
            LENGTH(regexp_extract(TRIM(value), '^[+-]?[0-9]*\.?([0-9]*)', 1))
            - COALESCE(TRY_CAST(regexp_extract(TRIM(value), '[eE]([+-]?[0-9]+)$', 1) AS INTEGER), 0)
            - (
                LENGTH(regexp_replace(regexp_extract(TRIM(value), '^[+-]?([0-9]*\.?[0-9]*)', 1), '\.', ''))
                - LENGTH(rtrim(
                    regexp_replace(regexp_extract(TRIM(value), '^[+-]?([0-9]*\.?[0-9]*)', 1), '\.', ''),
                    '0'
                ))
            )
        )
    END
);

-- is_float_noise(value, places): the digits of a decimal text beyond `places` are below the
-- precision of a binary floating-point number (2^-51 of the value): the shortest text of a
-- DOUBLE (a Parquet DOUBLE, a JSON number such as LiteLLM's spend 0.00022500000000000002)
-- carries them as an artefact of the binary type, not as cents. Such a value is read rounded to
-- `places`, which changes it by less than its own type can tell; any larger excess is
-- quarantined. The DOUBLE arithmetic only classifies the text; the value read is exact decimal.
CREATE OR REPLACE TEMP MACRO is_float_noise(value, places) AS (
    ABS(TRY_CAST(TRIM(value) AS DOUBLE) - ROUND(TRY_CAST(TRIM(value) AS DOUBLE), places))
        <= ABS(TRY_CAST(TRIM(value) AS DOUBLE)) * POW(2, -51)
);

-- amount_problem(column, value, kind) is the quarantine reason of an amount that is present but
-- not read as a decimal number, or NULL: it says so when the text is formatted for people
-- ('$10,000.00', '1 234,50 EUR'): currency symbols and separators are never guessed away; a
-- number beyond the limit of its kind, or with more decimal places than its kind keeps (beyond
-- floating-point noise, is_float_noise), is named with the limit (value_limit).
CREATE OR REPLACE TEMP MACRO amount_problem(column_name, value, kind) AS (
    CASE
        WHEN value IS NULL THEN NULL
        WHEN is_plain_amount(value, value_limit(kind).places)
            THEN CASE
                WHEN ABS(CAST(value AS DECIMAL(38, 12))) > value_limit(kind).max_abs
                    THEN column_name || ': beyond the limit of ' || value_limit(kind).shown
                        || ' (''' || LEFT(value, 40) || ''')'
            END
        WHEN NOT is_decimal_text(value) AND regexp_matches(value, '[0-9]')
            AND regexp_matches(value, '[^0-9.eE+ -]')
            THEN column_name || ': not a plain decimal number (''' || LEFT(value, 40)
                || '''): currency symbols, letters and thousands separators are not read'
        WHEN NOT is_decimal_text(value)
            THEN column_name || ': not a decimal number (''' || LEFT(value, 40) || ''')'
        -- a number too large even for DECIMAL(38, 12) is beyond every limit
        WHEN COALESCE(
            ABS(TRY_CAST(TRIM(value) AS DECIMAL(38, 12))) > value_limit(kind).max_abs, TRUE
        )
            THEN column_name || ': beyond the limit of ' || value_limit(kind).shown || ' ('''
                || LEFT(TRIM(value), 40) || ''')'
        WHEN decimal_places(value) > value_limit(kind).places
            AND NOT is_float_noise(value, value_limit(kind).places)
            THEN column_name || ': more than ' || CAST(value_limit(kind).places AS VARCHAR)
                || ' decimal places (''' || LEFT(TRIM(value), 40) || '''), which would be rounded'
    END
);

-- read_amount(value, kind) is the DECIMAL(38, 12) an amount's text writes, exactly, or NULL when
-- it is absent or amount_problem has a reason for it (not a number, beyond its limit, too many
-- decimal places); so nothing beyond a limit reaches a sum or a product.
CREATE OR REPLACE TEMP MACRO read_amount(value, kind) AS (
    CASE
        WHEN is_plain_amount(value, value_limit(kind).places)
            THEN CASE
                WHEN ABS(CAST(value AS DECIMAL(38, 12))) <= value_limit(kind).max_abs
                    THEN CAST(value AS DECIMAL(38, 12))
            END
        WHEN amount_problem('', value, kind) IS NULL
            THEN TRY_CAST(TRIM(value) AS DECIMAL(38, 12))
    END
);

-- minor_units_problem(column, value, amount, unit, factor) is the quarantine reason of an amount
-- written in minor units (Stripe's cents, Anthropic's cost report) that would need more than 12
-- decimal places in major units (factor: one minor unit in major units), or NULL.
CREATE OR REPLACE TEMP MACRO minor_units_problem(column_name, value, amount, unit, factor) AS (
    CASE
        WHEN unit = 'minor' AND amount * factor <> CAST(amount * factor AS DECIMAL(38, 12))
            THEN column_name || ': more than 12 decimal places in major units (''' || LEFT(value, 40)
                || ''' minor units), which would be rounded'
    END
);

-- amount_in_usd(amount, unit, factor, rate) is an amount in dollars: in major units first (exact,
-- minor_units_problem), so the product with the rate keeps 20 decimal places and room for 18
-- integer digits, then at the declared rate.
CREATE OR REPLACE TEMP MACRO amount_in_usd(amount, unit, factor, rate) AS (
    CAST(
        CASE WHEN unit = 'minor' THEN CAST(amount * factor AS DECIMAL(38, 12)) ELSE amount END
        * rate AS DECIMAL(38, 12)
    )
);

-- read_count(value) is a count (tokens, lines) written as text: a whole decimal number (a typed
-- Parquet DOUBLE may add '.0'), else NULL. '1.5', '0x10', '1e3' and '1_000' are not read, so a
-- count is never rounded or guessed.
CREATE OR REPLACE TEMP MACRO read_count(value) AS (
    CASE
        WHEN is_plain_count(value) THEN CAST(value AS BIGINT)
        WHEN regexp_full_match(TRIM(value), '[+-]?[0-9]+(\.0*)?')
            THEN TRY_CAST(regexp_replace(TRIM(value), '\.0*$', '') AS BIGINT)
    END
);

-- count_problem(column, value, kind) is the quarantine reason of a count that is present but
-- not a non-negative whole number, or beyond the limit of its kind (value_limit), else NULL.
CREATE OR REPLACE TEMP MACRO count_problem(column_name, value, kind) AS (
    CASE
        WHEN value IS NULL THEN NULL
        WHEN is_plain_count(value)
            THEN CASE
                WHEN CAST(value AS BIGINT) > value_limit(kind).max_abs
                    THEN column_name || ': beyond the limit of ' || value_limit(kind).shown
                        || ' (''' || LEFT(value, 40) || ''')'
            END
        -- a whole number too large for BIGINT is beyond every limit
        WHEN regexp_full_match(TRIM(value), '\+?[0-9]+(\.0*)?')
            AND COALESCE(read_count(value) > value_limit(kind).max_abs, TRUE)
            THEN column_name || ': beyond the limit of ' || value_limit(kind).shown || ' ('''
                || LEFT(TRIM(value), 40) || ''')'
        WHEN read_count(value) IS NULL OR read_count(value) < 0
            THEN column_name || ': not a non-negative whole number (''' || LEFT(value, 40) || ''')'
    END
);

-- read_bounded_count(value, kind) is the count read_count reads when count_problem has no reason
-- for it, else NULL.
CREATE OR REPLACE TEMP MACRO read_bounded_count(value, kind) AS (
    CASE
        -- a kind value_limit does not state has no limit to hold the value to: general rules
        WHEN is_plain_count(value) AND value_limit(kind).max_abs IS NOT NULL
            THEN CASE
                WHEN CAST(value AS BIGINT) <= value_limit(kind).max_abs
                    THEN CAST(value AS BIGINT)
            END
        WHEN count_problem('', value, kind) IS NULL THEN read_count(value)
    END
);
