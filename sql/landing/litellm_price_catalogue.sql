-- One row per model and token kind priced in a LiteLLM model_prices_and_context_window.json
-- snapshot (USD per single token), in the canonical price-catalogue columns (USD per million
-- tokens). Source: json_document (the file's text, one row). The snapshot has no dates of its
-- own: every price starts at $effective_from, the day the file's path carries (a dated snapshot)
-- or IngestSettings.litellm_prices_effective_from. source_line is the model's position among the file's
-- top-level keys. Keys without any token price (sample_spec, image-only models) are skipped.
WITH entries AS (
    SELECT
        e.key AS model,
        CAST(e.value AS VARCHAR) AS entry,
        ROW_NUMBER() OVER (ORDER BY e.id) AS source_line
    FROM json_document AS d, json_each(d.content) AS e
    WHERE e.key NOT IN ('sample_spec', 'last_updated') AND e.type = 'OBJECT'
),

kinds (token_kind, price_field) AS (
    VALUES
        ('input', 'input_cost_per_token'),
        ('cached_input', 'cache_read_input_token_cost'),
        ('cache_write_input', 'cache_creation_input_token_cost'),
        ('output', 'output_cost_per_token'),
        ('reasoning', 'output_cost_per_reasoning_token')
)

SELECT
    $source_file AS source_file,
    p.source_line,
    p.entry AS raw_row,
    CAST(NULL AS VARCHAR) AS landing_error,
    p.model,
    json_extract_string(p.entry, '$.litellm_provider') AS provider,
    p.token_kind,
    CAST(CAST(p.usd_per_token AS DECIMAL(38, 18)) * 1000000 AS VARCHAR) AS usd_per_million_tokens,
    $effective_from AS effective_from
FROM (
    SELECT
        en.model,
        en.entry,
        en.source_line,
        k.token_kind,
        json_extract_string(en.entry, '$.' || k.price_field) AS usd_per_token
    FROM entries AS en
    CROSS JOIN kinds AS k
) AS p
WHERE p.usd_per_token IS NOT NULL
