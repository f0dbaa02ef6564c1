"""Loading raw files into staging: read, validate (in SQL), de-duplicate, quarantine, account.

One call of :func:`load_source` is one transaction: every new or changed file of a source is
read into a landing table, typed and checked by ``sql/staging/<source>.sql``, and split into
staged rows, quarantined rows (with file, line, column and reason) and duplicates dropped. A file
whose content is already loaded is skipped, and a file whose content changed replaces its earlier
rows, so re-loading never doubles anything; the duplicates and conflicts other files hold of the
keys it gave up (kept in ``audit.duplicates_<source>``) are judged again with its new rows. A
file that cannot be read at all raises :class:`UnreadableFileError` and the transaction is rolled
back: earlier data stays as it was.

A file whose path holds a date (``2026-10-01.csv``, ``dt=2026-10-01/part-0.parquet``) is delivered
for that day and is read by the first run whose last day is on or after it; a file with no date
is read by every run. Each load records in ``audit.changes`` the earliest day its added or removed
rows date from (for events and consequences, also the day of the action they name): the core
layer recomputes from there.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline.loading.csv_records import (
    collect_reader_rejects,
    header_columns,
    read_csv_records,
    read_physical_lines,
)
from pipeline.loading.discover import (  # noqa: F401 (file_day is part of this module's interface)
    SourceFile,
    UnreadableFileError,
    discover,
    file_day,
)
from pipeline.resources import transaction
from pipeline.sources import FieldRef, Source
from pipeline.sql_files import parameters_used, quote_ident, read_sql, table_exists

# Columns every model in sql/staging returns besides the staging table's own columns.
MODEL_ONLY_COLUMNS = ("raw_row", "reject_reason", "conserved_amount")

# audit.duplicates_<source>: the valid rows of a source that are not staged because another row
# of their key is (exact duplicates and conflicts), typed as staged, so that they can be judged
# again when that row is restated away.
DUPLICATES_PREFIX = "duplicates_"


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


def ensure_audit_tables(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    conn.execute("CREATE SCHEMA IF NOT EXISTS audit")
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.quarantine (
            source VARCHAR NOT NULL,
            source_file VARCHAR NOT NULL,
            source_line BIGINT,
            column_name VARCHAR,
            reason VARCHAR NOT NULL,
            raw_row VARCHAR,
            parsed_amount DECIMAL(38, 12),
            load_id VARCHAR NOT NULL,
            loaded_at TIMESTAMP NOT NULL
        )
        """
    )
    conn.execute(
        """
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
        """
    )
    # Warehouses created by earlier releases gain the newer columns (NULL delivery day: undated;
    # every file they recorded was loaded).
    conn.execute("ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS delivery_day DATE")
    conn.execute(
        "ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS load_status VARCHAR "
        "DEFAULT 'loaded'"
    )
    conn.execute("ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS status_reason VARCHAR")
    conn.execute("ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS compression VARCHAR")
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS audit.changes (
            source VARCHAR NOT NULL,
            load_id VARCHAR NOT NULL,
            loaded_at TIMESTAMP NOT NULL,
            first_changed_day DATE,
            rows_added BIGINT NOT NULL,
            rows_removed BIGINT NOT NULL
        )
        """
    )


def _create_reference_tables(conn: duckdb.DuckDBPyConnection, settings) -> None:
    """Declared exchange rates and minor-unit sizes, as temp tables the staging models join."""
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE fx_rates ("
        "currency VARCHAR, rate_to_usd DECIMAL(18, 8), minor_unit_factor DECIMAL(18, 8))"
    )
    rows = [
        (
            currency.upper(),
            rate,
            # one minor unit in major units: 10^-digits (2 digits unless declared)
            str(Decimal(1).scaleb(-settings.minor_unit_digits.get(currency.upper(), 2))),
        )
        for currency, rate in settings.fx_rates_to_usd.items()
    ]
    if rows:
        conn.executemany(
            "INSERT INTO fx_rates VALUES ($1, CAST($2 AS DECIMAL(18, 8)), "
            "CAST($3 AS DECIMAL(18, 8)))",
            rows,
        )


def _landing_columns(source: Source) -> list[str]:
    return ["source_file", "source_line", "raw_row", "landing_error", *source.columns]


def _create_landing_table(conn: duckdb.DuckDBPyConnection, source: Source) -> str:
    table = f"landing_{source.name}"
    columns = ", ".join(
        f"{quote_ident(c)} {'BIGINT' if c == 'source_line' else 'VARCHAR'}"
        for c in _landing_columns(source)
    )
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")
    return table


def _field_expression(column: str, ref: FieldRef, base: str, params: dict, settings) -> str:
    """SQL text reading one canonical column from `base`, the text of the file's field; values
    and paths travel as parameters."""
    if ref.json_path is not None:
        path_param = f"path_{len(params)}"
        params[path_param] = ref.json_path
        return f"CASE WHEN json_valid({base}) THEN json_extract_string({base}, ${path_param}) END"
    if ref.tag_list:
        key_param = f"tag_{len(params)}"
        params[key_param] = getattr(settings, column.removesuffix("_id") + "_tag_key")
        return f"NULLIF(regexp_extract({base}, '\"' || ${key_param} || ':([^\"]*)\"', 1), '')"
    return base


def _mapping(source: Source, adapter: str | None) -> dict[str, FieldRef]:
    if adapter is not None:
        return source.adapters[adapter].columns
    return {c: FieldRef(c) for c in source.columns}


def _recognise_adapter(source: Source, f: SourceFile, present: set[str]) -> SourceFile:
    """The file as read: with its declared adapter, else in canonical form when it carries the
    source's required columns, else with the first adapter whose required fields it carries
    (LiteLLM spend logs are recognised by startTime, prompt_tokens, ...). A file matching none
    keeps the canonical form and is refused naming the columns it lacks."""
    if f.adapter is not None or set(source.required) <= present:
        return f
    for name, adapter in sorted(source.adapters.items()):
        needed = {adapter.columns[c].name for c in source.required if c in adapter.columns}
        if needed <= present:
            return replace(f, adapter=name)
    return f


def _text_of(value: str, column_type: str | None) -> str:
    """SQL text of a typed (Parquet) field as the text a CSV would carry: tags typed as a MAP
    (AWS) or a list of key/value structs (GCP) become one JSON object; other nested values
    JSON; a DOUBLE the shortest decimal text that reads back as the same double; DECIMAL,
    integer and time values their exact text."""
    kind = (column_type or "VARCHAR").upper()
    if kind.startswith("MAP("):
        return f"CAST(to_json({value}) AS VARCHAR)"
    if kind.endswith("[]") and re.search(r"\bKEY\b", kind) and re.search(r"\bVALUE\b", kind):
        pairs = (
            f"list_transform({value}, lambda e: to_json(e.key) || ':' "
            "|| COALESCE(to_json(e.value), 'null'))"
        )
        return f"('{{' || array_to_string({pairs}, ',') || '}}')"
    if kind.startswith("STRUCT(") or kind.endswith("]"):
        return f"CAST(to_json({value}) AS VARCHAR)"
    return f"CAST({value} AS VARCHAR)"


def _with_declared_currency(source: Source, column: str, value: str, params: dict, settings):
    """A row's own currency, else the currency declared for the source's files that carry
    none (IngestSettings.source_currencies)."""
    declared = settings.source_currencies.get(source.name)
    if column != source.currency_column or declared is None:
        return value
    params["declared_currency"] = declared
    return f"COALESCE({value}, $declared_currency)"


def _insert_landing(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    f: SourceFile,
    settings,
    present: set[str] | None,
    doc: str | None,
    relation: str = "_numbered",
    relation_params: dict[str, object] | None = None,
    types: dict[str, str] | None = None,
) -> None:
    """Copy the rows of `relation` (default temp table _numbered; columns source_line, raw_row,
    landing_error and the file's own, typed as `types` says for Parquet) into the landing table,
    mapping the file's fields to canonical columns."""
    mapping = _mapping(source, f.adapter)
    params: dict[str, object] = {"source_file": f.relpath, **(relation_params or {})}
    if doc is not None:
        # A JSON document is parsed once per row: every field the mapping reads is extracted in
        # one call (a list of paths), not one parse per column.
        names = list(dict.fromkeys(ref.name for ref in mapping.values()))
        params["field_paths"] = [f'$."{name}"' for name in names]
        relation = (
            f"(SELECT d.*, json_extract_string({doc}, $field_paths) AS field_values "
            f"FROM {relation} AS d)"
        )
    # null tokens ('NULL', 'null', ...) are nulls whatever their case
    params["null_tokens"] = [t.upper() for t in source.null_tokens if t]
    exprs = []
    for column in source.columns:
        ref = mapping.get(column)
        name = None if ref is None else _column_in_file(source, f, ref.name, present)
        if ref is None or (present is not None and name not in present):
            missing = "CAST(NULL AS VARCHAR)"
            exprs.append(_with_declared_currency(source, column, missing, params, settings))
            continue
        if doc is None:  # tabular file: the field is a column of the relation
            base = _text_of(f"r.{quote_ident(name)}", (types or {}).get(name))
        else:
            base = f"r.field_values[{names.index(name) + 1}]"
        value = _field_expression(column, ref, base, params, settings)
        cleaned = (
            f"CASE WHEN list_contains($null_tokens, UPPER(TRIM({value}))) THEN NULL "
            f"ELSE NULLIF(TRIM({value}), '') END"
        )
        exprs.append(_with_declared_currency(source, column, cleaned, params, settings))
    columns = ", ".join(quote_ident(c) for c in _landing_columns(source))
    conn.execute(
        f"INSERT INTO landing_{source.name} ({columns}) "
        f"SELECT $source_file, r.source_line, r.raw_row, r.landing_error, {', '.join(exprs)} "
        f"FROM {relation} AS r",
        params,
    )


def _number_lines(conn: duckdb.DuckDBPyConnection, first_line: int) -> None:
    """Give each row read (in file order, as the rowid of _read) its line number, skipping the
    lines the reader rejected: the k-th row read is on the k-th line not rejected."""
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _line_numbers AS
        SELECT n AS source_line, ROW_NUMBER() OVER (ORDER BY n) AS k
        FROM range($first, $first + (SELECT COUNT(*) FROM _read)
                   + (SELECT COUNT(DISTINCT line) FROM _rejects)) AS t(n)
        WHERE n NOT IN (SELECT line FROM _rejects)
        """,
        {"first": first_line},
    )


def _read_json_lines(conn: duckdb.DuckDBPyConnection, f: SourceFile) -> None:
    """Read a JSONL file as one text column per line into temp table _read, with lines the
    reader rejects (over its line-size limit) in temp table _rejects."""
    conn.execute("DROP TABLE IF EXISTS _rejects")
    conn.execute("DROP TABLE IF EXISTS _rejects_scan")
    try:
        # A JSON line cannot hold a raw 0x1F control character, so no line is ever split.
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_csv($path, "
            "columns = {'line': 'VARCHAR'}, header = false, delim = chr(31), quote = '', "
            "escape = '', auto_detect = false, compression = $compression, "
            "store_rejects = true, rejects_table = '_rejects', rejects_scan = '_rejects_scan')",
            {"path": str(f.path), "compression": f.compression or "none"},
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as JSON lines: {error}") from error


def _column_in_file(source: Source, f: SourceFile, column: str, present: set[str] | None) -> str:
    """The file's name for a field the mapping reads: for a tabular file in canonical form, the
    column's own name, else the first alias the file carries (FOCUS renamed columns across
    versions: ProviderName, OCI's pre-release Provider); otherwise the mapped name as it is."""
    if f.adapter is not None or present is None or column in present:
        return column
    return next((a for a in source.aliases.get(column, ()) if a in present), column)


def _resolve_columns(f: SourceFile, source: Source, present: set[str], settings) -> SourceFile:
    """The file with its adapter recognised; refused, naming the columns it lacks, when it does
    not carry a required column (a missing currency column may be declared per source)."""
    f = _recognise_adapter(source, f, present)
    mapping = _mapping(source, f.adapter)
    needed = {
        _column_in_file(source, f, mapping[c].name, present)
        for c in source.required
        if c in mapping
        and not (c == source.currency_column and source.name in settings.source_currencies)
    }
    missing = sorted(needed - present)
    if missing:
        hint = ""
        if source.currency_column in missing:
            hint = (
                f"; a file without {source.currency_column} needs its currency declared in "
                f"IngestSettings.source_currencies (for example {{'{source.name}': 'USD'}})"
            )
        raise UnreadableFileError(
            f"{f.path}: not a {source.name} file: missing required column(s) "
            f"{', '.join(missing)} (found: {', '.join(sorted(present)) or 'none'}){hint}"
        )
    return f


def _land_csv(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    if read_physical_lines(conn, f) == 0:
        return 0, replace(f, landing_note="empty file: a delivery with no rows")
    columns = header_columns(conn, f)
    f = _resolve_columns(f, source, set(columns), settings)
    rejected = read_csv_records(conn, f, columns, [t for t in source.null_tokens if t] or [""])
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _numbered AS
        SELECT n.source_line, CAST(to_json(r) AS VARCHAR) AS raw_row,
               CAST(NULL AS VARCHAR) AS landing_error, r.*
        FROM _read AS r JOIN _line_numbers AS n ON n.k = r.rowid + 1
        """
    )
    _insert_landing(conn, source, f, settings, set(columns), doc=None)
    return rejected, f


# The row position column read_parquet adds; a file with a column of that name cannot use it.
PARQUET_ROW_NUMBER = "file_row_number"


def _parquet_raw_row(columns: list[str]) -> str:
    """The raw row of a Parquet row `r` read with its row position: its own columns, in file
    order, as one JSON object, written exactly as a whole row's to_json writes it."""
    fields = ", ".join(f"{quote_ident(c)} := r.{quote_ident(c)}" for c in columns)
    return f"CAST(to_json(struct_pack({fields})) AS VARCHAR)"


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
    :func:`_text_of`), and the raw row of a row is written only if it is quarantined (see
    :func:`_fill_parquet_raw_rows`), instead of serialising every row of the file."""
    try:
        types = _parquet_schema(conn, f.path)
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as Parquet: {error}") from error
    present = set(types)
    f = _resolve_columns(f, source, present, settings)
    if PARQUET_ROW_NUMBER in present:
        # The reader's row-position column would clash: number the rows in a temp table instead
        # (row ids follow file order) and keep every raw row, as for CSV.
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_parquet($path)",
            {"path": str(f.path)},
        )
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _numbered AS "
            "SELECT r.rowid + 1 AS source_line, CAST(to_json(r) AS VARCHAR) AS raw_row, "
            "CAST(NULL AS VARCHAR) AS landing_error, r.* FROM _read AS r"
        )
        _insert_landing(conn, source, f, settings, present, doc=None, types=types)
        return 0, f
    try:
        _insert_landing(
            conn,
            source,
            f,
            settings,
            present,
            doc=None,
            relation=(
                "(SELECT r.file_row_number + 1 AS source_line, CAST(NULL AS VARCHAR) AS raw_row, "
                "CAST(NULL AS VARCHAR) AS landing_error, r.* EXCLUDE (file_row_number) "
                "FROM read_parquet($path, file_row_number = true) AS r)"
            ),
            relation_params={"path": str(f.path)},
            types=types,
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as Parquet: {error}") from error
    return 0, f


def _fill_parquet_raw_rows(conn: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> None:
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
        raw_row = _parquet_raw_row(list(_parquet_schema(conn, f.path)))
        conn.execute(
            f"""
            UPDATE _checked AS c SET raw_row = p.raw_row
            FROM (
                SELECT r.file_row_number + 1 AS source_line,
                       {raw_row} AS raw_row
                FROM read_parquet($path, file_row_number = true) AS r
                WHERE r.file_row_number + 1 IN (
                    SELECT source_line FROM _quarantine_lines WHERE source_file = $source_file
                )
            ) AS p
            WHERE c.source_file = $source_file AND c.source_line = p.source_line
            """,
            {**params, "path": str(f.path)},
        )


def _land_json(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    if f.file_format == "jsonl":
        _read_json_lines(conn, f)
        rejected = collect_reader_rejects(conn, f)
        _number_lines(conn, first_line=1)
        numbered = (
            "SELECT n.source_line, r.line FROM _read AS r "
            "JOIN _line_numbers AS n ON n.k = r.rowid + 1"
        )
    else:  # a JSON array of row objects; source_line is the element's position
        conn.execute("DROP TABLE IF EXISTS _rejects")
        try:
            conn.execute(
                """
                CREATE OR REPLACE TEMP TABLE _read AS
                SELECT CAST(unnest(json_extract(content, '$[*]')) AS VARCHAR) AS line,
                       generate_subscripts(json_extract(content, '$[*]'), 1) AS source_line
                FROM read_text($path)
                WHERE json_valid(content) AND json_type(content) = 'ARRAY'
                """,
                {"path": str(f.path)},
            )
            is_array = conn.execute(
                "SELECT json_valid(content) AND json_type(content) = 'ARRAY' FROM read_text($path)",
                {"path": str(f.path)},
            ).fetchone()[0]
        except duckdb.Error as error:
            raise UnreadableFileError(f"{f.path}: cannot be read as JSON: {error}") from error
        if not is_array:
            raise UnreadableFileError(f"{f.path}: not a JSON array of row objects")
        rejected = 0
        numbered = "SELECT source_line, line FROM _read"
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _numbered AS
        SELECT source_line, line AS raw_row,
               CASE WHEN json_kind IS NULL THEN '(row): not valid JSON'
                    WHEN json_kind <> 'OBJECT' THEN '(row): not a JSON object' END
                   AS landing_error,
               CASE WHEN json_kind = 'OBJECT' THEN line END AS doc
        FROM (
            -- each line is checked once: its JSON type when it is valid JSON, else NULL
            SELECT x.source_line, x.line,
                   CASE WHEN json_valid(x.line) THEN json_type(x.line) END AS json_kind
            FROM ({numbered}) AS x
            WHERE TRIM(COALESCE(x.line, '')) <> ''
        ) AS y
        """
    )
    # JSON rows may leave out null fields, so required fields are not enforced per file; the
    # keys of the first objects tell an adapter's rows from canonical ones.
    keys = conn.execute(
        "SELECT DISTINCT unnest(json_keys(doc)) FROM "
        "(SELECT doc FROM _numbered WHERE doc IS NOT NULL ORDER BY source_line LIMIT 100)"
    ).fetchall()
    f = _recognise_adapter(source, f, {key for (key,) in keys})
    _insert_landing(conn, source, f, settings, present=None, doc="d.doc")
    return rejected, f


