-- One row per file of a source the loader has seen: the content it was loaded as (digest, size,
-- format, adapter, compression), the settings fingerprint that shaped its rows, the load that
-- last judged it, its rows and exact amounts read, staged, quarantined and dropped as duplicates,
-- its delivery day, and whether it was loaded or passed over (ignored, superseded) and why.
CREATE TABLE IF NOT EXISTS audit.load_ledger (
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    file_bytes BIGINT NOT NULL,
    file_format VARCHAR NOT NULL,
    adapter VARCHAR,
    settings_fingerprint VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_staged BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    amount_column VARCHAR,
    amount_read DECIMAL(38, 12),
    amount_staged DECIMAL(38, 12),
    amount_quarantined DECIMAL(38, 12),
    amount_duplicate DECIMAL(38, 12),
    delivery_day DATE,
    load_status VARCHAR NOT NULL DEFAULT 'loaded',
    status_reason VARCHAR,
    compression VARCHAR
)
