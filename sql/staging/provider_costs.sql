-- One row per cost result of an LLM provider's cost report: what the provider charged for one
-- bucket (a UTC day) and, where the report says, one model, line item and project. Source:
-- landing_provider_costs (OpenAI organization costs pages, Anthropic cost report pages, or
-- canonical CSV). amount is kept as written (Anthropic's cents when amount_unit = 'minor'), exact
-- and within the money limit; amount_usd converts it at the declared rate. provider is in lower
-- case, as the request logs name it. A currency with no declared rate is quarantined, never
-- summed. A report has no row ids: a row is its file, its content and its occurrence among
-- identical rows of that file. A page fetched again in another file restates the buckets it holds
-- (core.provider_cost_results keeps the latest statement of each), so it counts once.
WITH typed AS (
    SELECT
        l.*,
        LOWER(TRIM(l.provider)) AS provider_n,
        read_amount(l.amount, 'money') AS amount_n,
        UPPER(l.currency) AS currency_n,
        LOWER(COALESCE(l.amount_unit, 'major')) AS amount_unit_n,
        read_instant(l.starts_at, $date_format) AS starts_at_utc,
        read_instant(l.ends_at, $date_format) AS ends_at_utc
    FROM landing_provider_costs AS l
),

checked AS (
    SELECT
        t.*,
        fx.rate_to_usd,
        fx.minor_unit_factor,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE WHEN t.provider_n IS NULL OR t.provider_n = '' THEN 'provider: missing' END,
            CASE
                WHEN t.amount IS NULL THEN 'amount: missing'
                WHEN amount_problem('amount', t.amount, 'money') IS NOT NULL
                    THEN amount_problem('amount', t.amount, 'money')
                ELSE minor_units_problem(
                    'amount', t.amount, t.amount_n, t.amount_unit_n, fx.minor_unit_factor
                )
            END,
            CASE
                WHEN t.currency IS NULL THEN 'currency: missing'
                WHEN fx.rate_to_usd IS NULL
                    THEN 'currency: no declared exchange rate for ''' || t.currency_n || ''''
            END,
            CASE
                WHEN t.amount_unit_n NOT IN ('major', 'minor')
                    THEN 'amount_unit: not major or minor (''' || LEFT(t.amount_unit, 40) || ''')'
            END,
            CASE
                WHEN t.starts_at IS NULL THEN 'starts_at: missing'
                ELSE instant_problem(
                    'starts_at', t.starts_at, t.starts_at_utc, $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN t.ends_at IS NOT NULL THEN instant_problem(
                    'ends_at', t.ends_at, t.ends_at_utc, $plausible_from, $plausible_to
                )
            END
        ), '')) AS reject_reason,
        md5(CONCAT_WS('|', LOWER(TRIM(t.provider)), CAST(t.amount_n AS VARCHAR), UPPER(t.currency),
            LOWER(COALESCE(t.amount_unit, 'major')), CAST(t.starts_at_utc AS VARCHAR),
            CAST(t.ends_at_utc AS VARCHAR), t.model, t.line_item, t.project_id)) AS row_hash
    FROM typed AS t
    LEFT JOIN fx_rates AS fx ON t.currency_n = fx.currency
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    -- the file, the result and its occurrence among identical results of the file
    md5(c.source_file) || '-' || c.row_hash || '-' || CAST(ROW_NUMBER() OVER (
        PARTITION BY c.source_file, c.row_hash ORDER BY c.source_line
    ) AS VARCHAR) AS dedup_key,
    c.row_hash,
    c.amount_n AS conserved_amount,
    c.provider_n AS provider,
    c.starts_at_utc AS starts_at,
    c.ends_at_utc AS ends_at,
    c.amount_n AS amount,
    c.amount_unit_n AS amount_unit,
    c.currency_n AS currency,
    amount_in_usd(c.amount_n, c.amount_unit_n, c.minor_unit_factor, c.rate_to_usd) AS amount_usd,
    c.model,
    c.line_item,
    c.project_id
FROM checked AS c
