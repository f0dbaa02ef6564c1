-- One row per LLM provider and UTC day with LLM spend in a bill or in the request logs (SPEC 10):
-- what the bill says was paid, what the provider's requests of the day cost at request level
-- (reported, else catalogue), and the difference, with its likely reason.
-- Source: core.billing_line_days (the lines with an llm_provider: a ServiceName listed in
-- MetricSettings.llm_bill_services), core.provider_cost_results (the current statement of the
-- providers' own cost reports, each bucket on the UTC day it starts) and core.llm_request_costs (by provider, any case; a
-- request naming no provider takes the one provider the price catalogue names for its model;
-- one whose provider stays unknown cannot be matched to a bill and is left out).
-- The bill says what was paid, the request logs who spent it. On a 'reconciled' provider-day
-- (both sides) the cost ledger books the billed amount over the provider's requests of the day,
-- in proportion to their request-level cost, and books no bill line on top: inference is
-- invoice-true and counted once. A 'bill only' provider-day (no request logged) is booked as
-- inference, unallocated unless its lines are tagged with an owner; a 'requests only' one at
-- request-level cost. A provider's own cost report is what it charged: bill lines of the same
-- provider and day are superseded by it (superseded_bill_usd), never added to it.
-- reconciliation_variance_usd = billed - request level (NULL for requests only); within
-- $reconciliation_tolerance_ratio of the request-level cost it is a match.
-- @time_column day
-- @window records_from
-- @summary_by status
WITH billed_parts AS (
    SELECT
        llm_provider AS provider,
        cost_date AS day,
        amount_usd,
        'billing_lines' AS billed_in,
        dedup_key
    FROM core.billing_line_days
    WHERE llm_provider IS NOT NULL AND cost_date >= $recompute_from
    UNION ALL
    SELECT
        provider,
        day,
        amount_usd,
        'provider_costs',
        dedup_key
    FROM core.provider_cost_results
    WHERE statement = 'current' AND day >= $recompute_from
),

billed_by_source AS (
    SELECT
        provider,
        day,
        COALESCE(SUM(CASE WHEN billed_in = 'billing_lines' THEN amount_usd END), 0)
            AS billed_in_bills_usd,
        COALESCE(SUM(CASE WHEN billed_in = 'provider_costs' THEN amount_usd END), 0)
            AS billed_in_cost_reports_usd,
        COUNT(DISTINCT CASE WHEN billed_in = 'billing_lines' THEN dedup_key END) AS bill_lines,
        COUNT(DISTINCT CASE WHEN billed_in = 'provider_costs' THEN dedup_key END)
            AS cost_report_rows
    FROM billed_parts
    GROUP BY provider, day
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
        LOWER(TRIM(provider)) AS provider,
        requested_date AS day,
        SUM(cost_usd) AS request_level_usd,
        COUNT(*) AS requests,
        COUNT(cost_usd) AS requests_priced
    FROM core.llm_request_costs
    WHERE provider IS NOT NULL AND requested_date >= $recompute_from
    GROUP BY LOWER(TRIM(provider)), requested_date
),

sides AS (
    SELECT
        COALESCE(b.provider, r.provider) AS provider,
        COALESCE(b.day, r.day) AS day,
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
        b.billed_usd - COALESCE(r.request_level_usd, 0) AS variance_usd
    FROM billed AS b
    FULL OUTER JOIN requested AS r ON r.provider = b.provider AND r.day = b.day
)

SELECT
    provider,
    day,
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
        WHEN ABS(variance_usd)
            <= CAST($reconciliation_tolerance_ratio AS DECIMAL(18, 6))
            * ABS(COALESCE(request_level_usd, 0))
            THEN 'the bill matches the request logs'
        WHEN variance_usd < 0
            THEN 'billed below the request logs: a discount, credit or committed-use rate, '
            || 'or catalogue prices above the provider''s'
        ELSE 'billed above the request logs: traffic the logs miss, requests without a cost, '
            || 'or catalogue prices below the provider''s'
    END AS variance_reason,
    requests,
    requests_priced,
    bill_lines,
    cost_report_rows
FROM sides
