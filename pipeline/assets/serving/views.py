"""The serving views (asset ``serving/views``): schema ``serving`` of the warehouse.

Each file of ``sql/serving/`` creates one view, named as the file, and starts with the comment
the view carries (what one row is, where it comes from); ``columns.csv`` holds the comment of
every column. ``showback_range.sql`` is the one file that creates a table macro instead of a
view (``showback_between``, which the weekly views call).

What the views read is taken from their SQL: each file is parsed (sqlglot, DuckDB dialect) for
the ``core.*`` and ``marts.*`` tables it reads, which are the asset's deps, and for the serving
views and macros it reads, which decide the order the files are run in.

Each view declares in its header how it is published and exported:

- ``@partition_by <column>``: the date column dating its rows; the Parquet export is
  partitioned by its month;
- ``@republish from_window``: its rows dated before the run's ``recompute_from`` cannot have
  changed (every source it reads is replaced from that day on), so a windowed run replaces only
  its rows from that day (and the export only those months); ``@republish from_window_week``:
  the same for rows dated by an ISO week's Monday, replaced from the Monday of the week holding
  ``recompute_from`` (that week sums days on both sides of it), so a weekly view costs a run its
  window's weeks, not every week of the history; ``@republish whole``: republished whole every
  run.

A view reads its tables when it is queried, so the views are created again only when what they
are made of changed: the files of ``sql/serving/``, ``columns.csv``, the models' and macros' SQL
(a model's columns can change with it) or the DuckDB version. A digest of those is kept in
``audit.serving_definition``; a run that finds the same digest and every view in place leaves
the views, and their thousand column comments, as they are.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import sqlglot
from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from sqlglot import exp

from pipeline.run_state import now_utc
from pipeline.sql_files import (
    SQL_DIR,
    DeclarationError,
    declarations,
    digest_files,
    quote_ident,
    read_sql,
    sql_header,
    sql_string,
)
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse, transaction

SERVING_DIR = SQL_DIR / "serving"

# The layers a serving view may read; each table read is a dep of the asset.
UPSTREAM_SCHEMAS = ("core", "marts")

_TABLE_MACRO = re.compile(
    r"CREATE\s+OR\s+REPLACE\s+MACRO\s+(\w+)\s*\(.*?\)\s*AS\s+TABLE\b", re.I | re.S
)


@dataclass(frozen=True)
class ServingSql:
    """One file of sql/serving/: the view (or table macro) it creates and what it reads."""

    file: str  # relative to sql/, as read_sql takes it
    name: str  # the view or macro it creates
    is_view: bool
    reads: frozenset[tuple[str, str]]  # (schema, table) of every table it reads
    calls: frozenset[str]  # every function it calls that DuckDB does not know by itself
    partition_by: str | None  # a view's date column: its Parquet export is partitioned by month
    republish: str | None  # a view's @republish (REPUBLISH); none for a table macro

    @property
    def windowed(self) -> bool:
        """A view republished from the run's window on (@republish from_window...)."""
        return self.republish in ("from_window", "from_window_week")

    def first_republished_day(self, recompute_from: date) -> date:
        """The first day of this view's rows a windowed run replaces: from_window_week's
        window starts on the Monday of recompute_from's week."""
        if self.republish == "from_window_week":
            return recompute_from - timedelta(days=recompute_from.weekday())
        return recompute_from


# What a view declares in its header: the date column dating its rows (@partition_by) and
# whether a windowed run republishes it from the window on or whole (@republish).
SERVING_DECLARATIONS = ("partition_by", "republish")
REPUBLISH = ("from_window", "from_window_week", "whole")


def _parse(file: str) -> ServingSql:
    return serving_file_from_sql(file, read_sql(file))


def serving_file_from_sql(file: str, text: str) -> ServingSql:
    """The view or table macro `file` (relative to sql/) creates with `text`, and what it reads;
    raises naming the file when a view's declarations are missing."""
    stem = file.removeprefix("serving/").removesuffix(".sql")
    declared = declarations(text, f"sql/{file}", SERVING_DECLARATIONS)
    macro = _TABLE_MACRO.search(text)
    if macro is not None:
        # sqlglot reads no macro signature (`by_week := false`): the body is a plain query
        name, is_view = macro.group(1).lower(), False
        query = sqlglot.parse_one(text[macro.end() :], read="duckdb")
    else:
        statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
        created = statements[0] if len(statements) == 1 else None
        if not (
            isinstance(created, exp.Create)
            and created.kind == "VIEW"
            and created.this.db == "serving"
            and created.this.name == stem
        ):
            raise ValueError(f"sql/{file} must hold one statement: CREATE ... VIEW serving.{stem}")
        name, is_view, query = stem, True, created.expression
        if "partition_by" not in declared or declared.get("republish") not in REPUBLISH:
            raise DeclarationError(
                f"sql/{file}: declare @partition_by <date column> and "
                f"@republish {' or '.join(REPUBLISH)}"
            )
    if not is_view and declared:
        raise DeclarationError(f"sql/{file}: a table macro declares nothing")
    return ServingSql(
        file=file,
        name=name,
        is_view=is_view,
        reads=frozenset((t.db, t.name) for t in query.find_all(exp.Table) if t.db and t.name),
        calls=frozenset(f.name.lower() for f in query.find_all(exp.Anonymous)),
        partition_by=declared.get("partition_by"),
        republish=declared.get("republish"),
    )


