"""The loader's accounts: the audit tables, and what a load writes to them.

- ``audit.load_ledger``: one row per file of a source the loader has seen, loaded or passed
  over, with the content and settings fingerprint it was loaded as and its rows and exact
  amounts read, staged, quarantined and dropped as duplicates. A file whose content and
  fingerprint are recorded as loaded is not read again.
- ``audit.quarantine``: every row not staged and not dropped, with its file, line, column and
  reason, and its raw row.
- ``audit.staging_models``: per source, the fingerprint its staging table was last written under.
- ``audit.changes``: per load, the earliest day its added or removed rows date from (for events
  and consequences, also the day of the action they name): the core layer recomputes from there.

During a load, temp table ``_files`` holds the files it reads or passes over, ``_rejected_lines``
the lines their readers rejected, and ``_changed`` the rows it removes or adds. The statements
are in ``sql/ingest/`` (the tables' DDL in ``sql/ingest/audit/``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb

from pipeline.loading.discover import PassedFile, SourceFile
from pipeline.sources import Source
from pipeline.sql_files import quote_ident, read_sql, table_exists


def ensure_audit_tables(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    conn.execute("CREATE SCHEMA IF NOT EXISTS audit")
    conn.execute(read_sql("ingest/audit/quarantine.sql"))
    conn.execute(read_sql("ingest/audit/load_ledger.sql"))
    # Warehouses created by earlier releases gain the newer columns.
    conn.execute(read_sql("ingest/audit/load_ledger_added_columns.sql"))
    conn.execute(read_sql("ingest/audit/changes.sql"))
    conn.execute(read_sql("ingest/audit/staging_models.sql"))


def settings_fingerprint(settings, model: str = "") -> str:
    """A digest of what shapes a source's staged rows: the settings (tag keys, cost column,
    rates, dates, formats) and the text of its staging model."""
    shaping = settings.model_dump(
        exclude={
            "data_dir",
            "quarantine_warn_ratio",
            "source_adapters",
            "volume_baseline_days",
            "volume_low_ratio",
            "volume_high_ratio",
        }
    )
    text = json.dumps(shaping, sort_keys=True) + model
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def amount_column(source: Source, settings) -> str | None:
    if source.name == "billing_lines":
        return "billed_cost" if settings.billing_cost_column == "BilledCost" else "effective_cost"
    return source.amount_column


def recorded_files(
    conn: duckdb.DuckDBPyConnection, source: Source
) -> dict[str, tuple[str, str, str]]:
    """Each file the ledger records for a source: (load status, content digest, fingerprint)."""
    return {
        file: (status, sha, fp)
        for file, status, sha, fp in conn.execute(
            "SELECT source_file, load_status, file_sha256, settings_fingerprint "
            "FROM audit.load_ledger WHERE source = $source",
            {"source": source.name},
        ).fetchall()
    }


def staged_under(conn: duckdb.DuckDBPyConnection, source: Source) -> str | None:
    """The fingerprint the source's staging table was last written under (None: not recorded,
    as in a warehouse of an earlier release)."""
    row = conn.execute(
        "SELECT settings_fingerprint FROM audit.staging_models WHERE source = $source",
        {"source": source.name},
    ).fetchone()
    return row[0] if row else None


def record_staged_under(
    conn: duckdb.DuckDBPyConnection, source: Source, fingerprint: str, loaded_at: datetime
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO audit.staging_models VALUES ($source, $fingerprint, $loaded_at)",
        {"source": source.name, "fingerprint": fingerprint, "loaded_at": loaded_at},
    )


def create_load_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Temp tables _files, _rejected_lines and _changed, empty."""
    conn.execute(read_sql("ingest/load_files.sql"))
    conn.execute(read_sql("ingest/rejected_lines.sql"))
    conn.execute(read_sql("ingest/changed_rows.sql"))


