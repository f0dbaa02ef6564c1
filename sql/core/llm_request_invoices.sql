-- One row per LLM request on a provider-day that a bill (or the provider's cost report) and the
-- request logs both cover (SPEC 10): the request's share of the billed amount, which the cost
-- ledger books instead of its request-level cost. Source: core.llm_bill_reconciliation (status
-- 'reconciled') and core.llm_request_costs: a provider-day reconciled per model spreads each
-- model's bill over that model's requests. The share is in proportion to the request's
-- request-level cost, or even over the provider-day's requests when none of them has a cost; a
-- request without a cost beside priced ones takes none (invoiced_usd NULL, as its cost). Shares
-- are computed in 10^-12 dollar units, the rounding remainder to the request with the largest
-- weight, so they sum back to the bill exactly.
-- @time_column requested_date
-- @window records_from
-- @summary_by provider
WITH reconciled AS (
    SELECT provider, day, model, billed_usd, COALESCE(request_level_usd, 0) > 0 AS by_cost
    FROM core.llm_bill_reconciliation
    WHERE status = 'reconciled' AND day >= $recompute_from
),

weights AS (
    SELECT
        c.request_id,
        c.requested_date,
        d.provider,
        d.model,
        CAST(d.billed_usd * 1000000000000 AS HUGEINT) AS amount_units,
        CASE
            WHEN d.by_cost THEN CAST(COALESCE(c.cost_usd, 0) * 1000000000000 AS HUGEINT)
            ELSE CAST(1 AS HUGEINT)
        END AS weight,
        d.by_cost AND c.cost_usd IS NULL AS unpriced
    FROM core.llm_request_costs AS c
    INNER JOIN reconciled AS d
        ON d.provider = LOWER(TRIM(c.provider)) AND d.day = c.requested_date
        AND (d.model IS NULL OR d.model = LOWER(TRIM(c.model)))
),

ranked AS (
    SELECT
        *,
        SUM(weight) OVER (PARTITION BY provider, requested_date, model) AS total_weight,
        ROW_NUMBER() OVER (
            PARTITION BY provider, requested_date, model ORDER BY weight DESC, request_id
        ) AS part_rank
    FROM weights
),

floors AS (
    SELECT *, divide_whole(amount_units * weight, total_weight) AS floor_units
    FROM ranked
)

SELECT
    request_id,
    requested_date,
    provider,
    CASE
        WHEN NOT unpriced THEN CAST(
            floor_units
            + CASE
                WHEN part_rank = 1
                    THEN amount_units
                    - SUM(floor_units) OVER (PARTITION BY provider, requested_date, model)
                ELSE 0
            END AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12))
    END AS invoiced_usd
FROM floors