def _land_price_catalogue(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    try:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE catalogue_document AS "
            "SELECT content FROM read_text($path) WHERE json_valid(content)",
            {"path": str(f.path)},
        )
    except duckdb.Error as error:
        raise UnreadableFileError(f"{f.path}: cannot be read as JSON: {error}") from error
    if conn.execute("SELECT COUNT(*) FROM catalogue_document").fetchone()[0] == 0:
        raise UnreadableFileError(f"{f.path}: not valid JSON (expected a LiteLLM price catalogue)")
    columns = ", ".join(quote_ident(c) for c in _landing_columns(source))
    conn.execute(
        f"INSERT INTO landing_{source.name} ({columns}) "
        + read_sql("landing/litellm_price_catalogue.sql"),
        {"source_file": f.relpath, "effective_from": settings.litellm_prices_effective_from},
    )
    return 0, f


def _land_file(conn, source: Source, f: SourceFile, settings) -> tuple[int, SourceFile]:
    """Land one file into temp tables; returns the number of lines rejected by the reader, and
    the file as read (with the adapter its columns were recognised as).

    Runs outside the load transaction (temp tables only): row ids, which give line numbers,
    are only sequential for committed rows.
    """
    if f.size_bytes == 0:
        return 0, replace(f, landing_note="empty file (0 bytes): a delivery with no rows")
    if f.file_format == "csv":
        return _land_csv(conn, source, f, settings)
    if f.file_format == "parquet":
        return _land_parquet(conn, source, f, settings)
    if source.name == "model_prices" and f.file_format == "json":
        return _land_price_catalogue(conn, source, f, settings)
    return _land_json(conn, source, f, settings)


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


