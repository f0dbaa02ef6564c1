-- One row per loaded file whose rows read differ from its rows staged + quarantined + duplicates
-- dropped: the four counts. Source: temp table _loaded_files (sql/checks/loaded_files.sql, one
-- source's files). Read by the rows_conserved check.
SELECT source_file, rows_read, rows_staged, rows_quarantined, rows_duplicate
FROM _loaded_files
WHERE rows_read <> rows_staged + rows_quarantined + rows_duplicate
ORDER BY source_file
