"""The models of sql/core and sql/marts on Apache Spark: transpiled, not rewritten.

The SQL in ``sql/`` is written for DuckDB and stays the single source of truth. To run a model on
Spark it is parsed as DuckDB SQL and generated as Spark SQL by sqlglot, with a few rewrites of
our own, each a small tree transform below:

- **macros**: a call of a macro in ``sql/macros/<name>.sql`` (DuckDB) is replaced by the
  expression in ``sql/macros/spark/<name>.sql``, its arguments put in place of the parameter
  names. These files are the whole list of per-engine SQL.
- **tables**: ``core.cost_ledger`` becomes the temporary view ``core__cost_ledger``: a model's
  inputs reach Spark as Parquet files registered as session-scoped views, so nothing is written
  to the cluster's catalog.
- **semantics sqlglot cannot see without types**: 1-based list indexes (``TRY_ELEMENT_AT``),
  ``HUGEINT`` (``DECIMAL(38, 0)``), ``quantile_disc`` (``PERCENTILE_DISC ... WITHIN GROUP``),
  and window frame bounds, which Spark takes only as literals.
- **refusals**: DuckDB-only constructs sqlglot would pass through unchanged (``ASOF JOIN``).

Parameters stay parameters: ``$as_of`` becomes Spark's named marker ``:as_of`` and the values are
passed as ``args``. ``python -m pipeline.spark`` is the transpile guard CI runs.

A little over 400 lines, kept together on purpose: the rewrites, the session settings and the
exchange of Parquet files are one engine, and reading them side by side is how a reviewer checks
that Spark computes what DuckDB computes.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from pipeline.sql_files import MACROS_DIR, SCHEMAS, SQL_DIR, quote_ident, tables_read

if TYPE_CHECKING:
    from pipeline.resources import ComputeEngine

SPARK_MACROS_DIR = MACROS_DIR / "spark"
# Each table a model reads (SCHEMAS) becomes a view named <schema>__<table> on Spark.
# The layers whose models run on either engine.
PORTABLE_LAYERS = ("core", "marts")

_MACRO_SIGNATURE = re.compile(r"CREATE\s+OR\s+REPLACE\s+MACRO\s+(\w+)\s*\(([^)]*)\)", re.I)


class NotPortableError(Exception):
    """A model that cannot be generated as Spark SQL."""


def view_name(schema: str, table: str) -> str:
    """The Spark view a warehouse table is read through."""
    return f"{schema}__{table}"


@cache
def spark_macros() -> dict[str, tuple[tuple[str, ...], exp.Expression]]:
    """{macro name: (parameter names, Spark expression)}, one per DuckDB macro."""
    macros = {}
    for path in sorted(MACROS_DIR.glob("*.sql")):
        match = _MACRO_SIGNATURE.search(path.read_text())
        if match is None:
            raise NotPortableError(f"{path}: no 'CREATE OR REPLACE MACRO name(...)' found")
        name, parameters = match.group(1).lower(), match.group(2)
        spark_path = SPARK_MACROS_DIR / path.name
        if not spark_path.exists():
            raise NotPortableError(f"macro {name} ({path}) has no Spark form at {spark_path}")
        body = "\n".join(
            line for line in spark_path.read_text().splitlines() if not line.startswith("--")
        )
        macros[name] = (
            tuple(p.strip().lower() for p in parameters.split(",")),
            sqlglot.parse_one(body, read="spark"),
        )
    return macros


def _expand_macro(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Anonymous):
        return node
    macro = spark_macros().get(node.name.lower())
    if macro is None:
        return node
    parameters, body = macro
    if len(node.expressions) != len(parameters):
        raise NotPortableError(
            f"{node.name} takes {len(parameters)} arguments, given {len(node.expressions)}"
        )
    arguments = dict(zip(parameters, node.expressions, strict=True))

    def substitute(inner: exp.Expression) -> exp.Expression:
        if isinstance(inner, exp.Column) and not inner.table and inner.name.lower() in arguments:
            return exp.paren(arguments[inner.name.lower()].copy(), copy=False)
        return inner

    return body.copy().transform(substitute)


def _refuse_duckdb_only(node: exp.Expression) -> exp.Expression:
    # Constructs sqlglot writes out unchanged although Spark reads them otherwise (ASOF is taken
    # as a table alias): refused here, so that the guard names them.
    if isinstance(node, exp.Join) and str(node.args.get("method") or "").upper() == "ASOF":
        raise NotPortableError("ASOF JOIN has no Spark form")
    return node


def _rename_table(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Table) and node.db in SCHEMAS:
        alias = node.args.get("alias")
        renamed = exp.table_(view_name(node.db, node.name))
        if alias is not None:
            renamed.set("alias", alias.copy())
        return renamed
    return node


def _whole_numbers_as_decimal(node: exp.Expression) -> exp.Expression:
    # Spark has no 128-bit integer; DECIMAL(38, 0) holds the same whole numbers (10^-12 dollar
    # units of an amount) up to 38 digits.
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:
        return exp.DataType.build("DECIMAL(38, 0)", dialect="spark")
    return node


def _one_based_element(node: exp.Expression) -> exp.Expression:
    # DuckDB lists are indexed from 1 and Spark arrays from 0; sqlglot shifts literal indexes only.
    # TRY_ELEMENT_AT is 1-based, reads maps by key too, and is NULL out of range, as in DuckDB.
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    index = node.expressions[0]
    if isinstance(index, exp.Slice):
        return node
    if isinstance(index, exp.Literal) and not index.is_string:
        index = exp.Literal.number(int(index.this) + 1)  # parsed 0-based, shifted back
    return exp.func("TRY_ELEMENT_AT", node.this.copy(), index.copy())


def _ordered_set_quantile(node: exp.Expression) -> exp.Expression:
    # DuckDB's quantile_disc(x, q) is Spark's PERCENTILE_DISC(q) WITHIN GROUP (ORDER BY x): both
    # return an input value (the lower one at a tie, so decimals stay exact) and skip NULLs.
    if isinstance(node, exp.PercentileDisc | exp.PercentileCont) and node.expression:
        ordered = exp.Ordered(this=node.this.copy(), nulls_first=False)
        return exp.WithinGroup(
            this=node.__class__(this=node.expression.copy()),
            expression=exp.Order(expressions=[ordered]),
        )
    return node


def _literal_frame_bounds(parameters: dict):
    # Spark's parser takes only literals as window frame bounds: `$days * INTERVAL 1 DAY` becomes
    # the literal interval of that many days.
    def transform(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.WindowSpec):
            return node
        for side in ("start", "end"):
            bound = node.args.get(side)
            if not isinstance(bound, exp.Expression) or bound.find(exp.Placeholder) is None:
                continue
            if (
                isinstance(bound, exp.Mul)
                and isinstance(bound.this, exp.Placeholder)
                and isinstance(bound.expression, exp.Interval)
                and bound.expression.this.name == "1"
                and isinstance(parameters.get(bound.this.name), int)
            ):
                node.set(
                    side,
                    exp.Interval(
                        this=exp.Literal.string(str(parameters[bound.this.name])),
                        unit=bound.expression.args["unit"].copy(),
                    ),
                )
            else:
                raise NotPortableError(
                    f"window frame bound {bound.sql('duckdb')} is not '$integer * INTERVAL 1 unit'"
                )
        return node

    return transform


def to_spark_sql(sql: str, parameters: dict | None = None) -> str:
    """A DuckDB model as Spark SQL; raises NotPortableError when sqlglot cannot express it.

    `parameters` are the values the model will be run with: only the integers that window frame
    bounds name are written into the SQL (Spark takes no parameter there); every other value
    stays a parameter marker."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        for step in (
            _refuse_duckdb_only,
            _expand_macro,
            _rename_table,
            _whole_numbers_as_decimal,
            _one_based_element,
            _ordered_set_quantile,
            _literal_frame_bounds(parameters or {}),
        ):
            tree = tree.transform(step)
        return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE, pretty=True)
    except NotPortableError:
        raise
    except sqlglot.errors.SqlglotError as error:
        raise NotPortableError(str(error)) from error