def _record_changed_rows(
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


def _summarise_changes(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """One audit.changes row for this load: the earliest day its changed rows (or the actions
    they name) date from."""
    actions_day = "CAST(NULL AS DATE)"
    joined = ""
    if source.refers_to_actions and table_exists(conn, "staging", "agent_actions"):
        actions_day = "MIN(CAST(a.attempted_at AS DATE))"
        joined = "LEFT JOIN staging.agent_actions AS a ON a.action_id = c.action_id"
    conn.execute(
        f"""
        INSERT INTO audit.changes
        SELECT $source, $load_id, $loaded_at, LEAST(MIN(c.day), {actions_day}),
               SUM(c.rows_added), SUM(c.rows_removed)
        FROM _changed AS c {joined}
        HAVING COUNT(*) > 0
        """,
        {"source": source.name, "load_id": load_id, "loaded_at": loaded_at},
    )


def load_source(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    settings,
    load_id: str,
    last_day: date | None = None,
) -> LoadReport:
    """Load every new or changed file of one source in one transaction: with `last_day`, the
    files dated on or before it and the undated ones; without, every file."""
    data_dir = Path(settings.data_dir)
    if not data_dir.is_dir():
        # a mistyped or unmounted folder must not publish a day of empty tables as if all were well
        raise UnreadableFileError(
            f"IngestSettings.data_dir '{data_dir}' is not a folder (resolved: {data_dir.resolve()})"
        )
    found = discover(data_dir, source, settings.source_adapters)
    files = [f for f in found.files if last_day is None or f.day is None or f.day <= last_day]
    ensure_audit_tables(conn)
    model = read_sql(f"staging/{source.name}.sql")
    # the value readers (and the limits they state) shape staged rows as the model does
    fingerprint = settings_fingerprint(
        settings, model + read_sql("ingest/macros/value_readers.sql")
    )
    recorded = {
        file: (status, sha, fp)
        for file, status, sha, fp in conn.execute(
            "SELECT source_file, load_status, file_sha256, settings_fingerprint "
            "FROM audit.load_ledger WHERE source = $source",
            {"source": source.name},
        ).fetchall()
    }
    # A file is (re)loaded when its content, the settings that shape its rows or the staging
    # model changed; a file newly ignored or superseded gives up the rows it loaded before.
    todo = [f for f in files if recorded.get(f.relpath) != ("loaded", f.sha256, fingerprint)]
    passed = [p for p in found.passed if recorded.get(p.relpath, ())[:2] != (p.status, p.sha256)]
    staging_table = f"staging.{source.name}"
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    money = amount_column(source, settings)

    _create_reference_tables(conn, settings)
    conn.execute(read_sql("ingest/macros/value_readers.sql"))
    _create_landing_table(conn, source)
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _files (source_file VARCHAR, file_sha256 VARCHAR, "
        "file_bytes BIGINT, file_format VARCHAR, adapter VARCHAR, rejected_lines BIGINT, "
        "delivery_day DATE, load_status VARCHAR, status_reason VARCHAR, compression VARCHAR)"
    )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _rejected_lines (source_file VARCHAR, source_line BIGINT, "
        "column_name VARCHAR, reason VARCHAR, raw_row VARCHAR)"
    )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _changed "
        "(day DATE, action_id VARCHAR, rows_added INTEGER, rows_removed INTEGER)"
    )
    for f in todo:
        rejected, f = _land_file(conn, source, f, settings)
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
    if passed:
        conn.executemany(
            "INSERT INTO _files VALUES ($1, $2, $3, '(not read)', NULL, 0, $4, $5, $6, NULL)",
            [[p.relpath, p.sha256, p.size_bytes, p.day, p.status, p.reason] for p in passed],
        )
    staging_exists = table_exists(conn, "staging", source.name)
    duplicates_table = f"audit.{DUPLICATES_PREFIX}{source.name}"
    duplicates_exist = table_exists(conn, "audit", f"{DUPLICATES_PREFIX}{source.name}")

    with transaction(conn):
        # A changed file replaces what it loaded before. The keys whose staged row goes with it
        # are released: the copies other files hold of them are judged again (_classify).
        if staging_exists:
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE _released_keys AS "
                f"SELECT DISTINCT dedup_key FROM {staging_table} "
                "WHERE source_file IN (SELECT source_file FROM _files)"
            )
            _record_changed_rows(
                conn,
                source,
                f"{staging_table} WHERE source_file IN (SELECT source_file FROM _files)",
                added=False,
            )
            conn.execute(
                f"DELETE FROM {staging_table} WHERE source_file IN (SELECT source_file FROM _files)"
            )
        else:
            conn.execute("CREATE OR REPLACE TEMP TABLE _released_keys (dedup_key VARCHAR)")
        if duplicates_exist:
            conn.execute(
                f"DELETE FROM {duplicates_table} "
                "WHERE source_file IN (SELECT source_file FROM _files)"
            )
        for table in ("audit.quarantine", "audit.load_ledger"):
            conn.execute(
                f"DELETE FROM {table} "
                "WHERE source = $s AND source_file IN (SELECT source_file FROM _files)",
                {"s": source.name},
            )
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _checked AS " + model,
            parameters_used(
                model,
                {
                    **settings.tag_keys(),
                    "billing_cost_column": settings.billing_cost_column,
                    "date_format": settings.date_formats.get(source.name),
                    "plausible_from": settings.plausible_dates_from,
                    "plausible_to": settings.plausible_dates_to,
                },
            ),
        )
        if staging_exists:
            _add_new_columns(conn, staging_table)
        else:
            conn.execute(
                f"CREATE TABLE {staging_table} AS "
                f"SELECT * EXCLUDE ({', '.join(MODEL_ONLY_COLUMNS)}), "
                "CAST(NULL AS VARCHAR) AS load_id, CAST(NULL AS TIMESTAMP) AS loaded_at "
                "FROM _checked WHERE false"
            )
        if duplicates_exist:
            _add_new_columns(conn, duplicates_table)
        else:
            conn.execute(
                f"CREATE TABLE {duplicates_table} AS "
                "SELECT * EXCLUDE (reject_reason), CAST(NULL AS VARCHAR) AS load_status, "
                "CAST(NULL AS VARCHAR) AS first_seen, CAST(NULL AS VARCHAR) AS load_id, "
                "CAST(NULL AS TIMESTAMP) AS loaded_at FROM _checked WHERE false"
            )
        _classify(conn, staging_table, duplicates_table)
        conn.execute(
            f"INSERT INTO {staging_table} BY NAME "
            f"SELECT * EXCLUDE ({', '.join(MODEL_ONLY_COLUMNS)}, first_seen, load_status), "
            "$load_id AS load_id, $loaded_at AS loaded_at "
            "FROM _classified WHERE load_status = 'staged'",
            {"load_id": load_id, "loaded_at": loaded_at},
        )
        _record_changed_rows(conn, source, "_classified WHERE load_status = 'staged'", added=True)
        _apply_rejudged(conn, source, staging_table, duplicates_table, load_id, loaded_at)
        _summarise_changes(conn, source, load_id, loaded_at)
        _fill_parquet_raw_rows(conn, todo)
        conn.execute(
            f"INSERT INTO {duplicates_table} BY NAME "
            "SELECT * EXCLUDE (reject_reason), $load_id AS load_id, $loaded_at AS loaded_at "
            "FROM _classified WHERE load_status IN ('duplicate', 'conflict')",
            {"load_id": load_id, "loaded_at": loaded_at},
        )
        conn.execute(
            """
            INSERT INTO audit.quarantine
            SELECT $source, source_file, source_line, split_part(reject_reason, ':', 1),
                   reject_reason, raw_row, conserved_amount, $load_id, $loaded_at
            FROM _checked WHERE reject_reason IS NOT NULL
            UNION ALL
            SELECT $source, source_file, source_line, $key,
                   $key || ': duplicate key with different content; kept the row in '
                       || first_seen,
                   raw_row, conserved_amount, $load_id, $loaded_at
            FROM _classified WHERE load_status = 'conflict'
            UNION ALL
            SELECT $source, source_file, source_line, column_name, reason, raw_row, NULL,
                   $load_id, $loaded_at
            FROM _rejected_lines
            """,
            {"source": source.name, "key": source.key, "load_id": load_id, "loaded_at": loaded_at},
        )
        conn.execute(
            """
            INSERT INTO audit.load_ledger
            SELECT $source, f.source_file, f.file_sha256, f.file_bytes, f.file_format, f.adapter,
                   $fingerprint, $load_id, $loaded_at,
                   COALESCE(c.rows_read, 0) + f.rejected_lines,
                   COALESCE(k.rows_staged, 0),
                   COALESCE(c.rows_rejected, 0) + COALESCE(k.rows_conflict, 0) + f.rejected_lines,
                   COALESCE(k.rows_duplicate, 0),
                   $amount_column,
                   c.amount_read, k.amount_staged,
                   COALESCE(c.amount_rejected, 0) + COALESCE(k.amount_conflict, 0),
                   COALESCE(k.amount_duplicate, 0),
                   f.delivery_day, f.load_status, f.status_reason, f.compression
            FROM _files AS f
            LEFT JOIN (
                SELECT source_file, COUNT(*) AS rows_read,
                       COUNT(reject_reason) AS rows_rejected,
                       SUM(conserved_amount) AS amount_read,
                       SUM(CASE WHEN reject_reason IS NOT NULL THEN conserved_amount END)
                           AS amount_rejected
                FROM _checked GROUP BY source_file
            ) AS c ON c.source_file = f.source_file
            LEFT JOIN (
                SELECT source_file,
                       COUNT(CASE WHEN load_status = 'staged' THEN 1 END) AS rows_staged,
                       COUNT(CASE WHEN load_status = 'duplicate' THEN 1 END) AS rows_duplicate,
                       COUNT(CASE WHEN load_status = 'conflict' THEN 1 END) AS rows_conflict,
                       SUM(CASE WHEN load_status = 'staged' THEN conserved_amount END)
                           AS amount_staged,
                       SUM(CASE WHEN load_status = 'duplicate' THEN conserved_amount END)
                           AS amount_duplicate,
                       SUM(CASE WHEN load_status = 'conflict' THEN conserved_amount END)
                           AS amount_conflict
                FROM _classified GROUP BY source_file
            ) AS k ON k.source_file = f.source_file
            """,
            {
                "source": source.name,
                "load_id": load_id,
                "loaded_at": loaded_at,
                "amount_column": money,
                "fingerprint": fingerprint,
            },
        )
        totals = conn.execute(
            """
            SELECT COALESCE(SUM(rows_read), 0), COALESCE(SUM(rows_staged), 0),
                   COALESCE(SUM(rows_quarantined), 0), COALESCE(SUM(rows_duplicate), 0),
                   SUM(amount_read), SUM(amount_staged)
            FROM audit.load_ledger WHERE source = $source AND load_id = $load_id
            """,
            {"source": source.name, "load_id": load_id},
        ).fetchone()
        sample = [
            f"{file} line {line}, column {column}: {reason}"
            for file, line, column, reason in conn.execute(
                """
                SELECT source_file, source_line, column_name, reason FROM audit.quarantine
                WHERE source = $source AND load_id = $load_id
                ORDER BY source_file, source_line LIMIT 20
                """,
                {"source": source.name, "load_id": load_id},
            ).fetchall()
        ]

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


