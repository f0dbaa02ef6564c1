-- One row per key the first 100 JSON objects of a file (in line order, _numbered) carry, once
-- each: they tell an adapter's rows from canonical ones.
SELECT DISTINCT unnest(json_keys(doc))
FROM (SELECT doc FROM _numbered WHERE doc IS NOT NULL ORDER BY source_line LIMIT 100)