def portable_models() -> list[Path]:
    """Every model file that must run on both engines."""
    return [path for layer in PORTABLE_LAYERS for path in sorted((SQL_DIR / layer).glob("*.sql"))]


# Settings the models' numbers depend on, set on every session (local, cluster or Spark Connect):
# - decimal arithmetic keeps DuckDB's result types (s1 + s2 places for a product, the wider scale
#   for a sum) instead of trading decimal places for integer digits;
# - ANSI mode: overflow and invalid casts fail the run instead of turning into NULL;
# - TIMESTAMP means wall-clock time without a zone, as in DuckDB, and the session runs in UTC;
# - Parquet timestamps are written as microseconds, which DuckDB reads exactly.
SESSION_SETTINGS = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

# Spark's Python-to-Java date conversion cannot carry a year before 1000; the full-rebuild
# window's first day (0001-01-01, before any data) is passed as this day, still before any data.
EARLIEST_SPARK_DATE = date(1000, 1, 1)

# DuckDB column types Spark does not read from Parquet as such, and what they are written as.
EXCHANGE_TYPES = {"HUGEINT": "DECIMAL(38, 0)", "UHUGEINT": "DECIMAL(38, 0)", "JSON": "VARCHAR"}


def spark_session(engine: ComputeEngine):
    """The Spark session the models run in: Spark Connect when `spark_remote` is set, else a
    classic session on `spark_master`. One per process (Spark's own getOrCreate)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("agent-finops")
    if engine.spark_remote:
        builder = builder.remote(engine.spark_remote)
    else:
        builder = builder.master(engine.spark_master)
    for key, value in engine.spark_conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in SESSION_SETTINGS.items():
        session.conf.set(key, value)
    return session


def spark_arguments(parameters: dict) -> dict:
    """Model parameters as Spark `args`: the same values, dates kept within Spark's range."""
    return {
        name: max(value, EARLIEST_SPARK_DATE)
        if isinstance(value, date) and not isinstance(value, datetime)
        else value
        for name, value in parameters.items()
    }


