-- One row per charge line read from a FOCUS 1.0-1.2 billing export (CSV or Parquet), typed and
-- checked. Source: landing_billing_lines (every FOCUS column as text, with source_file,
-- source_line and raw_row). Rows with a reject_reason go to quarantine; the rest to
-- staging.billing_lines. Costs stay in the billing currency as exported (FOCUS edge), exact to 12
-- decimal places; fx_rate_to_usd is the declared rate. Tags are case- and whitespace-sensitive;
-- the work_type tag's value is kept in lower case (development work is decided in core).
WITH typed AS (
    SELECT
        l.*,
        TRY_CAST(l.BilledCost AS DECIMAL(38, 12)) AS billed_cost,
        TRY_CAST(l.EffectiveCost AS DECIMAL(38, 12)) AS effective_cost,
        TRY_CAST(l.ListCost AS DECIMAL(38, 12)) AS list_cost,
        TRY_CAST(l.ContractedCost AS DECIMAL(38, 12)) AS contracted_cost,
        TRY_CAST(l.ConsumedQuantity AS DECIMAL(38, 12)) AS consumed_quantity,
        CAST(TRY_CAST(l.ChargePeriodStart AS TIMESTAMPTZ) AS TIMESTAMP) AS charge_period_start,
        CAST(TRY_CAST(l.ChargePeriodEnd AS TIMESTAMPTZ) AS TIMESTAMP) AS charge_period_end,
        CAST(TRY_CAST(l.BillingPeriodStart AS TIMESTAMPTZ) AS TIMESTAMP) AS billing_period_start,
        CAST(TRY_CAST(l.BillingPeriodEnd AS TIMESTAMPTZ) AS TIMESTAMP) AS billing_period_end,
        UPPER(l.BillingCurrency) AS billing_currency,
        -- Azure exports may drop the outer braces of Tags; they are put back before parsing.
        CASE
            WHEN l.Tags IS NULL THEN NULL
            WHEN LEFT(l.Tags, 1) = '{' THEN l.Tags
            ELSE '{' || l.Tags || '}'
        END AS tags_text,
        CASE LOWER(l.ChargeCategory)
            WHEN 'usage' THEN 'Usage'
            WHEN 'purchase' THEN 'Purchase'
            WHEN 'tax' THEN 'Tax'
            WHEN 'credit' THEN 'Credit'
            WHEN 'adjustment' THEN 'Adjustment'
        END AS charge_category,
        -- Real exports spell the same frequency 'Usage-Based' and 'Usage-based'.
        CASE LOWER(l.ChargeFrequency)
            WHEN 'usage-based' THEN 'Usage-Based'
            WHEN 'recurring' THEN 'Recurring'
            WHEN 'one-time' THEN 'One-Time'
            ELSE l.ChargeFrequency
        END AS charge_frequency
    FROM landing_billing_lines AS l
),

