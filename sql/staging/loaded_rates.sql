-- One row per loaded hourly labour rate: a role's (or one person's) fully-loaded cost per hour
-- from a start date. Source: landing_loaded_rates. The rate is exact to 6 decimal places and
-- within the hourly_rate limit (value_limit); it is converted to USD at the declared exchange rate. Confidential: later layers expose labour cost, never a person's rate.
WITH typed AS (
    SELECT
        l.*,
        CAST(read_amount(l.loaded_hourly_rate, 'hourly_rate') AS DECIMAL(18, 6)) AS rate_n,
        UPPER(COALESCE(l.currency, 'USD')) AS currency_n,
        CAST(read_instant(l.effective_from, $date_format) AS DATE) AS effective_from_n
    FROM landing_loaded_rates AS l
),

checked AS (
    SELECT
        t.*,
        fx.rate_to_usd,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE
                WHEN t.role IS NULL AND t.person_id IS NULL
                    THEN 'role: missing (a rate names a role or a person)'
            END,
            CASE
                WHEN t.loaded_hourly_rate IS NULL THEN 'loaded_hourly_rate: missing'
                WHEN amount_problem('loaded_hourly_rate', t.loaded_hourly_rate, 'hourly_rate')
                    IS NOT NULL
                    THEN amount_problem('loaded_hourly_rate', t.loaded_hourly_rate, 'hourly_rate')
                WHEN t.rate_n <= 0 THEN 'loaded_hourly_rate: not positive'
            END,
            CASE
                WHEN fx.rate_to_usd IS NULL
                    THEN 'currency: no declared exchange rate for ''' || t.currency_n || ''''
            END,
            CASE
                WHEN t.effective_from IS NULL THEN 'effective_from: missing'
                ELSE instant_problem(
                    'effective_from', t.effective_from, t.effective_from_n, $plausible_from, $plausible_to
                )
            END
        ), '')) AS reject_reason
    FROM typed AS t
    LEFT JOIN fx_rates AS fx ON t.currency_n = fx.currency
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    CONCAT_WS('|', COALESCE(c.role, ''), COALESCE(c.person_id, ''),
        CAST(c.effective_from_n AS VARCHAR)) AS dedup_key,
    md5(CONCAT_WS('|', c.role, c.person_id, CAST(c.rate_n AS VARCHAR), c.currency_n,
        CAST(c.effective_from_n AS VARCHAR))) AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.role,
    c.person_id,
    c.rate_n AS loaded_hourly_rate,
    c.currency_n AS currency,
    CAST(c.rate_n * c.rate_to_usd AS DECIMAL(18, 6)) AS loaded_hourly_rate_usd,
    c.effective_from_n AS effective_from
FROM checked AS c
