-- One row per billing line and UTC day its half-open charge period [start, end) overlaps, with
-- that day's exact share of the line's cost (SPEC 8). Source: staging.billing_lines; the cost is
-- $billing_cost_column (EffectiveCost or BilledCost) in USD at the declared rate. The share is by
-- seconds in the day, computed in 10^-12 dollar units; the rounding remainder goes to the day
-- with the most seconds, so a line's parts always sum back to it. Only days on or after
-- $recompute_from are written (for this record-grain model, the run's records_from: the first
-- day a billing line changed); a line is still split over all its days so that every part keeps
-- its exact share. llm_provider names the LLM provider (as the request logs name it) of a line
-- that is LLM spend: its ServiceName (any case) is listed in $llm_bill_services, or it is an
-- 'AI and Machine Learning' line whose provider is one of $llm_bill_providers (LiteLLM's FOCUS
-- export names the model as ServiceName and the provider as ProviderName: llm_model, in lower
-- case), or its SkuId or ChargeDescription matches one of $llm_bill_skus (the first rule that
-- matches gives the provider, and the model where the rule names one; it wins over the
-- ServiceName's). Reconciled with the request logs by core.llm_bill_reconciliation (SPEC 10).
-- The line's FOCUS provenance (billing account, charge category and frequency, billing period,
-- ChargeClass, provider, publisher and invoice issuer) rides along for the FOCUS allocation output (serving.cost_allocation_focus).
-- @time_column cost_date
-- @window records_from
-- @summary_by cost_date
WITH llm_services AS (
    SELECT entry[1] AS service_key, MIN(entry[2]) AS llm_provider
    FROM (SELECT UNNEST($llm_bill_services) AS entry) AS e
    GROUP BY entry[1]
),

sku_rules AS (
    SELECT
        CAST(entry[1] AS INTEGER) AS rule_rank,
        entry[2] AS regex,
        entry[3] AS llm_provider,
        NULLIF(entry[4], '') AS llm_model
    FROM (SELECT UNNEST(CAST($llm_bill_skus AS VARCHAR[][])) AS entry) AS e
),

-- the first SKU rule each line matches
sku_matches AS (
    SELECT dedup_key AS matched_line, llm_provider, llm_model
    FROM (
        SELECT
            b.dedup_key,
            r.llm_provider,
            r.llm_model,
            ROW_NUMBER() OVER (PARTITION BY b.dedup_key ORDER BY r.rule_rank) AS match_rank
        FROM staging.billing_lines AS b
        INNER JOIN sku_rules AS r
            ON regexp_matches(
                COALESCE(b.sku_id, '') || ' ' || COALESCE(b.charge_description, ''), r.regex
            )
        WHERE b.charge_period_end > CAST($recompute_from AS TIMESTAMP)
    ) AS m
    WHERE match_rank = 1
),

billing_days AS (
    SELECT
        b.source_file,
        b.source_line,
        b.dedup_key,
        CAST(d.day AS DATE) AS cost_date,
        date_diff(
            'second',
            GREATEST(b.charge_period_start, CAST(d.day AS TIMESTAMP)),
            LEAST(b.charge_period_end, CAST(d.day AS TIMESTAMP) + INTERVAL 1 DAY)
        ) AS seconds_in_day,
        CAST(
            CASE WHEN $billing_cost_column = 'BilledCost' THEN b.billed_cost ELSE b.effective_cost END
            * b.fx_rate_to_usd AS DECIMAL(38, 12)
        ) AS amount_usd,
        b.action_id,
        b.task_id,
        b.session_id,
        b.agent_id,
        b.team_id,
        b.work_type,
        b.service_name,
        -- an 'AI and Machine Learning' line billed by an LLM provider (a gateway's FOCUS export)
        CASE
            WHEN b.service_category = 'AI and Machine Learning'
                AND list_contains($llm_bill_providers, LOWER(TRIM(b.provider_name)))
                THEN LOWER(TRIM(b.provider_name))
        END AS category_provider,
        b.cost_line_tag,
        b.billing_account_id,
        b.charge_category,
        b.charge_frequency,
        b.billing_period_start,
        b.billing_period_end,
        b.charge_class,
        b.provider_name,
        b.publisher_name,
        b.invoice_issuer_name
    FROM staging.billing_lines AS b,
        UNNEST(
            generate_series(
                CAST(CAST(b.charge_period_start AS DATE) AS TIMESTAMP),
                b.charge_period_end - INTERVAL 1 MICROSECOND,
                INTERVAL 1 DAY
            )
        ) AS d (day)
    WHERE b.charge_period_end > CAST($recompute_from AS TIMESTAMP)
),

billing_day_parts AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY dedup_key ORDER BY seconds_in_day DESC, cost_date
        ) AS part_rank,
        SUM(seconds_in_day) OVER (PARTITION BY dedup_key) AS total_seconds,
        CAST(amount_usd * 1000000000000 AS HUGEINT) AS amount_units
    FROM billing_days
),

billing_by_day AS (
    SELECT
        *,
        divide_whole(amount_units * seconds_in_day, total_seconds) AS floor_units
    FROM billing_day_parts
),

parts AS (
    SELECT
        source_file,
        source_line,
        dedup_key,
        cost_date,
        seconds_in_day,
        CAST(
            floor_units
            + CASE
                WHEN part_rank = 1
                    THEN amount_units - SUM(floor_units) OVER (PARTITION BY dedup_key)
                ELSE 0
            END AS DECIMAL(38, 0)
        ) * CAST(0.000000000001 AS DECIMAL(13, 12)) AS amount_usd,
        action_id,
        task_id,
        session_id,
        agent_id,
        team_id,
        work_type,
        service_name,
        COALESCE(k.llm_provider, s.llm_provider, category_provider) AS llm_provider,
        CASE
            WHEN k.llm_provider IS NOT NULL THEN k.llm_model
            -- a gateway's FOCUS line names the model as its ServiceName
            WHEN s.llm_provider IS NULL AND category_provider IS NOT NULL
                THEN LOWER(TRIM(service_name))
        END AS llm_model,
        cost_line_tag,
        billing_account_id,
        charge_category,
        charge_frequency,
        billing_period_start,
        billing_period_end,
        charge_class,
        provider_name,
        publisher_name,
        invoice_issuer_name
    FROM billing_by_day
    LEFT JOIN llm_services AS s ON s.service_key = LOWER(TRIM(billing_by_day.service_name))
    LEFT JOIN sku_matches AS k ON k.matched_line = billing_by_day.dedup_key
)

SELECT * FROM parts WHERE cost_date >= $recompute_from
