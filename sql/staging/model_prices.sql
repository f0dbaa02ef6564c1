-- One row per model, provider, token kind and start date of a price, from the model price
-- catalogue. Source: landing_model_prices (canonical CSV/Parquet, or LiteLLM's
-- model_prices_and_context_window.json unpivoted by sql/landing/litellm_price_catalogue.sql).
-- usd_per_million_tokens is exact (12 places) within its limit (value_limit), so usd_per_token is
-- exact (DECIMAL 18 places); effective_to is filled by the core layer.
WITH typed AS (
    SELECT
        l.*,
        LOWER(l.token_kind) AS token_kind_n,
        read_amount(l.usd_per_million_tokens, 'usd_per_million_tokens') AS usd_per_million_tokens_n,
        read_instant(l.effective_from, $date_format) AS effective_from_utc
    FROM landing_model_prices AS l
),

checked AS (
    SELECT
        t.*,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.model IS NULL THEN 'model: missing' END,
            CASE
                WHEN t.token_kind IS NULL THEN 'token_kind: missing'
                WHEN t.token_kind_n NOT IN
                    ('input', 'cached_input', 'cache_write_input', 'output', 'reasoning')
                    THEN 'token_kind: not one of input, cached_input, cache_write_input, output, '
                        || 'reasoning (''' || LEFT(t.token_kind, 40) || ''')'
            END,
            CASE
                WHEN t.usd_per_million_tokens IS NULL THEN 'usd_per_million_tokens: missing'
                WHEN amount_problem(
                    'usd_per_million_tokens', t.usd_per_million_tokens, 'usd_per_million_tokens'
                ) IS NOT NULL
                    THEN amount_problem(
                        'usd_per_million_tokens', t.usd_per_million_tokens, 'usd_per_million_tokens'
                    )
                WHEN t.usd_per_million_tokens_n < 0 THEN 'usd_per_million_tokens: negative'
            END,
            CASE
                WHEN t.effective_from IS NULL THEN 'effective_from: missing'
                ELSE instant_problem(
                    'effective_from', t.effective_from, t.effective_from_utc, $plausible_from, $plausible_to
                )
            END
        ), '')) AS reject_reason
    FROM typed AS t
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    CONCAT_WS('|', c.model, COALESCE(LOWER(c.provider), ''), c.token_kind_n,
        CAST(c.effective_from_utc AS VARCHAR)) AS dedup_key,
    md5(CONCAT_WS('|', c.model, LOWER(c.provider), c.token_kind_n,
        CAST(c.effective_from_utc AS VARCHAR), CAST(c.usd_per_million_tokens_n AS VARCHAR)))
        AS row_hash,
    CAST(NULL AS DECIMAL(38, 12)) AS conserved_amount,
    c.model,
    LOWER(c.provider) AS provider,
    c.token_kind_n AS token_kind,
    c.usd_per_million_tokens_n AS usd_per_million_tokens,
    -- multiply by an exact 10^-6: DuckDB divides DECIMALs in binary floating point
    CAST(c.usd_per_million_tokens_n * CAST(0.000001 AS DECIMAL(7, 6)) AS DECIMAL(38, 18))
        AS usd_per_token,
    c.effective_from_utc AS effective_from
FROM checked AS c