@cache
def serving_sql() -> tuple[ServingSql, ...]:
    """Every file of sql/serving/, in the order they are run: each after the serving views and
    macros it reads (by name where the order is free)."""
    files = {f.name: f for f in (_parse(f"serving/{p.name}") for p in SERVING_DIR.glob("*.sql"))}
    waiting = {
        name: ({n for (schema, n) in f.reads if schema == "serving"} | f.calls) & files.keys()
        for name, f in files.items()
    }
    ordered: list[str] = []
    while waiting:
        ready = sorted(name for name, needs in waiting.items() if needs <= set(ordered))
        if not ready:
            raise ValueError("sql/serving/ files read each other in a cycle: " + ", ".join(waiting))
        ordered += ready
        for name in ready:
            del waiting[name]
    return tuple(files[name] for name in ordered)


@cache
def serving_view(name: str) -> ServingSql:
    """The file of the serving view `name`, with its declarations."""
    return next(f for f in serving_sql() if f.is_view and f.name == name)


def upstream_tables() -> list[tuple[str, str]]:
    """The core and marts tables the serving views read, from their SQL."""
    return sorted(
        {table for f in serving_sql() for table in f.reads if table[0] in UPSTREAM_SCHEMAS}
    )


def serving_views(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'serving' ORDER BY 1"
        ).fetchall()
    ]


def serving_fingerprint(conn) -> str:
    """A digest of what the serving views are made of: the files of sql/serving/ (views, macros,
    columns.csv), the SQL of the models and macros they read, and the DuckDB version."""
    digest = hashlib.sha256(conn.execute("PRAGMA version").fetchone()[0].encode())
    digest_files(digest, "serving", "*.*")  # the views, the table macro and columns.csv
    for folder in ("macros", "core", "marts"):
        digest_files(digest, folder)
    return digest.hexdigest()[:16]


def _views_in_place(conn, fingerprint: str) -> bool:
    """Whether the views were created from what `fingerprint` digests and all of them exist."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS audit")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS audit.serving_definition "
        "(fingerprint VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)"
    )
    (recorded,) = conn.execute(
        "SELECT COUNT(*) FROM audit.serving_definition WHERE fingerprint = $fingerprint",
        {"fingerprint": fingerprint},
    ).fetchone()
    expected = {f.name for f in serving_sql() if f.is_view}
    return recorded == 1 and expected <= set(serving_views(conn))


def create_serving_views(conn) -> tuple[list[str], list[tuple[str, str]], bool]:
    """Every view and macro of sql/serving/ in schema serving, each view and column with its
    comment, unless they are already in place (see the module's docstring); returns the views,
    their (view, column) pairs and whether they were created. Raises naming the columns that
    sql/serving/columns.csv does not describe."""
    fingerprint = serving_fingerprint(conn)
    if _views_in_place(conn, fingerprint):
        return serving_views(conn), _view_columns(conn), False
    descriptions = {
        row["column_name"]: row["description"]
        for row in csv.DictReader((SERVING_DIR / "columns.csv").open())
    }
    conn.execute("CREATE SCHEMA IF NOT EXISTS serving")
    for file in serving_sql():
        conn.execute(read_sql(file.file))
        if file.is_view:
            conn.execute(
                f"COMMENT ON VIEW serving.{quote_ident(file.name)} IS "
                + sql_string(sql_header(file.file))
            )
    views = serving_views(conn)
    columns = _view_columns(conn)
    # a '<view>.<column>' row describes that view's column; a bare name every other
    described = {(v, c): descriptions.get(f"{v}.{c}", descriptions.get(c)) for v, c in columns}
    undocumented = sorted({c for (v, c), text in described.items() if text is None})
    if undocumented:
        raise ValueError(
            "serving columns without a description in sql/serving/columns.csv: "
            + ", ".join(undocumented)
        )
    for view, column in columns:
        conn.execute(
            f"COMMENT ON COLUMN serving.{quote_ident(view)}.{quote_ident(column)} IS "
            + sql_string(described[(view, column)])
        )
    conn.execute("DELETE FROM audit.serving_definition")
    conn.execute(
        "INSERT INTO audit.serving_definition VALUES ($fingerprint, $created_at)",
        {"fingerprint": fingerprint, "created_at": now_utc()},
    )
    return views, columns, True


def _view_columns(conn) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'serving' ORDER BY 1, 2"
    ).fetchall()


@asset(
    key=AssetKey(["serving", "views"]),
    description="One row per view of schema `serving`: the stable, documented tables BI tools "
    "read (showback by fleet / team / agent / task type / task, daily, weekly and monthly, and "
    "the daily facts they sum, with the table macro showback_between(from_day, to_day) for any "
    "other window; unallocated "
    "costs and why; failure impact by agent and risk grade; the FOCUS-shaped allocation; cost per "
    "accepted change by month and team, with the changes and repair candidates behind it).",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey([schema, table]) for schema, table in upstream_tables()],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def serving_views_asset(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    with warehouse.get_connection() as conn, transaction(conn):
        views, columns, created = create_serving_views(conn)
    return MaterializeResult(
        metadata={
            "created": "created from sql/serving/" if created else "unchanged, left in place",
            "views": MetadataValue.md("\n".join(f"- `serving.{v}`" for v in views)),
            "columns_documented": len(columns),
        }
    )