def _add_new_columns(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give a staging table (or its duplicates table) created by an earlier release the columns
    its model now writes (NULL in rows loaded before; a changed file reloads its rows with
    them)."""
    schema, name = table.split(".")
    existing = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = $schema AND table_name = $name",
            {"schema": schema, "name": name},
        ).fetchall()
    }
    for column, column_type, *_ in conn.execute("DESCRIBE _checked").fetchall():
        if column not in existing and column not in MODEL_ONLY_COLUMNS:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {quote_ident(column)} {column_type}")


def _classify(conn: duckdb.DuckDBPyConnection, staging_table: str, duplicates_table: str) -> None:
    """Split valid rows into staged, exact duplicates and conflicting duplicates.

    The first row of a key wins: a row already staged from another file, else the first in file
    and line order. A later row with identical content is a duplicate (dropped, counted); with
    different content it is a conflict (quarantined, so nothing is silently lost).

    A key is *released* when its staged row goes with a changed, superseded or ignored file
    (temp table _released_keys). The copies of a released key that other, unchanged files hold
    (in `duplicates_table`) are judged again with the batch by the same rule, as a fresh load of
    the current files would judge them; their new status is in temp table _reopened (with the
    status they had, for the ledger).

    Only the rows that are not staged are written out (temp table _not_staged, usually few or
    none); view _classified gives every valid row of _checked its load_status from it. Keys are
    counted with a hash aggregate, and only keys seen twice in the batch or released with copies
    elsewhere are ranked in file and line order, so a clean batch is neither sorted nor copied.
    """
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _judged AS
        WITH batch_duplicate_keys AS (
            SELECT c.dedup_key
            FROM _checked AS c
            WHERE c.reject_reason IS NULL
            GROUP BY c.dedup_key
            HAVING COUNT(*) > 1
        ),

        -- copies in unchanged files of the keys whose staged row this load removed
        reopened_copies AS (
            SELECT d.source_file, d.source_line, d.dedup_key, d.row_hash
            FROM {duplicates_table} AS d
            WHERE d.dedup_key IN (SELECT r.dedup_key FROM _released_keys AS r)
        ),

        contested_keys AS (
            SELECT dedup_key FROM batch_duplicate_keys
            UNION
            SELECT dedup_key FROM reopened_copies
        ),

        candidates AS (
            SELECT c.rowid AS checked_row, c.source_file, c.source_line, c.dedup_key, c.row_hash
            FROM _checked AS c
            WHERE c.reject_reason IS NULL
                AND c.dedup_key IN (SELECT dedup_key FROM contested_keys)
            UNION ALL
            SELECT NULL, o.source_file, o.source_line, o.dedup_key, o.row_hash
            FROM reopened_copies AS o
        ),

        ranked AS (
            SELECT
                k.checked_row,
                k.source_file,
                k.source_line,
                k.dedup_key,
                k.row_hash,
                ROW_NUMBER() OVER (
                    PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
                ) AS batch_rank,
                FIRST_VALUE(k.row_hash) OVER (
                    PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
                ) AS first_hash,
                FIRST_VALUE(k.source_file || ' line ' || CAST(k.source_line AS VARCHAR)) OVER (
                    PARTITION BY k.dedup_key ORDER BY k.source_file, k.source_line
                ) AS batch_first_seen
            FROM candidates AS k
        ),

        prior AS (
            SELECT
                s.dedup_key,
                MIN(s.row_hash) AS row_hash,
                MIN(s.source_file || ' line ' || CAST(s.source_line AS VARCHAR)) AS seen
            FROM {staging_table} AS s
            WHERE s.dedup_key IN (
                SELECT c.dedup_key FROM _checked AS c WHERE c.reject_reason IS NULL
                UNION
                SELECT dedup_key FROM reopened_copies
            )
            GROUP BY s.dedup_key
        ),

        -- contested keys: the first row wins unless the key is already staged; every other
        -- row is a duplicate or a conflict of the row kept
        contested AS (
            SELECT
                r.checked_row,
                r.source_file,
                r.source_line,
                CASE
                    WHEN p.dedup_key IS NULL AND r.batch_rank = 1 THEN 'staged'
                    WHEN COALESCE(p.row_hash, r.first_hash) = r.row_hash THEN 'duplicate'
                    ELSE 'conflict'
                END AS load_status,
                CASE WHEN p.dedup_key IS NOT NULL OR r.batch_rank > 1
                    THEN COALESCE(p.seen, r.batch_first_seen) END AS first_seen
            FROM ranked AS r
            LEFT JOIN prior AS p ON p.dedup_key = r.dedup_key
        ),

        -- keys once in the batch, not contested, that an earlier load already staged
        already_staged AS (
            SELECT
                c.rowid AS checked_row,
                c.source_file,
                c.source_line,
                CASE WHEN p.row_hash = c.row_hash THEN 'duplicate' ELSE 'conflict' END
                    AS load_status,
                p.seen AS first_seen
            FROM _checked AS c
            INNER JOIN prior AS p ON p.dedup_key = c.dedup_key
            WHERE c.reject_reason IS NULL
                AND c.dedup_key NOT IN (SELECT dedup_key FROM contested_keys)
        )

        SELECT * FROM contested
        UNION ALL
        SELECT * FROM already_staged
        """
    )
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _not_staged AS
        SELECT checked_row, load_status, first_seen
        FROM _judged
        WHERE checked_row IS NOT NULL AND load_status <> 'staged'
        """
    )
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _reopened AS
        SELECT j.source_file, j.source_line, j.load_status, j.first_seen,
               d.load_status AS previous_status, d.conserved_amount
        FROM _judged AS j
        INNER JOIN {duplicates_table} AS d
            ON d.source_file = j.source_file AND d.source_line = j.source_line
        WHERE j.checked_row IS NULL
        """
    )
    conn.execute(
        """
        CREATE OR REPLACE TEMP VIEW _classified AS
        SELECT c.*, COALESCE(n.load_status, 'staged') AS load_status, n.first_seen
        FROM _checked AS c
        LEFT JOIN _not_staged AS n ON n.checked_row = c.rowid
        WHERE c.reject_reason IS NULL
        """
    )
    # The rows headed for quarantine whose raw row is still to be read (Parquet rows).
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _quarantine_lines AS
        SELECT c.source_file, c.source_line
        FROM _checked AS c
        WHERE c.raw_row IS NULL AND (
            c.reject_reason IS NOT NULL
            -- conflicts, and duplicates (kept in case their key is released later)
            OR c.rowid IN (SELECT checked_row FROM _not_staged)
        )
        """
    )


def _apply_rejudged(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    staging_table: str,
    duplicates_table: str,
    load_id: str,
    loaded_at: datetime,
) -> None:
    """Write the new status of the copies judged again (temp table _reopened, see _classify):
    a copy that now wins is staged; a conflict's quarantine row is written again with the row it
    now conflicts with; a copy that turned duplicate leaves quarantine; and the load ledger of
    each file holding such a copy moves its rows and amounts between staged, quarantined and
    duplicate, so it reads as a fresh load of the current files would."""
    params = {"load_id": load_id, "loaded_at": loaded_at}
    same_row = "d.source_file = r.source_file AND d.source_line = r.source_line AND r.load_status "
    restored = f"{duplicates_table} AS d, _reopened AS r WHERE {same_row} = 'staged'"
    conn.execute(
        f"INSERT INTO {staging_table} BY NAME "
        "SELECT d.* EXCLUDE (raw_row, conserved_amount, load_status, first_seen, load_id, "
        f"loaded_at), $load_id AS load_id, $loaded_at AS loaded_at FROM {restored}",
        params,
    )
    _record_changed_rows(conn, source, f"(SELECT d.* FROM {restored})", added=True)
    conn.execute(
        "DELETE FROM audit.quarantine AS q USING _reopened AS r "
        "WHERE q.source = $source AND q.source_file = r.source_file "
        "AND q.source_line = r.source_line",
        {"source": source.name},
    )
    conn.execute(
        """
        INSERT INTO audit.quarantine
        SELECT $source, d.source_file, d.source_line, $key,
               $key || ': duplicate key with different content; kept the row in '
                   || r.first_seen,
               d.raw_row, d.conserved_amount, $load_id, $loaded_at
        FROM """
        + duplicates_table
        + f" AS d, _reopened AS r WHERE {same_row} = 'conflict'",
        {"source": source.name, "key": source.key, **params},
    )
    conn.execute(
        f"UPDATE {duplicates_table} AS d SET load_status = r.load_status, "
        f"first_seen = r.first_seen FROM _reopened AS r WHERE {same_row} <> 'staged'"
    )
    conn.execute(
        f"DELETE FROM {duplicates_table} AS d USING _reopened AS r WHERE {same_row} = 'staged'"
    )
    conn.execute(
        """
        UPDATE audit.load_ledger AS l
        SET rows_staged = l.rows_staged + m.rows_staged,
            rows_quarantined = l.rows_quarantined + m.rows_quarantined,
            rows_duplicate = l.rows_duplicate + m.rows_duplicate,
            amount_staged = CASE WHEN l.amount_staged IS NULL AND m.amount_staged IS NULL
                THEN NULL ELSE COALESCE(l.amount_staged, 0) + COALESCE(m.amount_staged, 0) END,
            amount_quarantined = l.amount_quarantined + m.amount_quarantined,
            amount_duplicate = l.amount_duplicate + m.amount_duplicate
        FROM (
            -- each file's moves: + the status its copies took, - the status they had
            SELECT
                source_file,
                COUNT(*) FILTER (WHERE now = 'staged') AS rows_staged,
                COUNT(*) FILTER (WHERE now = 'conflict')
                    - COUNT(*) FILTER (WHERE was = 'conflict') AS rows_quarantined,
                COUNT(*) FILTER (WHERE now = 'duplicate')
                    - COUNT(*) FILTER (WHERE was = 'duplicate') AS rows_duplicate,
                SUM(amount) FILTER (WHERE now = 'staged') AS amount_staged,
                COALESCE(SUM(amount) FILTER (WHERE now = 'conflict'), 0)
                    - COALESCE(SUM(amount) FILTER (WHERE was = 'conflict'), 0)
                    AS amount_quarantined,
                COALESCE(SUM(amount) FILTER (WHERE now = 'duplicate'), 0)
                    - COALESCE(SUM(amount) FILTER (WHERE was = 'duplicate'), 0)
                    AS amount_duplicate
            FROM (
                SELECT source_file, load_status AS now, previous_status AS was,
                       conserved_amount AS amount
                FROM _reopened
            ) AS moves
            GROUP BY source_file
        ) AS m
        WHERE l.source = $source AND l.source_file = m.source_file
        """,
        {"source": source.name},
    )
