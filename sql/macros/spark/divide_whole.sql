-- Spark's form of divide_whole(numerator, denominator) (sql/macros/divide_whole.sql): the
-- quotient truncated toward zero. Spark's DIV returns a BIGINT, too small for 10^-12 dollar
-- units, so the remainder (which has the numerator's sign, as in DuckDB) is taken off first and
-- the exact division is kept as DECIMAL(38, 0); a quotient beyond 20 digits raises an overflow
-- error instead of a wrong number.
CAST((numerator - numerator % denominator) / denominator AS DECIMAL(38, 0))
