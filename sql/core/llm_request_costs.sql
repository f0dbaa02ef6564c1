-- One row per LLM request with its cost: the reported cost when the log has one, else tokens
-- priced from the effective-dated catalogue in force at the request time (SPEC 2, 8).
-- Source: staging.llm_requests and staging.model_prices. Token kinds are priced once each:
-- uncached input (input - cached - cache write), cache reads (at the cached price, else the input
-- price), cache writes (at the cache-write price, else input), visible output (output - reasoning)
-- and reasoning (at the reasoning price, else output). A request with no reported cost whose
-- model has no input or output price in force has cost_status 'unknown' and cost_usd NULL, never 0.
-- A reported cost differs from the catalogue when the gap exceeds both $price_tolerance_ratio of
-- the catalogue price and $price_tolerance_usd: a relative test, so that a 57 % gap on a
-- $0.000055 request is reported, with a floor for sub-micro-dollar rounding.
-- A request that names no provider takes the provider of the catalogue prices in force for its
-- model (provider_source 'price catalogue'), when they all name one and the same provider: the
-- bill of that provider can then be matched to it (SPEC 10). Where the prices in force name
-- several providers, or none, the provider stays unknown (provider_source NULL).
-- Only requests made on or after $recompute_from are priced: for this record-grain model it is
-- the run's records_from, the first day a request or price changed (core.recompute_window).
-- @time_column requested_date
-- @window records_from
-- @summary_by cost_status
WITH requests AS (
    SELECT * FROM staging.llm_requests
    WHERE requested_at >= CAST($recompute_from AS TIMESTAMP)
),

prices AS (
    SELECT
        model,
        provider,
        token_kind,
        usd_per_token,
        effective_from,
        LEAD(effective_from) OVER (
            PARTITION BY model, COALESCE(provider, ''), token_kind ORDER BY effective_from
        ) AS effective_to
    FROM staging.model_prices
),

-- The prices in force can change only where a price of the model takes effect. So each model and
-- provider that requests name gets its price periods, [period_start, period_end) between those
-- days, and each period its chosen price per token kind: a price of the request's own provider
-- before one that names none or another, then the latest in force, and the one provider all the
-- period's prices in force name, if they name one. Requests are then matched to one period by
-- time, instead of every request to every price.
request_keys AS (
    SELECT DISTINCT model, provider FROM requests
),

boundaries AS (
    SELECT DISTINCT k.model, k.provider, p.effective_from AS period_start
    FROM request_keys AS k
    INNER JOIN prices AS p
        ON p.model = k.model
        AND (k.provider IS NULL OR p.provider IS NULL OR p.provider = k.provider)
),

periods AS (
    SELECT
        model,
        provider,
        period_start,
        LEAD(period_start) OVER (
            PARTITION BY model, provider ORDER BY period_start
        ) AS period_end
    FROM boundaries
),

matched AS (
    SELECT
        pe.model,
        pe.provider,
        pe.period_start,
        pe.period_end,
        p.token_kind,
        p.usd_per_token,
        p.provider AS price_provider,
        ROW_NUMBER() OVER (
            PARTITION BY pe.model, pe.provider, pe.period_start, p.token_kind
            ORDER BY CASE WHEN p.provider = pe.provider THEN 0 ELSE 1 END, p.effective_from DESC
        ) AS preference
    FROM periods AS pe
    INNER JOIN prices AS p
        ON p.model = pe.model
        AND (pe.provider IS NULL OR p.provider IS NULL OR p.provider = pe.provider)
        AND p.effective_from <= pe.period_start
        AND (p.effective_to IS NULL OR pe.period_start < p.effective_to)
),

period_prices AS (
    SELECT
        model,
        provider,
        period_start,
        period_end,
        MAX(CASE WHEN preference = 1 AND token_kind = 'input' THEN usd_per_token END)
            AS input_usd_per_token,
        MAX(CASE WHEN preference = 1 AND token_kind = 'cached_input' THEN usd_per_token END)
            AS cached_input_usd_per_token,
        MAX(CASE WHEN preference = 1 AND token_kind = 'cache_write_input' THEN usd_per_token END)
            AS cache_write_input_usd_per_token,
        MAX(CASE WHEN preference = 1 AND token_kind = 'output' THEN usd_per_token END)
            AS output_usd_per_token,
        MAX(CASE WHEN preference = 1 AND token_kind = 'reasoning' THEN usd_per_token END)
            AS reasoning_usd_per_token,
        CASE
            WHEN COUNT(price_provider) = COUNT(*) AND MIN(price_provider) = MAX(price_provider)
                THEN MIN(price_provider)
        END AS catalogue_provider
    FROM matched
    GROUP BY model, provider, period_start, period_end
),

computed AS (
    SELECT
        r.*,
        CASE
            WHEN p.input_usd_per_token IS NOT NULL AND p.output_usd_per_token IS NOT NULL
                THEN CAST(
                    (r.input_tokens - r.cached_input_tokens - r.cache_write_input_tokens)
                    * p.input_usd_per_token
                    + r.cached_input_tokens
                    * COALESCE(p.cached_input_usd_per_token, p.input_usd_per_token)
                    + r.cache_write_input_tokens
                    * COALESCE(p.cache_write_input_usd_per_token, p.input_usd_per_token)
                    + (r.output_tokens - r.reasoning_tokens) * p.output_usd_per_token
                    + r.reasoning_tokens
                    * COALESCE(p.reasoning_usd_per_token, p.output_usd_per_token)
                    AS DECIMAL(38, 12)
                )
        END AS computed_cost_usd,
        p.catalogue_provider
    FROM requests AS r
    LEFT JOIN period_prices AS p
        ON p.model = r.model
        AND p.provider IS NOT DISTINCT FROM r.provider
        AND p.period_start <= r.requested_at
        AND (p.period_end IS NULL OR r.requested_at < p.period_end)
)

SELECT
    c.request_id,
    c.requested_at,
    CAST(c.requested_at AS DATE) AS requested_date,
    c.model,
    COALESCE(c.provider, c.catalogue_provider) AS provider,
    CASE
        WHEN c.provider IS NOT NULL THEN 'request'
        WHEN c.catalogue_provider IS NOT NULL THEN 'price catalogue'
    END AS provider_source,
    c.status,
    c.input_tokens,
    c.cached_input_tokens,
    c.cache_write_input_tokens,
    c.output_tokens,
    c.reasoning_tokens,
    c.reported_cost_usd,
    c.computed_cost_usd,
    COALESCE(c.reported_cost_usd, c.computed_cost_usd) AS cost_usd,
    CASE
        WHEN c.reported_cost_usd IS NOT NULL THEN 'reported'
        WHEN c.computed_cost_usd IS NOT NULL THEN 'computed'
        ELSE 'unknown'
    END AS cost_status,
    COALESCE(
        ABS(c.reported_cost_usd - c.computed_cost_usd) > CAST($price_tolerance_usd AS DECIMAL(18, 12))
        AND ABS(c.reported_cost_usd - c.computed_cost_usd)
            > CAST($price_tolerance_ratio AS DECIMAL(18, 6)) * ABS(c.computed_cost_usd),
        FALSE
    ) AS reported_differs_from_catalogue,
    c.action_id,
    c.task_id,
    c.session_id,
    c.parent_session_id,
    c.agent_id,
    c.team_id,
    c.work_type
FROM computed AS c
