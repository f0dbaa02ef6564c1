"""The one-model harness: build a model, and only the models it reads from, from the files of the
sources they read, without the rest of the graph.

It calls what the assets call, without Dagster: each source with files under `data_dir` is loaded
by the real loader (`load_source`: landing, typing by sql/staging/<source>.sql, quarantine), the
run's window is decided by `recompute_window`, and each model in build order is written by
`replace_rows` with the parameters `model_parameters` binds. Sources without a folder get empty
staging tables of the types their staging model gives (taken once per process from a load of no
files). With `serving_views`, every model is built and the serving views are created over them.
No publish, export or report runs: a test that asserts those runs the pipeline. A check's
contract is its query (`sql/checks/<name>.sql`, the rows that fail it): `failing_rows` runs it
over everything built, as a check run on its own does, and `contract_failures` runs every
blocking contract a run would be stopped by (the staging tables' and the metric checks').

Each build is a run of its own (its own load and run id), so builds one after another on the
same file are daily runs, and a range of days (`tags`) is a backfill run. A build of every model
(no target named) is recorded in audit.builds as a published run records it, so the next build
recomputes only from the first day that can have changed; a build of named models leaves tables
out, so the next build rebuilds everything.

A test reads the result from the same DuckDB file under tmp_path, through the `query` fixture.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from itertools import count
from pathlib import Path
from tempfile import TemporaryDirectory

import duckdb

from pipeline.assets.core import model_parameters, replace_rows
from pipeline.assets.serving.views import create_serving_views
from pipeline.checks import metric_checks
from pipeline.checks.queries import keep, query
from pipeline.checks.sources import loaded_files
from pipeline.loading.audit import amount_column, ensure_audit_tables
from pipeline.loading.load import load_source
from pipeline.models import build_order, models
from pipeline.partitions import run_days
from pipeline.resources import IngestSettings, MetricSettings
from pipeline.run_state import (
    BEGINNING,
    decided_window,
    ensure_build_tables,
    now_utc,
    recompute_window,
    record_build,
)
from pipeline.sources import SOURCES
from pipeline.sql_files import SQL_DIR, create_macros, read_sql, table_exists

RUN_ID = "model-harness"
_builds = count(1)


def _connect(database: str) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(database)
    conn.execute("SET TimeZone = 'UTC'")
    create_macros(conn)
    return conn


@cache
def _empty_staging_tables() -> dict[str, str]:
    """{source: CREATE TABLE statement} of every staging table, as a load of no files makes it."""
    with TemporaryDirectory() as empty_dir, _connect(":memory:") as conn:
        settings = IngestSettings(data_dir=empty_dir)
        for source in SOURCES.values():
            load_source(conn, source, settings, load_id=RUN_ID)
        return dict(
            conn.execute(
                "SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'staging' "
                "ORDER BY table_name"
            ).fetchall()
        )


def build_models(
    data_dir: Path,
    db_path: Path,
    *targets: str,
    tags: dict[str, str],
    metric: dict | None = None,
    serving_views: bool = False,
    **settings,
) -> dict[str, int]:
    """Build `targets` ('core/action_outcomes', ...; every model when none is named) and the
    models they read from into the DuckDB file `db_path`, from the source files under
    `data_dir`; `metric` overrides MetricSettings fields and keyword arguments IngestSettings
    fields. With `serving_views`, every model and the
    serving views over them (as the asset serving/views creates them). Returns {model: rows
    written} of the models built, in build order (rows written is what the model's asset reports
    as rows_recomputed)."""
    run_id = f"{RUN_ID}-{next(_builds)}"
    ingest_settings = IngestSettings(**{"data_dir": str(data_dir), **settings})
    metric_settings = MetricSettings(**(metric or {}))
    order = build_order(None if serving_views or not targets else targets)
    read = {f"{schema}/{table}" for model in order for schema, table in model.reads}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(str(db_path)) as conn:
        ensure_build_tables(conn)
        _load(conn, data_dir, ingest_settings, tags, run_id, read)
        window = recompute_window(
            conn, run_id, tags, metric_settings, ingest_settings, list(models())
        )
        written = {}
        for model in order:
            parameters = model_parameters(model, window, metric_settings, ingest_settings)
            written[model.name] = replace_rows(conn, model, model.sql, parameters, window)
        if serving_views:
            create_serving_views(conn)
        if len(order) == len(models()):
            record_build(conn, run_id, now_utc(), decided_window(conn, run_id), str(db_path))
    return written


def load(data_dir: Path, db_path: Path, *, tags: dict[str, str], **settings) -> None:
    """Load every source with a folder under `data_dir` into `db_path`, as a run's ingest steps
    do (keyword arguments override IngestSettings fields); no model is built. With
    contract_failures, what an ingest-only run asserts."""
    ingest_settings = IngestSettings(**{"data_dir": str(data_dir), **settings})
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(str(db_path)) as conn:
        _load(conn, data_dir, ingest_settings, tags, f"{RUN_ID}-{next(_builds)}", set())


def _load(conn, data_dir: Path, ingest_settings, tags: dict[str, str], run_id: str, read) -> None:
    """Load each source with a folder; give each other source in `read` ('staging/<source>')
    its empty staging table."""
    days = run_days(tags)
    ensure_audit_tables(conn)
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    empty = _empty_staging_tables()
    for source in SOURCES.values():
        if any((data_dir / f).is_dir() for f in (source.name, *source.also_reads)):
            last_day: date | None = days.last_day if days and source.daily else None
            load_source(conn, source, ingest_settings, load_id=run_id, last_day=last_day)
        elif f"staging/{source.name}" in read and not table_exists(conn, "staging", source.name):
            conn.execute(empty[source.name])


def failing_rows(db_path: Path, check: str, **parameters) -> list[tuple]:
    """The rows that fail the check query `sql/checks/<check>.sql` over everything built (an
    empty list is a pass); keyword arguments override the values it binds, which default to the
    settings' defaults. A check query that reads the figures another check query keeps (temp
    table `_<name>`, from `sql/checks/<name>.sql`) gets them kept first, as its check does."""
    with _connect(str(db_path)) as conn:
        return _failing_rows(conn, check, parameters)


def _failing_rows(conn, check: str, parameters: dict) -> list[tuple]:
    values = {
        **{name: field.default for name, field in MetricSettings.model_fields.items()},
        **{name: field.default for name, field in IngestSettings.model_fields.items()},
        "checked_from": BEGINNING,
        **parameters,
    }
    for kept in re.findall(r"\b_(\w+)\b", read_sql(f"checks/{check}.sql")):
        if (SQL_DIR / "checks" / f"{kept}.sql").exists():
            keep(conn, f"_{kept}", kept, values)
    return query(conn, check, values)


def contract_failures(db_path: Path, **settings) -> dict[str, list[tuple]]:
    """Every blocking contract a run holds the built tables to, by its query, over everything
    built: rows_conserved and amount_conserved (where the source has an amount) of each staging
    table, and each blocking metric check whose table was built (money_conserved,
    headline_is_well_formed, ...). Returns {'<source>/<check>' or '<check>': failing rows} of
    the contracts that fail: {} when every one holds. Keyword arguments override
    IngestSettings fields, as for the build."""
    ingest_settings = IngestSettings(**settings)
    failures: dict[str, list[tuple]] = {}
    with _connect(str(db_path)) as conn:
        for source in SOURCES.values():
            money = amount_column(source, ingest_settings)
            for check, amount in (("rows_conserved", None), ("amount_conserved", money)):
                if check == "amount_conserved" and money is None:
                    continue
                _, broken = loaded_files(conn, source, amount, check)
                if broken:
                    failures[f"{source.name}/{check}"] = broken
        for checks in metric_checks:
            for spec in checks.check_specs:
                if spec.blocking and table_exists(conn, *spec.asset_key.path):
                    broken = _failing_rows(
                        conn,
                        spec.name,
                        {"billing_cost_column": ingest_settings.billing_cost_column},
                    )
                    if broken:
                        failures[spec.name] = broken
    return failures
