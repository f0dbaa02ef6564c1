-- One row per column named by $source's quarantined rows, the ten most frequent: the column and
-- how many rows it sent to quarantine. Source: audit.quarantine. Read by the quarantine_share
-- check.
SELECT column_name, COUNT(*) AS n
FROM audit.quarantine
WHERE source = $source
GROUP BY column_name
ORDER BY n DESC, column_name
LIMIT 10
