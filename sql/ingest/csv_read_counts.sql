-- One row per CSV file read: how many records the reader read (_read) and how many lines it
-- rejected (_rejects).
SELECT (SELECT COUNT(*) FROM _read), (SELECT COUNT(DISTINCT line) FROM _rejects)
