-- One macro, not a model: divide_whole(numerator, denominator) is the whole-number quotient of two
-- whole numbers, truncated toward zero (as in integer division), for amounts counted in 10^-12
-- dollar units (HUGEINT) when an amount is split into parts whose units must add back up exactly.
CREATE OR REPLACE MACRO divide_whole(numerator, denominator) AS (numerator // denominator)
