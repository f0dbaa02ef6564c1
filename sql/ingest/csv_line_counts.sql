-- One row per CSV file: how many lines it holds after its header and how many of those are blank
-- (_physical).
SELECT COUNT(*), COUNT(CASE WHEN TRIM(COALESCE(line, '')) = '' THEN 1 END)
FROM _physical
WHERE n > 1
