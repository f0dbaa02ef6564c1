-- One row per LLM provider and day, from $checked_from, whose bill differs from its requests'
-- request-level cost by more than $reconciliation_tolerance_ratio of that cost (a bill with no
-- request logged always does), largest difference first: status, billed and request-level USD,
-- reconciliation_variance_usd and its likely reason. Source: core.llm_bill_reconciliation.
-- Read by the llm_bills_reconcile check.
SELECT
    provider,
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
    > CAST($reconciliation_tolerance_ratio AS DECIMAL(18, 6)) * ABS(COALESCE(request_level_usd, 0))
ORDER BY ABS(reconciliation_variance_usd) DESC, day, provider
