-- One row per row of a Parquet file, read straight from the file ($path): its line number (its
-- position in the file, from 1) and its columns as read; its raw row is left NULL, written only
-- if it is quarantined (parquet_raw_rows.sql).
SELECT
    r.file_row_number + 1 AS source_line,
    CAST(NULL AS VARCHAR) AS raw_row,
    CAST(NULL AS VARCHAR) AS landing_error,
    r.* EXCLUDE (file_row_number)
FROM read_parquet($path, file_row_number = true) AS r
