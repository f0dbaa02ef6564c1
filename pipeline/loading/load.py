"""Loading the files of a source into staging: read, check (in SQL), de-duplicate, quarantine.

One call of :func:`load_source` is one transaction: every new or changed file of a source is
read into a landing table (:mod:`pipeline.loading.land`), typed and checked by
``sql/staging/<source>.sql``, and split into staged rows, quarantined rows (with file, line,
column and reason) and duplicates dropped (:mod:`pipeline.loading.stage`). A file whose content
is already loaded is skipped, and a file whose content changed replaces its earlier rows, so
re-loading never doubles anything; the duplicates and conflicts other files hold of the keys it
gave up (kept in ``audit.duplicates_<source>``) are judged again with its new rows. A file that
cannot be read at all raises :class:`UnreadableFileError` and the transaction is rolled back:
earlier data stays as it was.

A file whose path holds a date (``2026-10-01.csv``, ``dt=2026-10-01/part-0.parquet``) is delivered
for that day and is read by the first run whose last day is on or after it; a file with no date
is read by every run (:mod:`pipeline.loading.discover`). Each load records in ``audit.changes``
the earliest day its added or removed rows date from (for events and consequences, also the day
of the action they name): the core layer recomputes from there (:mod:`pipeline.loading.audit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipeline.adapters import mapping_text, with_declared_adapters
from pipeline.loading import audit, land, stage
from pipeline.loading.discover import UnreadableFileError, discover
from pipeline.loading.fields import create_landing_table
from pipeline.loading.land import fill_parquet_raw_rows, land_file
from pipeline.sources import Source
from pipeline.sql_files import read_sql, table_exists
from pipeline.warehouse import transaction


@dataclass
class LoadReport:
    source: str
    files_seen: int
    files_not_yet_due: int
    files_loaded: list[str]
    files_unchanged: int
    files_passed: list[str]  # ignored or superseded files, each with its reason
    rows_read: int
    rows_staged: int
    rows_quarantined: int
    rows_duplicate: int
    amount_read: object  # Decimal | None
    amount_staged: object
    sample_quarantine: list[str]


def load_source(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    settings,
    load_id: str,
    last_day: date | None = None,
) -> LoadReport:
    """Load every new or changed file of one source in one transaction: with `last_day`, the
    files dated on or before it and the undated ones; without, every file."""
    source = with_declared_adapters(source, settings.declared_adapters)
    found = discover(_data_dir(settings), source, settings.source_adapters)
    files = [f for f in found.files if last_day is None or f.day is None or f.day <= last_day]
    audit.ensure_audit_tables(conn)
    model = read_sql(f"staging/{source.name}.sql")
    # the value readers (and the limits they state) shape staged rows as the model does, and so
    # do the adapters' mappings and the statements landing JSON documents
    fingerprint = audit.settings_fingerprint(
        settings,
        model
        + read_sql(stage.VALUE_READERS)
        + mapping_text(source)
        + land.document_statements_text(source),
    )
    # A file is (re)loaded when its content, the settings that shape its rows or the staging
    # model changed; a file newly ignored or superseded gives up the rows it loaded before.
    recorded = audit.recorded_files(conn, source)
    todo = [
        f
        for f in files
        if recorded.get(f.relpath) != ("loaded", f.sha256, fingerprint)
        # a file of another folder found to hold none of this source's records, unchanged
        and not (f.shared and recorded.get(f.relpath) == ("ignored", f.sha256, fingerprint))
    ]
    passed = [p for p in found.passed if recorded.get(p.relpath, ())[:2] != (p.status, p.sha256)]
    loaded_at = datetime.now(UTC).replace(tzinfo=None)

    # Every file unchanged and loaded under this staging model and these settings, none newly
    # passed over, and the table written under them (so it has the model's columns; a source
    # with files is, by its files): the staged rows stand as they are. A source with no file
    # at all is not read again run after run.
    unchanged = (
        not todo
        and not passed
        and table_exists(conn, "staging", source.name)
        and (bool(files) or audit.staged_under(conn, source) == fingerprint)
    )
    if not unchanged:
        _load(conn, source, settings, load_id, loaded_at, model, fingerprint, todo, passed)
    totals, sample = audit.load_totals(conn, source, load_id)
    return LoadReport(
        source=source.name,
        files_seen=len(files),
        files_not_yet_due=len(found.files) - len(files),
        files_passed=[f"{p.relpath} ({p.status}: {p.reason})" for p in found.passed],
        files_loaded=[f.relpath for f in todo],
        files_unchanged=len(files) - len(todo),
        rows_read=totals[0],
        rows_staged=totals[1],
        rows_quarantined=totals[2],
        rows_duplicate=totals[3],
        amount_read=totals[4],
        amount_staged=totals[5],
        sample_quarantine=sample,
    )


def _load(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    settings,
    load_id: str,
    loaded_at: datetime,
    model: str,
    fingerprint: str,
    todo: list,
    passed: list,
) -> None:
    """Land the files to (re)load, then stage them in one transaction. A file of another
    source's folder holding none of this source's records is recorded as ignored, with why (it
    gives up any rows it gave before, and is read again when it or the settings change)."""
    # Landing runs outside the transaction: it writes temp tables only.
    stage.prepare_staging(conn, settings)
    create_landing_table(conn, source)
    audit.create_load_tables(conn)
    for f in todo:
        rejected, f = land_file(conn, source, f, settings)
        if f.read_here:
            audit.note_landed_file(conn, f, rejected)
        else:  # recorded as ignored, so it is not read again until it changes
            audit.note_passed_files(conn, [audit.not_read_here(f)])
    audit.note_passed_files(conn, passed)

    with transaction(conn):
        stage.release_files(conn, source)
        audit.forget_files(conn, source)
        stage.check_rows(conn, source, model, settings)
        stage.prepare_tables(conn, source)
        stage.classify(conn, source)
        stage.stage_rows(conn, source, load_id, loaded_at)
        stage.apply_rejudged(conn, source, load_id, loaded_at)
        audit.summarise_changes(conn, source, load_id, loaded_at)
        fill_parquet_raw_rows(conn, todo)
        stage.keep_duplicates(conn, source, load_id, loaded_at)
        audit.write_quarantine(conn, source, load_id, loaded_at)
        audit.write_ledger(conn, source, settings, fingerprint, load_id, loaded_at)
        audit.record_staged_under(conn, source, fingerprint, loaded_at)


def _data_dir(settings) -> Path:
    data_dir = Path(settings.data_dir)
    if not data_dir.is_dir():
        # a mistyped or unmounted folder must not publish a day of empty tables as if all were well
        raise UnreadableFileError(
            f"IngestSettings.data_dir '{data_dir}' is not a folder (resolved: {data_dir.resolve()})"
        )
    return data_dir
