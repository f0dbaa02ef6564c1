"""Staging the landed rows of a source: type and check them, classify them, re-judge restated keys.

The staging model ``sql/staging/<source>.sql`` types every landed column and states every problem
of a row in ``reject_reason`` (temp table ``_checked``). The valid rows are then classified
(``sql/ingest/judged.sql``): the first row of a key wins, a later identical row is a duplicate
(dropped, counted) and a different one a conflict (quarantined). Rows that are not staged are
kept in ``audit.duplicates_<source>``, typed as staged, so that they can be judged again when the
row that won their key is restated away: a changed, superseded or ignored file *releases* the
keys its staged rows held, and the copies other, unchanged files hold of them are judged with
the batch by the same rule, as a fresh load of the current files would judge them.

The tables of a source are named in the statements of ``sql/ingest/`` as ``{staging_table}`` and
``{duplicates_table}``, quoted identifiers; values reach them as parameters.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import duckdb

from pipeline.adapters import incident_penalty_rows, time_entry_rule_rows
from pipeline.adapters.mapping import RECORD_MACROS
from pipeline.loading.audit import record_changed_rows
from pipeline.sources import Source
from pipeline.sql_files import parameters_used, quote_ident, read_sql, table_exists

# Columns every model in sql/staging returns besides the staging table's own columns.
MODEL_ONLY_COLUMNS = ("raw_row", "reject_reason", "conserved_amount")

# audit.duplicates_<source>: the valid rows of a source that are not staged because another row
# of their key is (exact duplicates and conflicts), typed as staged, so that they can be judged
# again when that row is restated away.
DUPLICATES_PREFIX = "duplicates_"

# The value readers every staging model uses (strict dates and times, amount problems).
VALUE_READERS = "ingest/macros/value_readers.sql"


def staging_table(source: Source) -> str:
    return f"staging.{quote_ident(source.name)}"


def duplicates_table(source: Source) -> str:
    return f"audit.{quote_ident(DUPLICATES_PREFIX + source.name)}"


def _statement(name: str, source: Source) -> str:
    """``sql/ingest/<name>.sql`` with the source's staging and duplicates tables named in it."""
    return (
        read_sql(f"ingest/{name}.sql")
        .replace("{staging_table}", staging_table(source))
        .replace("{duplicates_table}", duplicates_table(source))
    )


def prepare_staging(conn: duckdb.DuckDBPyConnection, settings) -> None:
    """What the staging models read besides the landing table: the declared exchange rates and
    minor-unit sizes (temp table fx_rates), the time entry rules and the incident penalties
    (temp tables time_entry_rules, incident_penalties), and the value readers' macros."""
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
    _declared_table(conn, "time_entry_rules", time_entry_rule_rows(settings.time_entry_rules))
    _declared_table(conn, "incident_penalties", incident_penalty_rows(settings.incident_penalties))
    conn.execute(read_sql(VALUE_READERS))
    conn.execute(read_sql(RECORD_MACROS))


def _declared_table(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Temp table `table` (sql/ingest/<table>.sql) holding rows declared in the settings."""
    conn.execute(read_sql(f"ingest/{table}.sql"))
    if rows:
        places = ", ".join(f"${i}" for i in range(1, len(rows[0]) + 1))
        conn.executemany(f"INSERT INTO {table} VALUES ({places})", rows)


def release_files(conn: duckdb.DuckDBPyConnection, source: Source) -> None:
    """A changed (or newly passed over) file in _files gives up the rows it staged and the
    duplicates it kept. The keys whose staged row goes with it are released (temp table
    _released_keys): the copies other files hold of them are judged again (:func:`classify`)."""
    staged = staging_table(source)
    if table_exists(conn, "staging", source.name):
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _released_keys AS "
            f"SELECT DISTINCT dedup_key FROM {staged} "
            "WHERE source_file IN (SELECT source_file FROM _files)"
        )
        record_changed_rows(
            conn,
            source,
            f"{staged} WHERE source_file IN (SELECT source_file FROM _files)",
            added=False,
        )
        conn.execute(f"DELETE FROM {staged} WHERE source_file IN (SELECT source_file FROM _files)")
    else:
        conn.execute("CREATE OR REPLACE TEMP TABLE _released_keys (dedup_key VARCHAR)")
    if table_exists(conn, "audit", DUPLICATES_PREFIX + source.name):
        conn.execute(
            f"DELETE FROM {duplicates_table(source)} "
            "WHERE source_file IN (SELECT source_file FROM _files)"
        )


def check_rows(conn: duckdb.DuckDBPyConnection, source: Source, model: str, settings) -> None:
    """Temp table _checked: the landed rows as the staging model types and judges them."""
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


def prepare_tables(conn: duckdb.DuckDBPyConnection, source: Source) -> None:
    """The staging and duplicates tables of the source, created from _checked's columns, or
    given the columns its model now writes."""
    if table_exists(conn, "staging", source.name):
        _add_new_columns(conn, "staging", source.name)
    else:
        conn.execute(
            f"CREATE TABLE {staging_table(source)} AS "
            f"SELECT * EXCLUDE ({', '.join(MODEL_ONLY_COLUMNS)}), "
            "CAST(NULL AS VARCHAR) AS load_id, CAST(NULL AS TIMESTAMP) AS loaded_at "
            "FROM _checked WHERE false"
        )
    if table_exists(conn, "audit", DUPLICATES_PREFIX + source.name):
        _add_new_columns(conn, "audit", DUPLICATES_PREFIX + source.name)
    else:
        conn.execute(
            f"CREATE TABLE {duplicates_table(source)} AS "
            "SELECT * EXCLUDE (reject_reason), CAST(NULL AS VARCHAR) AS load_status, "
            "CAST(NULL AS VARCHAR) AS first_seen, CAST(NULL AS VARCHAR) AS load_id, "
            "CAST(NULL AS TIMESTAMP) AS loaded_at FROM _checked WHERE false"
        )


def _add_new_columns(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Give a staging table (or its duplicates table) created by an earlier release the columns
    its model now writes (NULL in rows loaded before; a changed file reloads its rows with
    them)."""
    existing = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = $schema AND table_name = $name",
            {"schema": schema, "name": name},
        ).fetchall()
    }
    table = f"{schema}.{quote_ident(name)}"
    for column, column_type, *_ in conn.execute("DESCRIBE _checked").fetchall():
        if column not in existing and column not in MODEL_ONLY_COLUMNS:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {quote_ident(column)} {column_type}")


