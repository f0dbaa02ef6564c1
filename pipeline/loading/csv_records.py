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
(k, source_line) and rows in ``_rejected_lines``.
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
            "CREATE OR REPLACE TEMP TABLE _physical_read AS SELECT line FROM read_csv($path, "
            "columns = {'line': 'VARCHAR'}, header = false, delim = chr(31), quote = '', "
            "escape = '', auto_detect = false, compression = $compression, "
            "max_line_size = $limit, strict_mode = false, store_rejects = true, "
            "rejects_table = '_physical_rejects', rejects_scan = '_physical_rejects_scan')",
            {
                "path": str(f.path),
                "compression": f.compression or "none",
                "limit": PHYSICAL_LINE_LIMIT_BYTES,
            },
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as text lines: {error}") from error
    if conn.execute("SELECT COUNT(*) FROM _physical_rejects").fetchone()[0] == 0:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _physical AS "
            "SELECT rowid + 1 AS n, rtrim(line, chr(13)) AS line FROM _physical_read"
        )
        conn.execute("DROP TABLE _physical_read")
        return conn.execute("SELECT COUNT(*) FROM _physical").fetchone()[0]
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _physical AS
        WITH unreadable AS (
            SELECT line AS n, MIN(csv_line) AS line FROM _physical_rejects GROUP BY line
        ),

        -- the k-th line read is on the k-th line the reader did not reject
        numbers AS (
            SELECT t.n, ROW_NUMBER() OVER (ORDER BY t.n) AS k
            FROM range(1, 1 + (SELECT COUNT(*) FROM _physical_read)
                          + (SELECT COUNT(*) FROM unreadable)) AS t(n)
            WHERE t.n NOT IN (SELECT n FROM unreadable)
        )

        SELECT n.n, rtrim(r.line, chr(13)) AS line
        FROM _physical_read AS r
        INNER JOIN numbers AS n ON n.k = r.rowid + 1
        UNION ALL
        SELECT n, line FROM unreadable
        """
    )
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
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _quote_lines AS
        SELECT n,
               CASE WHEN regexp_full_match(line, $outside_closed) THEN false
                    WHEN regexp_full_match(line, $outside_open) THEN true
                    ELSE false END AS ends_inside_from_outside,
               CASE WHEN regexp_full_match(line, $inside_open) THEN true
                    WHEN regexp_full_match(line, $inside_closed) THEN false
                    WHEN regexp_full_match(line, $inside_reopened) THEN true
                    ELSE false END AS ends_inside_from_inside,
               length(regexp_replace(line, $quoted_field, '', 'g'))
                   - length(replace(regexp_replace(line, $quoted_field, '', 'g'), ',', ''))
                   + 1 AS fields_alone
        FROM _physical
        WHERE n > 1 AND contains(line, '"')
        """,
        QUOTE_PATTERNS,
    )
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
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _record_starts AS SELECT n FROM _quote_states "
        "WHERE NOT starts_inside AND NOT is_blank AND NOT is_reset"
    )
    return len(resets)


