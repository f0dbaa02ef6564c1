-- One row per LLM provider and UTC day with LLM spend in a bill or in the request logs (SPEC 10),
-- or per provider, day and model where both sides name the models: what the bill says was paid,
-- what the requests cost at request level (reported, else catalogue), and the difference, with
-- its likely reason.
-- Source: core.billing_line_days (the lines with an llm_provider: a ServiceName listed in
-- MetricSettings.llm_bill_services, or a gateway's FOCUS line, whose ServiceName is the model),
-- core.provider_cost_results (the current statement of the providers' own cost reports, each
-- bucket on the UTC day it starts) and core.llm_request_costs (by provider, any case; a request
-- naming no provider takes the one provider the price catalogue names for its model; one whose
-- provider stays unknown cannot be matched to a bill and is left out).
-- The bill says what was paid, the request logs who spent it. On a 'reconciled' provider-day
-- (both sides) the cost ledger books the billed amount over the provider's requests of the day,
-- in proportion to their request-level cost, and books no bill line on top: inference is
-- invoice-true and counted once. A 'bill only' provider-day (no request logged) is booked as
-- inference, unallocated unless its lines are tagged with an owner; a 'requests only' one at
-- request-level cost. A provider's own cost report is what it charged: bill lines of the same
-- provider and day are superseded by it (superseded_bill_usd), never added to it.
-- A provider-day is reconciled per model (model set, one row per model, each model's bill spread
-- over that model's requests) when every part it is billed by names a model, no bill line is
-- superseded, and the bill and the requests name the same models (any case); otherwise it is
-- one row (model NULL), so that a model named differently on the two sides is never billed
-- beside its requests.
-- reconciliation_variance_usd = billed - request level (NULL for requests only); within
-- $reconciliation_tolerance_ratio of the request-level cost it is a match.
-- Tokens tell the reasons apart: provider_reported_tokens are the tokens the provider's usage
-- report counts (core.provider_usage_results, current statements; per model on a row with a
-- model, else the provider's whole day), logged_tokens those of the requests, and unlogged_tokens
-- the difference. More tokens reported than logged, beyond the tolerance, is unlogged traffic;
-- the same tokens billed differently is a rate (a discount, or catalogue drift).
-- Which bills are booked, said once here and read by the cost ledger and money_conserved:
-- bill_lines_booked (the provider-day's bill lines are booked as bill lines; FALSE where they
-- are booked through its requests or superseded by its cost report; NULL with no bill line) and
-- cost_report_booked (its cost report rows are booked as their own, unallocated, inference;
-- FALSE where booked through its requests; NULL with no cost report row).
-- @time_column day
-- @window records_from
-- @summary_by status
WITH billed_parts AS (
    SELECT
        llm_provider AS provider,
        cost_date AS day,
        llm_model AS model,
        amount_usd,
        'billing_lines' AS billed_in,
        dedup_key
    FROM core.billing_line_days
    WHERE llm_provider IS NOT NULL AND cost_date >= $recompute_from
    UNION ALL
    SELECT
        provider,
        day,
        LOWER(TRIM(model)),
        amount_usd,
        'provider_costs',
        dedup_key
    FROM core.provider_cost_results
    WHERE statement = 'current' AND day >= $recompute_from
),

-- the tokens the providers' usage reports count, per provider, day and model
reported_usage AS (
    SELECT
        provider,
        day,
        LOWER(TRIM(model)) AS model,
        SUM(input_tokens + output_tokens) AS tokens
    FROM core.provider_usage_results
    WHERE statement = 'current' AND day >= $recompute_from
    GROUP BY provider, day, LOWER(TRIM(model))
),

reported_usage_by_day AS (
    SELECT provider, day, SUM(tokens) AS tokens
    FROM reported_usage
    GROUP BY provider, day
),

request_models AS (
    SELECT DISTINCT
        LOWER(TRIM(provider)) AS provider,
        requested_date AS day,
        LOWER(TRIM(model)) AS model
    FROM core.llm_request_costs
    WHERE provider IS NOT NULL AND requested_date >= $recompute_from
),

-- whether a provider-day is billed by a cost report, by bill lines, or both (the cost report then
-- supersedes the bill lines: billed, below)
provider_days AS (
    SELECT
        provider,
        day,
        COUNT(CASE WHEN billed_in = 'provider_costs' THEN 1 END) > 0 AS has_cost_report,
        COUNT(CASE WHEN billed_in = 'billing_lines' THEN 1 END) > 0 AS has_bill_lines
    FROM billed_parts
    GROUP BY provider, day
),

-- the models a provider-day's bill names (a day billed by both a cost report and bill lines is
-- never reconciled per model: by_model)
billing_models AS (
    SELECT DISTINCT provider, day, model FROM billed_parts
),

billing_model_counts AS (
    SELECT
        provider,
        day,
        COUNT(DISTINCT model) AS models,
        COUNT(*) > COUNT(model) AS a_part_names_no_model
    FROM billing_models
    GROUP BY provider, day
),

request_model_counts AS (
    SELECT provider, day, COUNT(*) AS models FROM request_models GROUP BY provider, day
),

models_on_both_sides AS (
    SELECT b.provider, b.day, COUNT(*) AS models
    FROM billing_models AS b
    INNER JOIN request_models AS r
        ON r.provider = b.provider AND r.day = b.day AND r.model = b.model
    GROUP BY b.provider, b.day
),

-- provider-days whose bill and requests name the same models, every billed part one
by_model AS (
    SELECT d.provider, d.day
    FROM provider_days AS d
    INNER JOIN billing_model_counts AS b ON b.provider = d.provider AND b.day = d.day
    INNER JOIN request_model_counts AS r ON r.provider = d.provider AND r.day = d.day
    INNER JOIN models_on_both_sides AS m ON m.provider = d.provider AND m.day = d.day
    WHERE NOT (d.has_cost_report AND d.has_bill_lines)
        AND NOT b.a_part_names_no_model
        AND b.models = m.models
        AND r.models = m.models
),

billed_by_source AS (
    SELECT
        p.provider,
        p.day,
        CASE WHEN m.provider IS NOT NULL THEN p.model END AS model,
        COALESCE(SUM(CASE WHEN p.billed_in = 'billing_lines' THEN p.amount_usd END), 0)
            AS billed_in_bills_usd,
        COALESCE(SUM(CASE WHEN p.billed_in = 'provider_costs' THEN p.amount_usd END), 0)
            AS billed_in_cost_reports_usd,
        COUNT(DISTINCT CASE WHEN p.billed_in = 'billing_lines' THEN p.dedup_key END)
            AS bill_lines,
        COUNT(DISTINCT CASE WHEN p.billed_in = 'provider_costs' THEN p.dedup_key END)
            AS cost_report_rows
    FROM billed_parts AS p
    LEFT JOIN by_model AS m ON m.provider = p.provider AND m.day = p.day
    GROUP BY p.provider, p.day, CASE WHEN m.provider IS NOT NULL THEN p.model END
),

-- The provider's own cost report is what it charged: a bill's lines for the same provider and
-- day (a gateway's export of the same requests, say) are superseded by it, never added.
billed AS (
    SELECT
        *,
        CASE WHEN cost_report_rows > 0 THEN billed_in_cost_reports_usd ELSE billed_in_bills_usd END
            AS billed_usd,
        CASE WHEN cost_report_rows > 0 THEN billed_in_bills_usd ELSE 0 END AS superseded_bill_usd
    FROM billed_by_source
),

requested AS (
    SELECT
        LOWER(TRIM(c.provider)) AS provider,
        c.requested_date AS day,
        CASE WHEN m.provider IS NOT NULL THEN LOWER(TRIM(c.model)) END AS model,
        SUM(c.cost_usd) AS request_level_usd,
        SUM(c.input_tokens + c.output_tokens) AS logged_tokens,
        COUNT(*) AS requests,
        COUNT(c.cost_usd) AS requests_priced
    FROM core.llm_request_costs AS c
    LEFT JOIN by_model AS m
        ON m.provider = LOWER(TRIM(c.provider)) AND m.day = c.requested_date
    WHERE c.provider IS NOT NULL AND c.requested_date >= $recompute_from
    GROUP BY
        LOWER(TRIM(c.provider)),
        c.requested_date,
        CASE WHEN m.provider IS NOT NULL THEN LOWER(TRIM(c.model)) END
),

sides AS (
    SELECT
        COALESCE(b.provider, r.provider) AS provider,
        COALESCE(b.day, r.day) AS day,
        COALESCE(b.model, r.model) AS model,
        CASE
            WHEN b.provider IS NULL THEN 'requests only'
            WHEN r.provider IS NULL THEN 'bill only'
            ELSE 'reconciled'
        END AS status,
        b.billed_usd,
        b.billed_in_bills_usd,
        b.billed_in_cost_reports_usd,
        COALESCE(b.superseded_bill_usd, 0) AS superseded_bill_usd,
        r.request_level_usd,
        COALESCE(r.requests, 0) AS requests,
        COALESCE(r.requests_priced, 0) AS requests_priced,
        COALESCE(b.bill_lines, 0) AS bill_lines,
        COALESCE(b.cost_report_rows, 0) AS cost_report_rows,
        b.billed_usd - COALESCE(r.request_level_usd, 0) AS variance_usd,
        COALESCE(r.logged_tokens, 0) AS logged_tokens
    FROM billed AS b
    FULL OUTER JOIN requested AS r
        ON r.provider = b.provider AND r.day = b.day AND r.model IS NOT DISTINCT FROM b.model
),

-- the provider's reported tokens beside the logged ones: a model's on a row per model, the whole
-- day's otherwise
with_usage AS (
    SELECT
        s.*,
        COALESCE(d.tokens, m.tokens) AS provider_reported_tokens,
        COALESCE(d.tokens, m.tokens) - s.logged_tokens AS unlogged_tokens
    FROM sides AS s
    LEFT JOIN reported_usage_by_day AS d
        ON s.model IS NULL AND d.provider = s.provider AND d.day = s.day
    LEFT JOIN reported_usage AS m
        ON s.model IS NOT NULL AND m.provider = s.provider AND m.day = s.day
        AND m.model = s.model
),

judged AS (
    SELECT
        *,
        ABS(variance_usd)
        <= CAST($reconciliation_tolerance_ratio AS DECIMAL(18, 6))
        * ABS(COALESCE(request_level_usd, 0)) AS is_match,
        -- whether the usage report and the logs count the same tokens, within the tolerance
        CASE
            WHEN provider_reported_tokens IS NOT NULL
                THEN ABS(unlogged_tokens)
                <= CAST($reconciliation_tolerance_ratio AS DECIMAL(18, 6))
                * provider_reported_tokens
        END AS tokens_match
    FROM with_usage
)

SELECT
    provider,
    day,
    model,
    status,
    billed_usd,
    billed_in_bills_usd,
    billed_in_cost_reports_usd,
    superseded_bill_usd,
    request_level_usd,
    variance_usd AS reconciliation_variance_usd,
    CASE
        WHEN status = 'requests only'
            THEN 'no bill for this provider and day: booked at request-level cost'
        WHEN status = 'bill only'
            THEN 'no request of this provider logged that day: untagged or unlogged traffic, '
            || 'booked as inference (unallocated unless the bill is tagged)'
        WHEN is_match THEN 'the bill matches the request logs'
        WHEN variance_usd > 0 AND unlogged_tokens > 0 AND NOT tokens_match
            THEN 'billed above the request logs, and the provider''s usage report counts '
            || 'tokens the logs miss (unlogged_tokens): unlogged traffic'
        WHEN variance_usd > 0 AND tokens_match
            THEN 'billed above the request logs for the tokens they hold: catalogue prices '
            || 'below the provider''s, or requests without a cost'
        WHEN variance_usd < 0 AND tokens_match
            THEN 'billed below the request logs for the tokens they hold: a discount, credit '
            || 'or committed-use rate, or catalogue prices above the provider''s'
        WHEN unlogged_tokens < 0 AND NOT tokens_match
            THEN 'billed ' || CASE WHEN variance_usd < 0 THEN 'below' ELSE 'above' END
            || ' the request logs, which hold more tokens than the provider''s usage report '
            || 'counts: requests its report does not cover (embeddings, images, audio), '
            || 'requests logged twice, or another account''s requests in the logs'
        WHEN variance_usd < 0
            THEN 'billed below the request logs: a discount, credit or committed-use rate, '
            || 'or catalogue prices above the provider''s'
        ELSE 'billed above the request logs: traffic the logs miss, requests without a cost, '
            || 'or catalogue prices below the provider''s'
    END AS variance_reason,
    requests,
    requests_priced,
    bill_lines,
    cost_report_rows,
    CAST(provider_reported_tokens AS BIGINT) AS provider_reported_tokens,
    CAST(logged_tokens AS BIGINT) AS logged_tokens,
    CAST(unlogged_tokens AS BIGINT) AS unlogged_tokens,
    CASE
        WHEN bill_lines > 0 THEN status <> 'reconciled' AND cost_report_rows = 0
    END AS bill_lines_booked,
    CASE WHEN cost_report_rows > 0 THEN status <> 'reconciled' END AS cost_report_booked
FROM judged
