-- One row per LiteLLM price catalogue file that is valid JSON (temp table catalogue_document): its
-- whole text, read by sql/landing/litellm_price_catalogue.sql.
CREATE OR REPLACE TEMP TABLE catalogue_document AS
SELECT content
FROM read_text($path)
WHERE json_valid(content)