def _read_records(
    conn: duckdb.DuckDBPyConnection, path: Path, compression: str | None, columns: list[str], nulls
) -> None:
    """The strict CSV reader over the file, columns given, rejects kept (temp table _rejects)."""
    conn.execute("DROP TABLE IF EXISTS _rejects")
    conn.execute("DROP TABLE IF EXISTS _rejects_scan")
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_csv($path, columns = $columns, "
        "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        "nullstr = $nulls, strict_mode = true, max_line_size = $limit, "
        "compression = $compression, store_rejects = true, rejects_table = '_rejects', "
        "rejects_scan = '_rejects_scan')",
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
    conn.execute(
        """
        INSERT INTO _rejected_lines
        SELECT $source_file, e.line, COALESCE(e.column_name, '(row)'),
               COALESCE(e.column_name, '(row)') || ': unreadable line ('
                   || LOWER(REPLACE(CAST(e.error_type AS VARCHAR), '_', ' ')) || ': '
                   || e.error_message || ')',
               e.csv_line
        FROM (
            SELECT line, MIN(column_name) AS column_name, MIN(error_type) AS error_type,
                   MIN(error_message) AS error_message, MIN(csv_line) AS csv_line
            FROM _rejects GROUP BY line
        ) AS e
        """,
        {"source_file": f.relpath},
    )
    return conn.execute("SELECT COUNT(DISTINCT line) FROM _rejects").fetchone()[0]


def _collect_stray_quote_lines(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> int:
    """Lines holding a stray quote, into _rejected_lines with the reason and the line as written."""
    conn.execute(
        """
        INSERT INTO _rejected_lines
        SELECT $source_file, s.n, '(row)',
               CASE s.stray_kind
                   WHEN 'never_closed' THEN
                       '(row): a quote opened on this line is never closed; reading resumed on '
                       || 'the next line (the quote would have made the rest of the file one field)'
                   ELSE
                       '(row): a quote opened on this line closes on line '
                       || CAST(s.last_line AS VARCHAR)
                       || ', over lines that read as records of their own; reading resumed on '
                       || 'the next line (the quote would have merged them into one field)'
               END,
               p.line
        FROM _stray_lines AS s
        JOIN _physical AS p ON p.n = s.n
        """,
        {"source_file": f.relpath},
    )
    return conn.execute("SELECT COUNT(*) FROM _stray_lines").fetchone()[0]


def read_csv_records(
    conn: duckdb.DuckDBPyConnection, f: SourceFile, columns: list[str], nulls: list[str]
) -> int:
    """Read the records of a CSV file whose physical lines are in _physical (see the module's
    docstring). Returns the number of lines quarantined before staging (rejected by the reader or
    holding a stray quote)."""
    lines, blank = conn.execute(
        "SELECT COUNT(*), COUNT(CASE WHEN TRIM(COALESCE(line, '')) = '' THEN 1 END) "
        "FROM _physical WHERE n > 1"
    ).fetchone()
    _read_records(conn, f.path, f.compression, columns, nulls)
    read, rejected = conn.execute(
        "SELECT (SELECT COUNT(*) FROM _read), (SELECT COUNT(DISTINCT line) FROM _rejects)"
    ).fetchone()
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _stray_lines (n BIGINT, last_line BIGINT, stray_kind VARCHAR)"
    )
    one_record_per_line = read == lines and rejected == 0  # the usual file
    if one_record_per_line:
        pass  # numbered below without a table of starts
    elif read + rejected == lines - blank:
        # every line that is not blank is one record: no quote spans lines
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _record_starts AS SELECT n FROM _physical "
            "WHERE n > 1 AND TRIM(COALESCE(line, '')) <> ''"
        )
    elif _judge_stray_quotes(conn, f, len(columns)):
        # read again without the stray-quote lines (blanked, so lines keep their numbers)
        with tempfile.TemporaryDirectory(prefix="csv-records-") as folder:
            cleaned = Path(folder) / "cleaned.csv"
            conn.execute(
                f"COPY (SELECT CASE WHEN n IN (SELECT n FROM _stray_lines) THEN NULL "
                f"ELSE line END FROM _physical ORDER BY n) TO {sql_string(str(cleaned))} "
                "(FORMAT csv, HEADER false, DELIMITER chr(31), QUOTE chr(30), ESCAPE chr(30))"
            )
            _read_records(conn, cleaned, None, columns, nulls)
        read = conn.execute("SELECT COUNT(*) FROM _read").fetchone()[0]
    if one_record_per_line:
        # none blank or rejected: record k is on line k + 1
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _line_numbers AS "
            "SELECT k + 1 AS source_line, k FROM range(1, $read + 1) AS t(k)",
            {"read": read},
        )
    else:
        conn.execute(
            """
            CREATE OR REPLACE TEMP TABLE _line_numbers AS
            SELECT n AS source_line, ROW_NUMBER() OVER (ORDER BY n) AS k
            FROM _record_starts
            WHERE n NOT IN (SELECT line FROM _rejects)
            """
        )
    numbered = conn.execute("SELECT COUNT(*) FROM _line_numbers").fetchone()[0]
    if numbered != read:
        raise UnreadableFileError(
            f"{f.path}: the CSV reader read {read} records where the file's lines hold "
            f"{numbered} (besides rejected lines); the file is not loaded rather than lose or "
            "misnumber a row"
        )
    return collect_reader_rejects(conn, f) + _collect_stray_quote_lines(conn, f)
