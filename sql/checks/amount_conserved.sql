-- One row per loaded file whose exact amount read differs from its amount staged + quarantined
-- (where parseable) + duplicates dropped, to the last decimal: the four amounts. Source: temp
-- table _loaded_files (sql/checks/loaded_files.sql, one source's files). Read by the
-- amount_conserved check.
SELECT source_file, amount_read, amount_staged, amount_quarantined, amount_duplicate
FROM _loaded_files
WHERE amount_read <> amount_staged + amount_quarantined + amount_duplicate
ORDER BY source_file
