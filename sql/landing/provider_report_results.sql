-- One row per result of a provider's report page (cost or usage), as temp table
-- provider_report_results, with its bucket's period as written: OpenAI's pages give start_time /
-- end_time in unix seconds (written here as ISO 8601 UTC), Anthropic's starting_at / ending_at.
-- Source: json_document (the file's text, one row). A bucket with no results key is one row with
-- result NULL, so a page of another report is rejected saying what it is, never read as empty;
-- a bucket whose results are empty gives no row. Read by the landing statements of
-- provider_costs and provider_usage.
CREATE OR REPLACE TEMP TABLE provider_report_results AS
WITH buckets AS (
    SELECT b.value AS bucket, b.id AS bucket_position
    FROM json_document AS d, json_each(d.content, '$.data') AS b
),

results AS (
    SELECT b.bucket, b.bucket_position, r.value AS result, r.id AS result_position
    FROM buckets AS b, json_each(b.bucket, '$.results') AS r
    UNION ALL
    SELECT bucket, bucket_position, NULL, 0
    FROM buckets
    WHERE NOT json_exists(bucket, '$.results')
)

SELECT
    bucket,
    result,
    ROW_NUMBER() OVER (ORDER BY bucket_position, result_position) AS source_line,
    json_exists(bucket, '$.start_time') AS is_openai,
    CASE
        WHEN json_exists(bucket, '$.start_time') THEN strftime(
            to_timestamp(TRY_CAST(json_extract_string(bucket, '$.start_time') AS BIGINT)),
            '%Y-%m-%dT%H:%M:%SZ'
        )
        ELSE json_extract_string(bucket, '$.starting_at')
    END AS starts_at,
    CASE
        WHEN json_exists(bucket, '$.start_time') THEN strftime(
            to_timestamp(TRY_CAST(json_extract_string(bucket, '$.end_time') AS BIGINT)),
            '%Y-%m-%dT%H:%M:%SZ'
        )
        ELSE json_extract_string(bucket, '$.ending_at')
    END AS ends_at
FROM results
