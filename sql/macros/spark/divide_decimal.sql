-- Spark's form of divide_decimal(numerator, denominator) (sql/macros/divide_decimal.sql): the
-- quotient as DECIMAL(38, 12), rounded half away from zero, NULL when the denominator is 0 or NULL.
-- The numerator is scaled to a whole number typed DECIMAL(38, 12) and the denominator to a whole
-- DECIMAL(38, 0), so that Spark's decimal division keeps exactly 12 decimal places (26 integer
-- digits) and rounds half up, as the DuckDB macro does in HUGEINT arithmetic.
CASE
    WHEN numerator IS NULL OR denominator IS NULL
        OR CAST(denominator AS DECIMAL(38, 12)) = 0 THEN NULL
    ELSE CAST(
        CAST(CAST(numerator AS DECIMAL(38, 12)) * 1000000000000 AS DECIMAL(38, 12))
        / CAST(CAST(denominator AS DECIMAL(38, 12)) * 1000000000000 AS DECIMAL(38, 0))
        AS DECIMAL(38, 12)
    )
END
