-- One macro, not a model: divide_decimal(numerator, denominator) returns numerator / denominator
-- as DECIMAL(38, 12), exactly rounded half away from zero, and NULL when the denominator is 0 or
-- NULL. DuckDB's own DECIMAL division returns DOUBLE; money must never pass through a float. The
-- numerator and the denominator are read to 12 decimal places, as whole numbers of 10^-12 (n and
-- d below, each converted once: the conversion, not the division, is most of the macro's cost).
CREATE OR REPLACE MACRO divide_decimal(numerator, denominator) AS (
    CASE
        WHEN numerator IS NULL OR denominator IS NULL
            OR CAST(denominator AS DECIMAL(38, 12)) = 0 THEN NULL
        ELSE CAST(
            SIGN(CAST(numerator AS DECIMAL(38, 12)))
            * SIGN(CAST(denominator AS DECIMAL(38, 12)))
            * list_reduce(
                [
                    ABS(CAST(CAST(numerator AS DECIMAL(38, 12)) * 1000000000000 AS HUGEINT)),
                    ABS(CAST(CAST(denominator AS DECIMAL(38, 12)) * 1000000000000 AS HUGEINT))
                ],
                lambda n, d: (n * 2000000000000 + d) // (2 * d)
            ) AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12))
    END
)
