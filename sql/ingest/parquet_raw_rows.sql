-- One row per row of a Parquet file ($path) headed for quarantine or kept as a duplicate
-- (_quarantine_lines): its raw row, read back from the file into _checked: the row's own columns,
-- in file order, as one JSON object, written exactly as a whole row's to_json writes it.
UPDATE _checked AS c SET raw_row = p.raw_row
FROM (
    SELECT
        r.file_row_number + 1 AS source_line,
        CAST(to_json(struct_pack({row_fields})) AS VARCHAR) AS raw_row
    FROM read_parquet($path, file_row_number = true) AS r
    WHERE r.file_row_number + 1 IN (
        SELECT source_line FROM _quarantine_lines WHERE source_file = $source_file
    )
) AS p
WHERE c.source_file = $source_file AND c.source_line = p.source_line
