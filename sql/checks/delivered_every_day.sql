-- One row per day of the run on which the source did not deliver: no file dated that day was
-- loaded and, for a source expected to have rows every day ($rows_expected_daily), no row is
-- dated on it. Source: temp table _daily_volume (sql/checks/daily_volume.sql). Read by the
-- delivered_every_day check.
SELECT day, rows_delivered
FROM _daily_volume
WHERE NOT file_delivered AND NOT ($rows_expected_daily AND rows_delivered > 0)
ORDER BY day