def note_landed_file(conn: duckdb.DuckDBPyConnection, f: SourceFile, rejected: int) -> None:
    """A file read into the landing table, into _files with the lines its reader rejected."""
    conn.execute(
        "INSERT INTO _files VALUES ($1, $2, $3, $4, $5, $6, $7, 'loaded', $8, $9)",
        [
            f.relpath,
            f.sha256,
            f.size_bytes,
            f.file_format,
            f.adapter,
            rejected,
            f.day,
            f.landing_note,
            f.compression,
        ],
    )


def not_read_here(f: SourceFile) -> PassedFile:
    """A file of another source's folder that holds none of this source's records, as ignored."""
    return PassedFile(
        relpath=f.relpath,
        sha256=f.sha256,
        size_bytes=f.size_bytes,
        status="ignored",
        reason=f.landing_note or "holds none of this source's records",
        day=f.day,
    )


def note_passed_files(conn: duckdb.DuckDBPyConnection, passed: list[PassedFile]) -> None:
    """Files newly ignored or superseded, into _files (not read; they give up their rows)."""
    if passed:
        conn.executemany(
            "INSERT INTO _files VALUES ($1, $2, $3, '(not read)', NULL, 0, $4, $5, $6, NULL)",
            [[p.relpath, p.sha256, p.size_bytes, p.day, p.status, p.reason] for p in passed],
        )


def forget_files(conn: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Remove the quarantine and ledger rows earlier loads wrote for the files in _files."""
    for table in ("audit.quarantine", "audit.load_ledger"):
        conn.execute(
            f"DELETE FROM {table} "
            "WHERE source = $s AND source_file IN (SELECT source_file FROM _files)",
            {"s": source.name},
        )


def record_changed_rows(
    conn: duckdb.DuckDBPyConnection, source: Source, relation: str, added: bool
) -> None:
    """Add the day (and named action) of rows about to be removed or just staged to _changed."""
    action = "action_id" if source.refers_to_actions else "CAST(NULL AS VARCHAR)"
    # a source without a day (repository -> team) moves only models rebuilt whole
    day = quote_ident(source.day_column) if source.day_column else "NULL"
    conn.execute(
        f"INSERT INTO _changed SELECT CAST({day} AS DATE), {action}, "
        f"{1 if added else 0}, {0 if added else 1} FROM {relation}"
    )


def summarise_changes(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """One audit.changes row for this load: the earliest day its changed rows (or the actions
    they name) date from."""
    by_action = source.refers_to_actions and table_exists(conn, "staging", "agent_actions")
    conn.execute(
        read_sql(f"ingest/changes_summary{'_by_action' if by_action else ''}.sql"),
        {"source": source.name, "load_id": load_id, "loaded_at": loaded_at},
    )


def write_quarantine(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """Quarantine the batch's rejected rows, its conflicts and the lines its readers rejected."""
    conn.execute(
        read_sql("ingest/quarantine_rows.sql"),
        {"source": source.name, "key": source.key, "load_id": load_id, "loaded_at": loaded_at},
    )


def write_ledger(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    settings,
    fingerprint: str,
    load_id: str,
    loaded_at: datetime,
) -> None:
    """One load ledger row per file in _files, with its counts and exact amounts."""
    conn.execute(
        read_sql("ingest/ledger_rows.sql"),
        {
            "source": source.name,
            "load_id": load_id,
            "loaded_at": loaded_at,
            "amount_column": amount_column(source, settings),
            "fingerprint": fingerprint,
        },
    )


def load_totals(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str
) -> tuple[tuple, list[str]]:
    """A load's totals from its ledger rows (rows read, staged, quarantined, duplicate; amounts
    read and staged), and its first 20 quarantined rows as text for the run's log."""
    params = {"source": source.name, "load_id": load_id}
    totals = conn.execute(read_sql("ingest/load_totals.sql"), params).fetchone()
    sample = [
        f"{file} line {line}, column {column}: {reason}"
        for file, line, column, reason in conn.execute(
            read_sql("ingest/quarantine_sample.sql"), params
        ).fetchall()
    ]
    return totals, sample
