-- One row per source: the latest day a staged row is dated on (NULL when none is). Source: temp
-- view _daily_rows (the source's staging table: the time each staged row is about). Read by the
-- delivered_every_day check.
SELECT CAST(MAX(day_at) AS DATE) AS latest_day
FROM _daily_rows