def _run_folder(engine: ComputeEngine, run_id: str) -> str:
    """This run's exchange folder; the first call of a run removes earlier runs' folders."""
    root = Path(engine.exchange_dir)
    folder = root / run_id
    if not folder.exists():
        if root.exists():
            for earlier in root.iterdir():
                if earlier.is_dir():
                    shutil.rmtree(earlier)
        folder.mkdir(parents=True)
    return str(folder)


def _export_table(conn, folder: str, schema: str, table: str) -> str:
    """A warehouse table as one Parquet file for Spark, written once per run (a table is read
    after the step that builds it, so a run's copy stays current)."""
    path = f"{folder}/{schema}.{table}.parquet"
    if Path(path).exists():
        return path
    columns = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = $schema AND table_name = $table ORDER BY ordinal_position",
        {"schema": schema, "table": table},
    ).fetchall()
    if not columns:
        raise NotPortableError(f"{schema}.{table} is not in the warehouse")
    select = ", ".join(
        f"CAST({quote_ident(name)} AS {EXCHANGE_TYPES[kind]}) AS {quote_ident(name)}"
        if kind in EXCHANGE_TYPES
        else quote_ident(name)
        for name, kind in columns
    )
    partial = path + ".writing"
    conn.execute(
        f"COPY (SELECT {select} FROM {schema}.{quote_ident(table)}) TO $path (FORMAT parquet)",
        {"path": partial},
    )
    os.replace(partial, path)
    return path


