-- One row per LLM provider and day (provider / model where reconciled per model), from
-- $checked_from, whose bill differs from its requests'
-- request-level cost by more than $reconciliation_tolerance_ratio of that cost (a bill with no
-- request logged always does), and per day with an LLM bill and requests whose provider is
-- unknown (they name none and the price catalogue does not tell: they cannot be matched to a
-- bill, so they may be counted beside it), largest difference
-- first: status, billed and request-level USD, reconciliation_variance_usd and its likely
-- reason. Source: core.llm_bill_reconciliation and core.llm_request_costs. Read by the
-- llm_bills_reconcile check.
WITH beyond_tolerance AS (
    SELECT
        CASE WHEN model IS NULL THEN provider ELSE provider || ' / ' || model END AS provider,
        day,
        status,
        billed_usd,
        request_level_usd,
        reconciliation_variance_usd,
        variance_reason
    FROM core.llm_bill_reconciliation
    WHERE status <> 'requests only'
        AND day >= $checked_from
        AND ABS(reconciliation_variance_usd)
        > CAST($reconciliation_tolerance_ratio AS DECIMAL(18, 6))
        * ABS(COALESCE(request_level_usd, 0))
),

billed_days AS (
    SELECT day, SUM(billed_usd) AS billed_usd
    FROM core.llm_bill_reconciliation
    WHERE status <> 'requests only' AND day >= $checked_from
    GROUP BY day
),

unmatched_requests AS (
    SELECT
        '(no provider)' AS provider,
        r.requested_date AS day,
        'requests without provider' AS status,
        b.billed_usd,
        SUM(r.cost_usd) AS request_level_usd,
        CAST(NULL AS DECIMAL(38, 12)) AS reconciliation_variance_usd,
        CAST(COUNT(*) AS VARCHAR) || ' requests name no provider on a day with an LLM bill, '
        || 'and the price catalogue names no single provider for their model: they cannot be '
        || 'matched to it and are booked beside it; give them a provider'
            AS variance_reason
    FROM core.llm_request_costs AS r
    INNER JOIN billed_days AS b ON b.day = r.requested_date
    WHERE r.provider IS NULL AND r.requested_date >= $checked_from
    GROUP BY r.requested_date, b.billed_usd
)

SELECT * FROM beyond_tolerance
UNION ALL
SELECT * FROM unmatched_requests
ORDER BY ABS(COALESCE(reconciliation_variance_usd, request_level_usd, 0)) DESC, day, provider
