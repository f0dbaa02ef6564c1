-- One row per cost result of an LLM provider's cost report page, as its API returns it, in the
-- canonical provider_costs columns (all text). Source: json_document (the file's text, one row):
-- OpenAI's GET /v1/organization/costs page (buckets with start_time / end_time in unix seconds;
-- amount {value, currency} in dollars; line_item, project_id) or Anthropic's cost report
-- (buckets with starting_at / ending_at; amount a decimal string in cents, so amount_unit
-- 'minor'; model, description, workspace_id). The provider is known by the bucket's fields.
-- source_line is the result's position in the page, bucket by bucket; a bucket with no results
-- gives no row.
WITH buckets AS (
    SELECT b.value AS bucket, b.id AS bucket_position
    FROM json_document AS d, json_each(d.content, '$.data') AS b
),

results AS (
    SELECT
        b.bucket,
        b.bucket_position,
        r.value AS result,
        r.id AS result_position,
        json_exists(b.bucket, '$.start_time') AS is_openai
    FROM buckets AS b, json_each(b.bucket, '$.results') AS r
)

SELECT
    $source_file AS source_file,
    ROW_NUMBER() OVER (ORDER BY bucket_position, result_position) AS source_line,
    CAST(result AS VARCHAR) AS raw_row,
    CAST(NULL AS VARCHAR) AS landing_error,
    CASE WHEN is_openai THEN 'openai' ELSE 'anthropic' END AS provider,
    CASE
        WHEN is_openai THEN strftime(
            to_timestamp(TRY_CAST(json_extract_string(bucket, '$.start_time') AS BIGINT)),
            '%Y-%m-%dT%H:%M:%SZ'
        )
        ELSE json_extract_string(bucket, '$.starting_at')
    END AS starts_at,
    CASE
        WHEN is_openai THEN strftime(
            to_timestamp(TRY_CAST(json_extract_string(bucket, '$.end_time') AS BIGINT)),
            '%Y-%m-%dT%H:%M:%SZ'
        )
        ELSE json_extract_string(bucket, '$.ending_at')
    END AS ends_at,
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
FROM results
