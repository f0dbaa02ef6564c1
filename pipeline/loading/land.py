"""Reading one file of a source into its landing table, whatever its format.

CSV is read record by record with every line accounted for (:mod:`pipeline.loading.csv_records`).
A Parquet file goes straight from the file into the landing table (line n is row n of the file),
and only the rows that end in quarantine are read back for their raw row
(:func:`fill_parquet_raw_rows`), so a clean Parquet file is never serialised to JSON. JSON lines
are read one text line per row and JSON arrays one element per row, each row parsed once. A JSON
file that is one document (a LiteLLM price catalogue, a provider's cost report page) is read by
its source's statement in ``sql/landing/`` (``JSON_DOCUMENTS``).

Landing runs outside the load transaction (temp tables only): row ids, which give line numbers,
are only sequential for committed rows. The statements are files of ``sql/ingest/`` (``json_*.sql``,
``parquet_*.sql``, ``csv_records_numbered.sql``, ``reader_line_numbers.sql``,
``json_document.sql``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from pipeline.adapters import record_parameters
from pipeline.adapters.mapping import RECORDS_NUMBERED
from pipeline.loading.csv_records import (
    collect_reader_rejects,
    header_columns,
    read_csv_records,
    read_physical_lines,
)
from pipeline.loading.discover import SourceFile, UnreadableFileError
from pipeline.loading.fields import (
    insert_landing,
    landing_columns,
    not_read_here,
    not_read_note,
    recognise_adapter,
    resolve_columns,
)
from pipeline.sources import Source
from pipeline.sql_files import parameters_used, quote_ident, read_sql

# The longest JSON line read: one OTLP batch per line (the Collector's file exporter) is often
# several megabytes. A longer line is quarantined with its reason.
JSON_LINE_LIMIT_BYTES = 32 << 20

# The row position column read_parquet adds; a file with a column of that name cannot use it.
PARQUET_ROW_NUMBER = "file_row_number"


def land_file(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    """Land one file into temp tables; returns the number of lines rejected by the reader, and
    the file as read (with the adapter its columns were recognised as).

    Runs outside the load transaction (temp tables only): row ids, which give line numbers,
    are only sequential for committed rows.
    """
    if f.size_bytes == 0:
        # an empty file of another source's folder is that source's to record
        return 0, replace(
            f, landing_note="empty file (0 bytes): a delivery with no rows", read_here=not f.shared
        )
    if f.file_format == "csv":
        rejected, f = _land_csv(conn, source, f, settings)
    elif f.file_format == "parquet":
        rejected, f = _land_parquet(conn, source, f, settings)
    elif source.name in JSON_DOCUMENTS and f.file_format == "json":
        rejected, f = _land_document(conn, source, f, settings)
    else:
        rejected, f = _land_json(conn, source, f, settings)
    if f.shared and rejected:
        # lines no reader could read are quarantined once: by the source whose folder holds them
        conn.execute(
            "DELETE FROM _rejected_lines WHERE source_file = $source_file",
            {"source_file": f.relpath},
        )
        rejected = 0
    return rejected, f


def _land_csv(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    if read_physical_lines(conn, f) == 0:
        return 0, replace(
            f, landing_note="empty file: a delivery with no rows", read_here=not f.shared
        )
    columns = header_columns(conn, f)
    f = resolve_columns(f, source, set(columns), settings)
    if not_read_here(source, f):
        return 0, not_read_note(source, f)
    rejected = read_csv_records(conn, f, columns, [t for t in source.null_tokens if t] or [""])
    conn.execute(read_sql("ingest/csv_records_numbered.sql"))
    return rejected, insert_landing(conn, source, f, settings, set(columns), doc=None)


def _number_lines(conn: duckdb.DuckDBPyConnection, first_line: int) -> None:
    """Give each row read (in file order, as the rowid of _read) its line number, skipping the
    lines the reader rejected: the k-th row read is on the k-th line not rejected."""
    conn.execute(read_sql("ingest/reader_line_numbers.sql"), {"first": first_line})


def _read_json_lines(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> None:
    """Read a JSONL file as one text column per line into temp table _read, with lines the
    reader rejects (over its line-size limit) in temp table _rejects."""
    conn.execute("DROP TABLE IF EXISTS _rejects")
    conn.execute("DROP TABLE IF EXISTS _rejects_scan")
    try:
        conn.execute(
            read_sql("ingest/json_lines_read.sql"),
            {
                "path": str(f.path),
                "compression": f.compression or "none",
                "limit": JSON_LINE_LIMIT_BYTES,
            },
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as JSON lines: {error}") from error


def _land_json(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    layout = "lines" if f.file_format == "jsonl" else _json_layout(conn, source, f)
    if layout == "lines":
        _read_json_lines(conn, f)
        rejected = collect_reader_rejects(conn, f)
        _number_lines(conn, first_line=1)
        conn.execute(read_sql("ingest/json_lines_numbered.sql"))
    else:  # an array of row objects (source_line: the element's position), or one object
        rejected = 0
        conn.execute(read_sql("ingest/json_array_lines.sql"))
    conn.execute(read_sql("ingest/json_numbered.sql"))
    # JSON rows may leave out null fields, so required fields are not enforced per file; the
    # keys of the first objects tell an adapter's rows from canonical ones.
    keys = conn.execute(read_sql("ingest/json_first_keys.sql")).fetchall()
    f = recognise_adapter(source, f, {key for (key,) in keys})
    if not_read_here(source, f):
        return rejected, not_read_note(source, f)
    relation = "_numbered"
    records = source.adapters[f.adapter].records if f.adapter is not None else ()
    if records:  # rows that nest their records (OTLP spans, API pages) are flattened first
        for statement in records:
            sql = read_sql(statement)
            conn.execute(sql, parameters_used(sql, record_parameters(settings)))
        conn.execute(read_sql(RECORDS_NUMBERED))
        relation = "_records"
    return rejected, insert_landing(
        conn, source, f, settings, present=None, doc="d.doc", relation=relation
    )


def _json_layout(conn, source: Source, f: SourceFile) -> str:
    """How a .json file is read: 'array' (a JSON array of row objects, left in _read), or, for a
    source that reads an export written as one JSON object per line under that name (the
    OpenTelemetry Collector's file exporter), 'object' (the file is one object, however laid
    out, left in _read) or 'lines'. For other sources a file that is not an array is refused."""
    by_line = source.reads_records
    if f.compression is not None:  # only such sources read compressed .json files
        return "lines"
    conn.execute("DROP TABLE IF EXISTS _rejects")
    try:  # the file is read once; its elements, or its one object, are taken from that
        conn.execute(read_sql("ingest/json_file_read.sql"), {"path": str(f.path)})
        kind = conn.execute("SELECT json_kind FROM _json_file").fetchone()[0]
    except duckdb.Error as error:
        if by_line:
            return "lines"
        raise UnreadableFileError(f"{f.path}: cannot be read as JSON: {error}") from error
    if kind == "ARRAY":
        conn.execute(read_sql("ingest/json_array_read.sql"))
        return "array"
    if by_line and kind == "OBJECT":
        conn.execute(read_sql("ingest/json_object_read.sql"))
        return "object"
    if by_line:
        return "lines"
    raise UnreadableFileError(f"{f.path}: not a JSON array of row objects")


def _parquet_row_fields(columns: list[str]) -> str:
    """The fields of a Parquet row `r`'s raw row (``{row_fields}`` in
    ``sql/ingest/parquet_raw_rows.sql``): its own columns, in file order, each named as itself."""
    return ", ".join(f"{quote_ident(c)} := r.{quote_ident(c)}" for c in columns)


def _parquet_schema(conn: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """A Parquet file's columns, in file order, with their DuckDB types."""
    return {
        row[0]: row[1]
        for row in conn.execute(
            "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
        ).fetchall()
    }


