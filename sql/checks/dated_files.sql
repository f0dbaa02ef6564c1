-- One row per source ($source): how many of its files in the load ledger carry a delivery date
-- in their path. Source: audit.load_ledger (delivery_day). Read by the delivered_every_day check.
SELECT COUNT(delivery_day) AS dated_files
FROM audit.load_ledger
WHERE source = $source
