-- One row per source: the fingerprint (its staging model and the settings that shape its rows)
-- its staging table was last written under. A source with no file to load or give up skips its
-- load while this still matches: the table already has the model's columns.
CREATE TABLE IF NOT EXISTS audit.staging_models (
    source VARCHAR PRIMARY KEY,
    settings_fingerprint VARCHAR NOT NULL,
    staged_at TIMESTAMP NOT NULL
)