def classify(conn: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Split valid rows into staged, exact duplicates and conflicting duplicates.

    The first row of a key wins: a row already staged from another file, else the first in file
    and line order. A later row with identical content is a duplicate (dropped, counted); with
    different content it is a conflict (quarantined, so nothing is silently lost).

    The copies of a released key (temp table _released_keys, see :func:`release_files`) that
    other, unchanged files hold are judged again with the batch by the same rule; their new
    status is in temp table _reopened (with the status they had, for the ledger).

    Only the rows that are not staged are written out (temp table _not_staged, usually few or
    none); view _classified gives every valid row of _checked its load_status from it. Temp
    table _quarantine_lines lists the rows whose raw row is still to be read (Parquet rows).
    """
    conn.execute(_statement("judged", source))
    conn.execute(_statement("not_staged", source))
    conn.execute(_statement("reopened", source))
    conn.execute(_statement("classified", source))
    conn.execute(_statement("quarantine_lines", source))


def stage_rows(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """Stage the batch's rows that won their key, and record them as changed."""
    conn.execute(
        f"INSERT INTO {staging_table(source)} BY NAME "
        f"SELECT * EXCLUDE ({', '.join(MODEL_ONLY_COLUMNS)}, first_seen, load_status), "
        "$load_id AS load_id, $loaded_at AS loaded_at "
        "FROM _classified WHERE load_status = 'staged'",
        {"load_id": load_id, "loaded_at": loaded_at},
    )
    record_changed_rows(conn, source, "_classified WHERE load_status = 'staged'", added=True)


def apply_rejudged(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """Write the new status of the copies judged again (temp table _reopened, see classify):
    a copy that now wins is staged; a conflict's quarantine row is written again with the row it
    now conflicts with; a copy that turned duplicate leaves quarantine; and the load ledger of
    each file holding such a copy moves its rows and amounts between staged, quarantined and
    duplicate, so it reads as a fresh load of the current files would."""
    params = {"load_id": load_id, "loaded_at": loaded_at}
    duplicates = duplicates_table(source)
    same_row = "d.source_file = r.source_file AND d.source_line = r.source_line AND r.load_status "
    restored = f"{duplicates} AS d, _reopened AS r WHERE {same_row} = 'staged'"
    conn.execute(
        f"INSERT INTO {staging_table(source)} BY NAME "
        "SELECT d.* EXCLUDE (raw_row, conserved_amount, load_status, first_seen, load_id, "
        f"loaded_at), $load_id AS load_id, $loaded_at AS loaded_at FROM {restored}",
        params,
    )
    record_changed_rows(conn, source, f"(SELECT d.* FROM {restored})", added=True)
    conn.execute(
        "DELETE FROM audit.quarantine AS q USING _reopened AS r "
        "WHERE q.source = $source AND q.source_file = r.source_file "
        "AND q.source_line = r.source_line",
        {"source": source.name},
    )
    conn.execute(
        _statement("quarantine_rejudged_conflicts", source),
        {"source": source.name, "key": source.key, **params},
    )
    conn.execute(
        f"UPDATE {duplicates} AS d SET load_status = r.load_status, "
        f"first_seen = r.first_seen FROM _reopened AS r WHERE {same_row} <> 'staged'"
    )
    conn.execute(f"DELETE FROM {duplicates} AS d USING _reopened AS r WHERE {same_row} = 'staged'")
    conn.execute(read_sql("ingest/ledger_rejudged_moves.sql"), {"source": source.name})


def keep_duplicates(
    conn: duckdb.DuckDBPyConnection, source: Source, load_id: str, loaded_at: datetime
) -> None:
    """Keep the batch's duplicates and conflicts, typed as staged, in case their key is
    released later."""
    conn.execute(
        f"INSERT INTO {duplicates_table(source)} BY NAME "
        "SELECT * EXCLUDE (reject_reason), $load_id AS load_id, $loaded_at AS loaded_at "
        "FROM _classified WHERE load_status IN ('duplicate', 'conflict')",
        {"load_id": load_id, "loaded_at": loaded_at},
    )