def _land_parquet(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    """Land a Parquet file straight from the file into the landing table: line n is row n of the
    file (every row is readable), typed fields become the text a CSV would carry (see
    ``_text_of`` in :mod:`pipeline.loading.fields`), and the raw row of a row is written only if
    it is quarantined (see :func:`fill_parquet_raw_rows`), instead of serialising every row of
    the file."""
    try:
        types = _parquet_schema(conn, f.path)
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as Parquet: {error}") from error
    present = set(types)
    f = resolve_columns(f, source, present, settings)
    if not_read_here(source, f):
        return 0, not_read_note(source, f)
    if PARQUET_ROW_NUMBER in present:
        # The reader's row-position column would clash: number the rows in a temp table instead
        # (row ids follow file order) and keep every raw row, as for CSV.
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_parquet($path)",
            {"path": str(f.path)},
        )
        conn.execute(read_sql("ingest/parquet_numbered.sql"))
        return 0, insert_landing(conn, source, f, settings, present, doc=None, types=types)
    try:
        f = insert_landing(
            conn,
            source,
            f,
            settings,
            present,
            doc=None,
            relation="(" + read_sql("ingest/parquet_rows.sql") + ")",
            relation_params={"path": str(f.path)},
            types=types,
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as Parquet: {error}") from error
    return 0, f


def fill_parquet_raw_rows(conn: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> None:
    """Give the quarantined rows of Parquet files (rejected by the staging model or conflicting
    duplicates, in temp table _quarantine_lines) their raw row, read back from the file: the
    row's columns as one JSON object, as a CSV or JSON row keeps its text."""
    for f in files:
        if f.file_format != "parquet":
            continue
        params = {"source_file": f.relpath}
        wanted = conn.execute(
            "SELECT COUNT(*) FROM _quarantine_lines WHERE source_file = $source_file", params
        ).fetchone()[0]
        if not wanted:
            continue
        row_fields = _parquet_row_fields(list(_parquet_schema(conn, f.path)))
        conn.execute(
            read_sql("ingest/parquet_raw_rows.sql").replace("{row_fields}", row_fields),
            {**params, "path": str(f.path)},
        )


# Sources whose JSON files are one document each, read by a landing statement of sql/landing/:
# {source: (statements run first, the landing statement, what the document is expected to be)}.
PROVIDER_REPORT_RESULTS = ("landing/provider_report_results.sql",)
JSON_DOCUMENTS = {
    "model_prices": ((), "landing/litellm_price_catalogue.sql", "a LiteLLM price catalogue"),
    "provider_costs": (
        PROVIDER_REPORT_RESULTS,
        "landing/provider_cost_report.sql",
        "a provider's cost report page",
    ),
    "provider_usage": (
        PROVIDER_REPORT_RESULTS,
        "landing/provider_usage_report.sql",
        "a provider's usage report page",
    ),
}


def document_statements_text(source: Source) -> str:
    """The SQL a source's JSON documents are landed with ('' for other sources): part of what
    shapes its rows, so a change to it reloads the source's files."""
    if source.name not in JSON_DOCUMENTS:
        return ""
    before, statement, _ = JSON_DOCUMENTS[source.name]
    return "".join(read_sql(s) for s in ("ingest/json_document.sql", *before, statement))


def _land_document(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    """A JSON file that is one document (JSON_DOCUMENTS), landed by its source's statement."""
    before, statement, expected = JSON_DOCUMENTS[source.name]
    try:
        conn.execute(read_sql("ingest/json_document.sql"), {"path": str(f.path)})
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as JSON: {error}") from error
    if conn.execute("SELECT COUNT(*) FROM json_document").fetchone()[0] == 0:
        raise UnreadableFileError(f"{f.path}: not valid JSON (expected {expected})")
    for prepared in before:
        conn.execute(read_sql(prepared))
    sql = read_sql(statement)
    columns = ", ".join(quote_ident(c) for c in landing_columns(source))
    conn.execute(
        f"INSERT INTO landing_{source.name} ({columns}) " + sql,
        parameters_used(
            sql,
            {
                "source_file": f.relpath,
                # a dated snapshot (model_prices/2025-06-11/...json) prices from its day
                "effective_from": (
                    f.day.isoformat() if f.day else settings.litellm_prices_effective_from
                ),
            },
        ),
    )
    return 0, f
