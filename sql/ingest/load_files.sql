-- One row per file this load reads or passes over (temp table _files): its content, the adapter
-- it was read with, the lines its reader rejected before staging, its delivery day, and whether
-- it is loaded or passed over (ignored, superseded) and why. The load ledger is written from it,
-- and the rows earlier loads took from these files are replaced.
CREATE OR REPLACE TEMP TABLE _files (
    source_file VARCHAR,
    file_sha256 VARCHAR,
    file_bytes BIGINT,
    file_format VARCHAR,
    adapter VARCHAR,
    rejected_lines BIGINT,
    delivery_day DATE,
    load_status VARCHAR,
    status_reason VARCHAR,
    compression VARCHAR
)
