-- One row per load that added or removed staged rows of a source: the earliest day its changed
-- rows (or, for events and consequences, the actions they name) date from, and how many rows it
-- added and removed. The core layer recomputes from that day.
CREATE TABLE IF NOT EXISTS audit.changes (
    source VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    first_changed_day DATE,
    rows_added BIGINT NOT NULL,
    rows_removed BIGINT NOT NULL
)
