-- One row per charge line read from a FOCUS 1.0-1.3 billing export (CSV, compressed CSV or
-- Parquet), typed and checked. Source: landing_billing_lines (every FOCUS column as text, with
-- source_file, source_line and raw_row; typed Parquet tags already as a JSON object). Rows with a
-- reject_reason go to quarantine; the rest to staging.billing_lines. Costs stay in the billing
-- currency as exported (FOCUS edge), exact to 12 decimal places, negatives (credits) included,
-- within the money limit (value_limit; a cost beyond it, or with more places, is quarantined).
-- ConsumedQuantity and PricingQuantity are informational (never summed or priced) and read
-- unchecked, to 12 places;
-- fx_rate_to_usd is the declared rate. Dates are ISO 8601 unless the source declares a format.
-- Tags are case- and whitespace-sensitive; the values of the work_type and cost_line tags are
-- kept in lower case.
-- Row identity (SPEC 9): a FOCUS row has no id, so a line is identified by its content, read as
-- typed values (so column order, CSV or Parquet, and number formatting do not matter), and by its
-- occurrence among identical rows of its file: two identical rows in one file are two charges,
-- the same charge delivered again in another file is one.
WITH typed AS (
    SELECT
        l.*,
        read_amount(l.BilledCost, 'money') AS billed_cost,
        read_amount(l.EffectiveCost, 'money') AS effective_cost,
        read_amount(l.ListCost, 'money') AS list_cost,
        read_amount(l.ContractedCost, 'money') AS contracted_cost,
        TRY_CAST(l.ConsumedQuantity AS DECIMAL(38, 12)) AS consumed_quantity,
        TRY_CAST(l.PricingQuantity AS DECIMAL(38, 12)) AS pricing_quantity,
        read_instant(l.ChargePeriodStart, $date_format) AS charge_period_start,
        read_instant(l.ChargePeriodEnd, $date_format) AS charge_period_end,
        read_instant(l.BillingPeriodStart, $date_format) AS billing_period_start,
        read_instant(l.BillingPeriodEnd, $date_format) AS billing_period_end,
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
        COALESCE(t.ServiceProviderName, t.ProviderName) AS provider_name,
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
                ELSE amount_problem('BilledCost', t.BilledCost, 'money')
            END,
            CASE
                WHEN t.EffectiveCost IS NULL THEN 'EffectiveCost: missing'
                ELSE amount_problem('EffectiveCost', t.EffectiveCost, 'money')
            END,
            amount_problem('ListCost', t.ListCost, 'money'),
            amount_problem('ContractedCost', t.ContractedCost, 'money'),
            CASE
                WHEN t.ChargePeriodStart IS NULL THEN 'ChargePeriodStart: missing'
                ELSE instant_problem(
                    'ChargePeriodStart', t.ChargePeriodStart, t.charge_period_start,
                    $plausible_from, $plausible_to
                )
            END,
            CASE
                WHEN t.ChargePeriodEnd IS NULL THEN 'ChargePeriodEnd: missing'
                WHEN instant_problem(
                    'ChargePeriodEnd', t.ChargePeriodEnd, t.charge_period_end,
                    $plausible_from, $plausible_to
                ) IS NOT NULL
                    THEN instant_problem(
                        'ChargePeriodEnd', t.ChargePeriodEnd, t.charge_period_end,
                        $plausible_from, $plausible_to
                    )
                WHEN t.charge_period_end <= t.charge_period_start
                    THEN 'ChargePeriodEnd: not after ChargePeriodStart (periods are [start, end))'
            END,
            instant_problem(
                'BillingPeriodStart', t.BillingPeriodStart, t.billing_period_start,
                $plausible_from, $plausible_to
            ),
            instant_problem(
                'BillingPeriodEnd', t.BillingPeriodEnd, t.billing_period_end,
                $plausible_from, $plausible_to
            ),
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
),

-- the charge as typed values: the same whatever the file's format, column order or spelling of
-- numbers; tags as their sorted key/value pairs
identified AS (
    SELECT
        c.*,
        md5(to_json(list_value(
            CAST(c.billed_cost AS VARCHAR), CAST(c.effective_cost AS VARCHAR),
            CAST(c.list_cost AS VARCHAR), CAST(c.contracted_cost AS VARCHAR),
            CAST(c.consumed_quantity AS VARCHAR), CAST(c.pricing_quantity AS VARCHAR),
            c.billing_currency, c.BillingAccountId,
            CAST(c.billing_period_start AS VARCHAR), CAST(c.billing_period_end AS VARCHAR),
            CAST(c.charge_period_start AS VARCHAR), CAST(c.charge_period_end AS VARCHAR),
            c.charge_category, c.ChargeClass, c.charge_frequency, c.ChargeDescription,
            c.provider_name, c.PublisherName, c.InvoiceIssuerName, c.ServiceName,
            c.ServiceCategory, c.RegionId, c.ResourceId, c.ResourceName, c.ResourceType,
            c.SkuId, c.SubAccountId, c.SubAccountName, c.ConsumedUnit, c.PricingUnit,
            COALESCE(
                CAST(to_json(list_sort(map_entries(
                    json_transform(c.tags_json, '"MAP(VARCHAR, VARCHAR)"')
                ))) AS VARCHAR),
                c.tags_text
            )
        ))) AS charge_hash
    FROM checked AS c
)

SELECT
    c.source_file,
    c.source_line,
    c.raw_row,
    c.reject_reason,
    -- the charge and its occurrence among identical rows of its file
    c.charge_hash || '-' || CAST(ROW_NUMBER() OVER (
        PARTITION BY c.source_file, c.charge_hash ORDER BY c.source_line
    ) AS VARCHAR) AS dedup_key,
    c.charge_hash AS row_hash,
    CASE WHEN $billing_cost_column = 'BilledCost' THEN c.billed_cost ELSE c.effective_cost END
        AS conserved_amount,
    c.provider_name,
    c.HostProviderName AS host_provider_name,
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
    LOWER(TRIM(json_extract_string(c.tags_json, '$."' || $work_type_tag_key || '"'))) AS work_type,
    LOWER(TRIM(json_extract_string(c.tags_json, '$."' || $cost_line_tag_key || '"'))) AS cost_line_tag
FROM identified AS c
