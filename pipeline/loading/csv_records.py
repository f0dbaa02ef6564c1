"""Reading a CSV file so that every record the file holds is accounted for by its line.

The count of rows read comes from the file's own lines, not from what the CSV reader returned:

1. The file is read as physical lines (temp table ``_physical``), whatever their quotes or length.
2. The header is the first line. The reader is then told the columns (never sniffed), so a broken
   line anywhere cannot make the whole file unreadable.
3. Where each record starts is followed with the CSV grammar over the lines
   (``sql/ingest/csv_quote_states.sql``). A quote that is never closed, or that would merge lines
   reading as records of their own into one field, is judged stray
   (``sql/ingest/csv_first_stray_quote.sql``): its line is quarantined with the reason, and
   reading resumes on the next line as if it were not there. Without this the reader would fold
   the rest of the file into one field (losing those rows) or merge several records into one.
4. The reader runs in strict mode with its rejects table: a record it cannot split into the
   header's columns, or a line over its line-size limit, is a rejected line, quarantined.
5. Each record read gets its physical line number: the k-th record read is on the k-th record
   start the reader did not reject. Should the two ever disagree, the file is refused loudly
   rather than a row being lost or misnumbered.

Leaves temp tables ``_read`` (the file's records, all text, in file order), ``_line_numbers``
(k, source_line) and rows in ``_rejected_lines``. The statements are files of ``sql/ingest/``
(``physical_lines*.sql``, ``csv_*.sql``, ``rejected_*_lines.sql``).
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import duckdb

from pipeline.loading.discover import SourceFile, UnreadableFileError
from pipeline.sql_files import read_sql, sql_string

# The physical-line pass reads lines up to this length (a longer line is still counted, with the
# text the reader reports); its buffers grow with it (a compressed file's to 16 times), so it is
# kept moderate. The CSV reader's own limit per line (DuckDB's default, 2,000,000 bytes) is what
# quarantines an over-long record.
PHYSICAL_LINE_LIMIT_BYTES = 8 << 20
READER_LINE_LIMIT_BYTES = 2_000_000
# A file with more stray quotes than this is not CSV with '"' quoting: it is refused, named.
MAX_STRAY_QUOTES = 100

# The CSV grammar, as the reader reads it (RE2 syntax; the delimiter is ','). A field is quoted
# ("..." with "" for a quote character), unquoted (may hold a quote after its first character),
# or empty.
_QUOTED = r'"(?:[^"]|"")*"'
_FIELD = rf'(?:{_QUOTED}|[^,"][^,]*)?'
_OPEN = r'"(?:[^"]|"")*'
QUOTE_PATTERNS = {
    "outside_closed": rf"(?:{_FIELD},)*{_FIELD}",
    "outside_open": rf"(?:{_FIELD},)*{_OPEN}",
    "inside_open": r'(?:[^"]|"")*',
    "inside_closed": rf'(?:[^"]|"")*"(?:,{_FIELD})*',
    "inside_reopened": rf'(?:[^"]|"")*"(?:,{_FIELD})*,{_OPEN}',
    "quoted_field": _QUOTED,
}


def read_physical_lines(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> int:
    """Temp table _physical (n, line): the file's lines as written, numbered from 1. A line the
    text reader cannot hold (invalid UTF-8, over the physical limit) keeps its number, with the
    text the reader reports for it."""
    conn.execute("DROP TABLE IF EXISTS _physical_rejects")
    conn.execute("DROP TABLE IF EXISTS _physical_rejects_scan")
    try:
        conn.execute(
            read_sql("ingest/physical_lines_read.sql"),
            {
                "path": str(f.path),
                "compression": f.compression or "none",
                "limit": PHYSICAL_LINE_LIMIT_BYTES,
            },
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as text lines: {error}") from error
    if conn.execute("SELECT COUNT(*) FROM _physical_rejects").fetchone()[0] == 0:
        conn.execute(read_sql("ingest/physical_lines.sql"))
        conn.execute("DROP TABLE _physical_read")
        return conn.execute("SELECT COUNT(*) FROM _physical").fetchone()[0]
    conn.execute(read_sql("ingest/physical_lines_with_unreadable.sql"))
    conn.execute("DROP TABLE _physical_read")
    return conn.execute("SELECT COUNT(*) FROM _physical").fetchone()[0]


def header_columns(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> list[str]:
    """The column names on the file's first line, as the CSV reader would name them: a blank
    name is column<i>, a repeated name gets a suffix _<k>."""
    (line,) = conn.execute("SELECT COALESCE(line, '') FROM _physical WHERE n = 1").fetchone()
    names = next(csv.reader([line.removeprefix("\ufeff")]), [])
    columns: list[str] = []
    for i, name in enumerate(names):
        name = name or f"column{i}"
        base, k = name, 0
        while name in columns:
            k += 1
            name = f"{base}_{k}"
        columns.append(name)
    if not columns:
        raise UnreadableFileError(f"{f.path} line 1: no header (the first line is blank)")
    return columns


def _judge_stray_quotes(conn: duckdb.DuckDBPyConnection, f: SourceFile, width: int) -> int:
    """Follow the quoting state over the lines; record each stray quote's line in _stray_lines
    (created empty by the caller) and the record starts in _record_starts. Returns the number of
    stray quotes."""
    conn.execute(read_sql("ingest/csv_quote_lines.sql"), QUOTE_PATTERNS)
    resets: list[int] = []
    states = read_sql("ingest/csv_quote_states.sql")
    first_stray = read_sql("ingest/csv_first_stray_quote.sql")
    while True:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _quote_states AS " + states, {"reset_lines": resets}
        )
        stray = conn.execute(first_stray, {"column_count": width}).fetchone()
        if stray is None:
            break
        if len(resets) == MAX_STRAY_QUOTES:
            raise UnreadableFileError(
                f"{f.path}: more than {MAX_STRAY_QUOTES} unbalanced quotes (lines "
                f"{', '.join(str(n) for n in resets[:5])}, ...): is it a CSV file quoted with '\"'?"
            )
        resets.append(stray[0])
        conn.execute("INSERT INTO _stray_lines VALUES ($1, $2, $3)", list(stray))
    conn.execute(read_sql("ingest/csv_record_starts.sql"))
    return len(resets)


def _read_records(
    conn: duckdb.DuckDBPyConnection, path: Path, compression: str | None, columns: list[str], nulls
) -> None:
    """The strict CSV reader over the file, columns given, rejects kept (temp table _rejects)."""
    conn.execute("DROP TABLE IF EXISTS _rejects")
    conn.execute("DROP TABLE IF EXISTS _rejects_scan")
    conn.execute(
        read_sql("ingest/csv_records_read.sql"),
        {
            "path": str(path),
            "columns": {name: "VARCHAR" for name in columns},
            "nulls": nulls,
            "limit": READER_LINE_LIMIT_BYTES,
            "compression": compression or "none",
        },
    )


def collect_reader_rejects(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> int:
    """Records the reader rejected (temp table _rejects), into _rejected_lines for quarantine.
    Returns how many lines were rejected."""
    conn.execute(read_sql("ingest/rejected_reader_lines.sql"), {"source_file": f.relpath})
    return conn.execute("SELECT COUNT(DISTINCT line) FROM _rejects").fetchone()[0]


def _collect_stray_quote_lines(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> int:
    """Lines holding a stray quote, into _rejected_lines with the reason and the line as written."""
    conn.execute(read_sql("ingest/rejected_stray_quote_lines.sql"), {"source_file": f.relpath})
    return conn.execute("SELECT COUNT(*) FROM _stray_lines").fetchone()[0]


def read_csv_records(
    conn: duckdb.DuckDBPyConnection, f: SourceFile, columns: list[str], nulls: list[str]
) -> int:
    """Read the records of a CSV file whose physical lines are in _physical (see the module's
    docstring). Returns the number of lines quarantined before staging (rejected by the reader or
    holding a stray quote)."""
    lines, blank = conn.execute(read_sql("ingest/csv_line_counts.sql")).fetchone()
    _read_records(conn, f.path, f.compression, columns, nulls)
    read, rejected = conn.execute(read_sql("ingest/csv_read_counts.sql")).fetchone()
    conn.execute(read_sql("ingest/csv_stray_lines.sql"))
    one_record_per_line = read == lines and rejected == 0  # the usual file
    if one_record_per_line:
        pass  # numbered below without a table of starts
    elif read + rejected == lines - blank:
        # every line that is not blank is one record: no quote spans lines
        conn.execute(read_sql("ingest/csv_record_starts_by_line.sql"))
    elif _judge_stray_quotes(conn, f, len(columns)):
        # read again without the stray-quote lines (blanked, so lines keep their numbers)
        with tempfile.TemporaryDirectory(prefix="csv-records-") as folder:
            cleaned = Path(folder) / "cleaned.csv"
            conn.execute(
                read_sql("ingest/csv_without_stray_lines.sql").replace(
                    "{cleaned_file}", sql_string(str(cleaned))
                )
            )
            _read_records(conn, cleaned, None, columns, nulls)
        read = conn.execute("SELECT COUNT(*) FROM _read").fetchone()[0]
    if one_record_per_line:
        # none blank or rejected: record k is on line k + 1
        conn.execute(read_sql("ingest/csv_line_numbers_consecutive.sql"), {"read": read})
    else:
        conn.execute(read_sql("ingest/csv_line_numbers.sql"))
    numbered = conn.execute("SELECT COUNT(*) FROM _line_numbers").fetchone()[0]
    if numbered != read:
        raise UnreadableFileError(
            f"{f.path}: the CSV reader read {read} records where the file's lines hold "
            f"{numbered} (besides rejected lines); the file is not loaded rather than lose or "
            "misnumber a row"
        )
    return collect_reader_rejects(conn, f) + _collect_stray_quote_lines(conn, f)
