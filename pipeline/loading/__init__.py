"""Loading raw files into staging, one source at a time: :func:`pipeline.loading.load.load_source`.

- ``load``: a load of one source, step by step, in one transaction; its report.
- ``discover``: which files of a source folder a run reads, and which it passes over, with why.
- ``land``: reading one file of each format (CSV, Parquet, JSON lines and arrays, the LiteLLM
  price catalogue) into the source's landing table.
- ``fields``: which field of a file feeds each canonical column; the landing table's shape.
- ``csv_records``: reading a CSV file so that every record it holds is accounted for by its line.
- ``stage``: typing and checking by ``sql/staging/<source>.sql``, classifying rows into staged,
  duplicates and conflicts, and judging again the copies of keys a restated file released.
- ``audit``: the audit tables (load ledger, quarantine, changes) and what a load writes to them.

The statements are in ``sql/ingest/`` (one per file), the audit tables' DDL in
``sql/ingest/audit/``.
"""
