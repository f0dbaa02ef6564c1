-- One row per cost result of an LLM provider's cost report page, as its API returns it, in the
-- canonical provider_costs columns (all text). Source: provider_report_results (the page's
-- results with their bucket's period): OpenAI's GET /v1/organization/costs page (amount
-- {value, currency} in dollars; line_item, project_id) or Anthropic's cost report (amount a
-- decimal string in cents, so amount_unit 'minor'; model, description, workspace_id). The
-- provider is known by the bucket's fields. source_line is the result's position in the page. A
-- page of another report is one rejected row that says what it is: a usage result (tokens, no
-- amount) or a bucket with no results (Anthropic's Claude Code analytics report).
SELECT
    $source_file AS source_file,
    source_line,
    CAST(COALESCE(result, bucket) AS VARCHAR) AS raw_row,
    CASE
        WHEN result IS NULL
            THEN 'not a cost report bucket: it has no results (Anthropic''s Claude Code '
            || 'analytics report is not read here)'
        WHEN NOT json_exists(result, '$.amount') AND json_exists(result, '$.output_tokens')
            THEN 'a usage report result (tokens, no amount): save usage report pages under '
            || 'provider_usage/'
    END AS landing_error,
    CASE WHEN is_openai THEN 'openai' ELSE 'anthropic' END AS provider,
    starts_at,
    ends_at,
    CASE
        WHEN is_openai THEN json_extract_string(result, '$.amount.value')
        ELSE json_extract_string(result, '$.amount')
    END AS amount,
    CASE WHEN is_openai THEN 'major' ELSE 'minor' END AS amount_unit,
    CASE
        WHEN is_openai THEN json_extract_string(result, '$.amount.currency')
        ELSE json_extract_string(result, '$.currency')
    END AS currency,
    json_extract_string(result, '$.model') AS model,
    COALESCE(
        json_extract_string(result, '$.line_item'), json_extract_string(result, '$.description')
    ) AS line_item,
    COALESCE(
        json_extract_string(result, '$.project_id'), json_extract_string(result, '$.workspace_id')
    ) AS project_id
FROM provider_report_results