checked AS (
    SELECT
        t.*,
        fx.rate_to_usd AS fx_rate_to_usd,
        CASE WHEN json_valid(t.tags_text) THEN t.tags_text END AS tags_json,
        CASE
            WHEN t.tags_text IS NULL THEN 'none'
            WHEN json_valid(t.tags_text) THEN 'valid'
            ELSE 'invalid'
        END AS tags_status,
        COALESCE(t.landing_error, NULLIF(CONCAT_WS('; ',
            CASE
                WHEN t.BilledCost IS NULL THEN 'BilledCost: missing'
                WHEN t.billed_cost IS NULL
                    THEN 'BilledCost: not a decimal number (''' || LEFT(t.BilledCost, 40) || ''')'
            END,
            CASE
                WHEN t.EffectiveCost IS NULL THEN 'EffectiveCost: missing'
                WHEN t.effective_cost IS NULL
                    THEN 'EffectiveCost: not a decimal number ('''
                        || LEFT(t.EffectiveCost, 40) || ''')'
            END,
            CASE
                WHEN t.ListCost IS NOT NULL AND t.list_cost IS NULL
                    THEN 'ListCost: not a decimal number (''' || LEFT(t.ListCost, 40) || ''')'
            END,
            CASE
                WHEN t.ContractedCost IS NOT NULL AND t.contracted_cost IS NULL
                    THEN 'ContractedCost: not a decimal number ('''
                        || LEFT(t.ContractedCost, 40) || ''')'
            END,
            CASE
                WHEN t.ChargePeriodStart IS NULL THEN 'ChargePeriodStart: missing'
                WHEN t.charge_period_start IS NULL
                    THEN 'ChargePeriodStart: not a timestamp ('''
                        || LEFT(t.ChargePeriodStart, 40) || ''')'
            END,
            CASE
                WHEN t.ChargePeriodEnd IS NULL THEN 'ChargePeriodEnd: missing'
                WHEN t.charge_period_end IS NULL
                    THEN 'ChargePeriodEnd: not a timestamp ('''
                        || LEFT(t.ChargePeriodEnd, 40) || ''')'
                WHEN t.charge_period_end <= t.charge_period_start
                    THEN 'ChargePeriodEnd: not after ChargePeriodStart (periods are [start, end))'
            END,
            CASE
                WHEN t.BillingCurrency IS NULL THEN 'BillingCurrency: missing'
                WHEN fx.rate_to_usd IS NULL
                    THEN 'BillingCurrency: no declared exchange rate for '''
                        || t.billing_currency || ''''
            END,
            CASE
                WHEN t.ChargeCategory IS NULL THEN 'ChargeCategory: missing'
                WHEN t.charge_category IS NULL
                    THEN 'ChargeCategory: not a FOCUS charge category ('''
                        || LEFT(t.ChargeCategory, 40) || ''')'
            END
        ), '')) AS reject_reason
    FROM typed AS t
    LEFT JOIN fx_rates AS fx ON t.billing_currency = fx.currency
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    -- A billing line is a duplicate when every column the provider wrote is identical.
    md5(c.raw_row) AS dedup_key,
    md5(c.raw_row) AS row_hash,
    CASE WHEN $billing_cost_column = 'BilledCost' THEN c.billed_cost ELSE c.effective_cost END
        AS conserved_amount,
    COALESCE(c.ServiceProviderName, c.ProviderName) AS provider_name,
    c.PublisherName AS publisher_name,
    c.InvoiceIssuerName AS invoice_issuer_name,
    c.BillingAccountId AS billing_account_id,
    c.SubAccountId AS sub_account_id,
    c.SubAccountName AS sub_account_name,
    c.ServiceName AS service_name,
    c.ServiceCategory AS service_category,
    c.RegionId AS region_id,
    c.ResourceId AS resource_id,
    c.ResourceName AS resource_name,
    c.ResourceType AS resource_type,
    c.SkuId AS sku_id,
    c.charge_category,
    c.ChargeClass AS charge_class,
    c.charge_frequency,
    c.ChargeDescription AS charge_description,
    c.billing_period_start,
    c.billing_period_end,
    c.charge_period_start,
    c.charge_period_end,
    c.billing_currency,
    c.fx_rate_to_usd,
    c.billed_cost,
    c.effective_cost,
    c.list_cost,
    c.contracted_cost,
    c.consumed_quantity,
    c.ConsumedUnit AS consumed_unit,
    c.tags_json,
    c.tags_status,
    json_extract_string(c.tags_json, '$."' || $team_tag_key || '"') AS team_id,
    json_extract_string(c.tags_json, '$."' || $agent_tag_key || '"') AS agent_id,
    json_extract_string(c.tags_json, '$."' || $task_tag_key || '"') AS task_id,
    json_extract_string(c.tags_json, '$."' || $session_tag_key || '"') AS session_id,
    json_extract_string(c.tags_json, '$."' || $action_tag_key || '"') AS action_id,
    LOWER(TRIM(json_extract_string(c.tags_json, '$."' || $work_type_tag_key || '"'))) AS work_type
FROM checked AS c