def run_on_spark(
    conn, engine: ComputeEngine, model: str, sql: str, parameters: dict, run_id: str
) -> tuple[str, dict, dict]:
    """Compute a model's rows on Spark. Returns the SQL (and its parameters) that reads those
    rows back into the warehouse with the column names and types DuckDB gives the model, for
    the same windowed replace the DuckDB engine does, and the seconds spent writing the inputs
    out (`exchange_s`) and in Spark (`spark_s`)."""
    shape = conn.execute(f"DESCRIBE SELECT * FROM ({sql})", parameters).fetchall()
    folder = _run_folder(engine, run_id)
    started = time.perf_counter()
    paths = {(s, t): _export_table(conn, folder, s, t) for s, t in tables_read(sql)}
    exported = time.perf_counter()
    session = spark_session(engine)
    for (schema, table), path in paths.items():
        session.read.parquet(path).createOrReplaceTempView(view_name(schema, table))
    rows = session.sql(to_spark_sql(sql, parameters), args=spark_arguments(parameters))
    expected = [name for name, *_ in shape]
    if rows.columns != expected:
        raise NotPortableError(
            f"{model}: Spark returned columns {rows.columns}, DuckDB's model has {expected}"
        )
    result = f"{folder}/result/{model.replace('/', '.')}"
    rows.write.mode("overwrite").parquet(result)
    seconds = {
        "exchange_s": round(exported - started, 2),
        "spark_s": round(time.perf_counter() - exported, 2),
    }
    files = sorted(str(p) for p in Path(result).glob("*.parquet"))
    typed = ", ".join(
        f"CAST({quote_ident(name)} AS {kind}) AS {quote_ident(name)}" for name, kind, *_ in shape
    )
    if not files:
        nulls = ", ".join(f"CAST(NULL AS {kind}) AS {quote_ident(n)}" for n, kind, *_ in shape)
        return f"SELECT {nulls} WHERE false", {}, seconds
    return f"SELECT {typed} FROM read_parquet($spark_rows)", {"spark_rows": files}, seconds


def guard_parameters() -> dict:
    """Every parameter a model may name, at its default, for transpiling without a run."""
    from pipeline.resources import MetricSettings

    return {
        **MetricSettings().sql_parameters("2026-01-01T00:00:00"),
        "billing_cost_column": "EffectiveCost",
        "recompute_from": EARLIEST_SPARK_DATE,
        "ledger_from": EARLIEST_SPARK_DATE,
        "consequences_from": EARLIEST_SPARK_DATE,
    }


# Spark SQL forms written like a function call that are syntax, not functions Spark lists.
SYNTAX_CALLS = frozenset({"cast", "try_cast"})


def functions_called(spark_sql: str) -> set[str]:
    """The names of the functions a Spark SQL statement calls, as Spark will look them up."""
    names = set()
    for call in sqlglot.parse_one(spark_sql, read="spark").find_all(exp.Func):
        match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", call.sql(dialect="spark"))
        if match:
            names.add(match.group(1).lower())
    return names - SYNTAX_CALLS


def check_models(paths: list[Path] | None = None, session=None) -> dict[str, str]:
    """{model file: why it cannot run on Spark} for every model in `paths` (default: every
    model of sql/core and sql/marts). A model must transpile; given a Spark session, Spark's own
    parser must read the result and every function it calls must be one Spark has (a DuckDB
    function sqlglot does not know passes through by name and would fail only at run time)."""
    problems = {}
    parameters = guard_parameters()
    spark_functions = (
        {row[0].split(".")[-1].lower() for row in session.sql("SHOW FUNCTIONS").collect()}
        if session is not None
        else None
    )
    for path in paths if paths is not None else portable_models():
        try:
            spark_sql = to_spark_sql(path.read_text(), parameters)
            if session is not None:
                session._jsparkSession.sessionState().sqlParser().parsePlan(spark_sql)
                missing = sorted(functions_called(spark_sql) - spark_functions)
                if missing:
                    raise NotPortableError(f"Spark has no function {', '.join(missing)}")
        except Exception as error:  # noqa: BLE001 - every reason is reported, per model
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            problems[str(path)] = first_line
    return problems


def main() -> int:
    """The transpile guard (CI): every model of sql/core and sql/marts must become Spark SQL
    that Spark parses. Prints one line per model; exits 1 when any cannot."""
    from pyspark.sql import SparkSession

    session = SparkSession.builder.master("local[1]").appName("transpile-guard").getOrCreate()
    try:
        problems = check_models(session=session)
    finally:
        session.stop()
    for path in portable_models():
        print(("NOT PORTABLE " + problems[str(path)] if str(path) in problems else "ok"), path)
    total = len(portable_models())
    print(f"{total - len(problems)} of {total} models transpile to Spark SQL that Spark reads")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
