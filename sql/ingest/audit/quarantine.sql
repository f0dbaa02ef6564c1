-- One row per row the loader did not stage and does not drop: a row its staging model rejected,
-- a line the file's reader could not read, or a duplicate key with different content; with its
-- file, line, the column at fault ('(row)' for the whole row), the reason, the raw row as the
-- file holds it, the amount it carries and the load that judged it.
CREATE TABLE IF NOT EXISTS audit.quarantine (
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT,
    column_name VARCHAR,
    reason VARCHAR NOT NULL,
    raw_row VARCHAR,
    parsed_amount DECIMAL(38, 12),
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
)
