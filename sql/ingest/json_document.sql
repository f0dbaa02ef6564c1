-- One row per file read as one JSON document (a LiteLLM price catalogue, a provider's cost report
-- page) that is valid JSON (temp table json_document): its whole text, read by the file's
-- landing statement in sql/landing/.
CREATE OR REPLACE TEMP TABLE json_document AS
SELECT content
FROM read_text($path)
WHERE json_valid(content)
