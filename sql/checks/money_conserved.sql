-- One row per source and day whose booked total differs from the source total, and per billing
-- line whose day parts do not add up to it, from $checked_from: what is compared (a source and
-- a day, or 'billing_lines (line split into days)' and the line's dedup_key), the source's
-- amount and the amount booked, to the last decimal. Source: core.llm_request_costs,
-- staging.tool_calls, core.labour_costs, staging.consequence_records, core.billing_line_days
-- and staging.billing_lines (the amount of $billing_cost_column in USD) against
-- core.cost_ledger (attributed + allocated + unallocated, by the record's own day: source_date).
-- A provider-day billed and logged (core.llm_bill_reconciliation, SPEC 10) is booked once,
-- through its requests at the billed amount: its requests' source total gains the variance
-- (billed - request level) and the bill's lines (or cost report rows) move from their source's
-- total to theirs; bill lines a cost report supersedes are not booked. A cost report's total is
-- the current statement of each bucket (core.provider_cost_results); restated rows are not
-- booked.
-- The requests and tokens follow the money: per day, the ledger's parts of requests count each
-- request once and carry its tokens whole (a row per measure that differs, 'llm_requests
-- (<measure>)').
-- Read by the money_conserved check.
WITH reconciled AS (
    SELECT
        day,
        -- bill lines and cost report rows not booked as their own (bill_lines_booked,
        -- cost_report_booked): booked through the requests, or superseded by a cost report
        SUM(CASE WHEN NOT bill_lines_booked THEN billed_in_bills_usd ELSE 0 END)
            AS billed_in_bills_usd,
        SUM(CASE WHEN NOT cost_report_booked THEN billed_in_cost_reports_usd ELSE 0 END)
            AS billed_in_cost_reports_usd,
        SUM(CASE WHEN status = 'reconciled' THEN reconciliation_variance_usd ELSE 0 END)
            AS variance_usd
    FROM core.llm_bill_reconciliation
    WHERE status <> 'requests only' AND day >= $checked_from
    GROUP BY day
),

source_totals AS (
    SELECT 'llm_requests' AS source, requested_date AS day, SUM(cost_usd) AS amount_usd
    FROM core.llm_request_costs WHERE requested_date >= $checked_from GROUP BY 2
    UNION ALL
    SELECT 'llm_requests', day, variance_usd FROM reconciled
    UNION ALL
    SELECT 'billing_lines', day, -billed_in_bills_usd FROM reconciled
    UNION ALL
    SELECT 'provider_costs', day, -billed_in_cost_reports_usd FROM reconciled
    UNION ALL
    SELECT 'provider_costs', day, SUM(amount_usd)
    FROM core.provider_cost_results WHERE statement = 'current' AND day >= $checked_from
    GROUP BY 2
    UNION ALL
    SELECT 'tool_calls', CAST(called_at AS DATE), SUM(cost_usd)
    FROM staging.tool_calls WHERE called_at >= CAST($checked_from AS TIMESTAMP) GROUP BY 2
    UNION ALL
    SELECT 'time_entries', work_date, SUM(labour_cost_usd) FROM core.labour_costs
    WHERE work_date >= $checked_from GROUP BY 2
    UNION ALL
    SELECT 'consequence_records', CAST(occurred_at AS DATE), SUM(amount_usd)
    FROM staging.consequence_records WHERE occurred_at >= CAST($checked_from AS TIMESTAMP)
    GROUP BY 2
    UNION ALL
    SELECT 'billing_lines', cost_date, SUM(amount_usd)
    FROM core.billing_line_days WHERE cost_date >= $checked_from GROUP BY 2
),
-- by the record's own day: a consequence part is dated on its action's day (source_date
-- is the record's; for every other part it is cost_date)
source_day_totals AS (
    SELECT source, day, SUM(amount_usd) AS amount_usd FROM source_totals GROUP BY source, day
),

booked AS (
    SELECT source, source_date AS day, SUM(amount_usd) AS amount_usd
    FROM core.cost_ledger WHERE source_date >= $checked_from GROUP BY 1, 2
),
billing_lines AS (
    SELECT dedup_key, CAST(
        CASE WHEN $billing_cost_column = 'BilledCost' THEN billed_cost ELSE effective_cost END
        * fx_rate_to_usd AS DECIMAL(38, 12)) AS amount_usd
    FROM staging.billing_lines
    WHERE charge_period_end > CAST($checked_from AS TIMESTAMP)
),
billing_days AS (
    SELECT dedup_key, SUM(amount_usd) AS amount_usd
    FROM core.billing_line_days
    WHERE dedup_key IN (SELECT dedup_key FROM billing_lines)
        OR cost_date >= $checked_from
    GROUP BY 1
),
request_counts AS (
    SELECT
        requested_date AS day,
        COUNT(*) AS requests,
        SUM(input_tokens) AS input_tokens,
        SUM(cached_input_tokens) AS cached_input_tokens,
        SUM(output_tokens) AS output_tokens,
        SUM(reasoning_tokens) AS reasoning_tokens
    FROM core.llm_request_costs WHERE requested_date >= $checked_from GROUP BY 1
),
booked_counts AS (
    SELECT
        source_date AS day,
        SUM(requests) AS requests,
        SUM(input_tokens) AS input_tokens,
        SUM(cached_input_tokens) AS cached_input_tokens,
        SUM(output_tokens) AS output_tokens,
        SUM(reasoning_tokens) AS reasoning_tokens
    FROM core.cost_ledger
    WHERE source = 'llm_requests' AND source_date >= $checked_from
    GROUP BY 1
),
counts AS (
    SELECT
        CAST(COALESCE(s.day, b.day) AS VARCHAR) AS day,
        COALESCE(s.requests, 0) AS source_requests,
        COALESCE(b.requests, 0) AS booked_requests,
        COALESCE(s.input_tokens, 0) AS source_input_tokens,
        COALESCE(b.input_tokens, 0) AS booked_input_tokens,
        COALESCE(s.cached_input_tokens, 0) AS source_cached_input_tokens,
        COALESCE(b.cached_input_tokens, 0) AS booked_cached_input_tokens,
        COALESCE(s.output_tokens, 0) AS source_output_tokens,
        COALESCE(b.output_tokens, 0) AS booked_output_tokens,
        COALESCE(s.reasoning_tokens, 0) AS source_reasoning_tokens,
        COALESCE(b.reasoning_tokens, 0) AS booked_reasoning_tokens
    FROM request_counts AS s
    FULL OUTER JOIN booked_counts AS b ON b.day = s.day
)
SELECT COALESCE(s.source, b.source), CAST(COALESCE(s.day, b.day) AS VARCHAR),
       COALESCE(s.amount_usd, 0),
       COALESCE(b.amount_usd, 0)
FROM source_day_totals AS s
FULL OUTER JOIN booked AS b ON b.source = s.source AND b.day = s.day
WHERE COALESCE(s.amount_usd, 0) <> COALESCE(b.amount_usd, 0)
UNION ALL
SELECT 'billing_lines (line split into days)', COALESCE(l.dedup_key, d.dedup_key),
       COALESCE(l.amount_usd, 0), COALESCE(d.amount_usd, 0)
FROM billing_lines AS l
FULL OUTER JOIN billing_days AS d ON d.dedup_key = l.dedup_key
WHERE COALESCE(l.amount_usd, 0) <> COALESCE(d.amount_usd, 0)
UNION ALL
SELECT 'llm_requests (requests)', day, source_requests, booked_requests
FROM counts WHERE source_requests <> booked_requests
UNION ALL
SELECT 'llm_requests (input_tokens)', day, source_input_tokens, booked_input_tokens
FROM counts WHERE source_input_tokens <> booked_input_tokens
UNION ALL
SELECT 'llm_requests (cached_input_tokens)', day, source_cached_input_tokens, booked_cached_input_tokens
FROM counts WHERE source_cached_input_tokens <> booked_cached_input_tokens
UNION ALL
SELECT 'llm_requests (output_tokens)', day, source_output_tokens, booked_output_tokens
FROM counts WHERE source_output_tokens <> booked_output_tokens
UNION ALL
SELECT 'llm_requests (reasoning_tokens)', day, source_reasoning_tokens, booked_reasoning_tokens
FROM counts WHERE source_reasoning_tokens <> booked_reasoning_tokens
