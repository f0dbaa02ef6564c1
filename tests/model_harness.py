"""The one-model harness: build a model, and only the models it reads from, from the files of the
sources they read, without the rest of the graph.

It calls what the assets call, without Dagster: each source with files under `data_dir` is loaded
by the real loader (`load_source`: landing, typing by sql/staging/<source>.sql, quarantine), the
run's window is decided by `recompute_window`, and each model in build order is written by
`replace_rows` with the parameters `model_parameters` binds. Sources without a folder get empty
staging tables of the types their staging model gives (taken once per process from a load of no
files). With `serving_views`, every model is built and the serving views are created over them.
No check, publish, export or report runs: a test that asserts those runs the pipeline.

A test reads the result from the same DuckDB file under tmp_path, through the `query` fixture.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import duckdb

from pipeline.assets.core import model_parameters, replace_rows
from pipeline.assets.serving.views import create_serving_views
from pipeline.loading.audit import ensure_audit_tables
from pipeline.loading.load import load_source
from pipeline.models import build_order, models
from pipeline.partitions import run_days
from pipeline.resources import IngestSettings, MetricSettings
from pipeline.run_state import ensure_build_tables, recompute_window
from pipeline.sources import SOURCES
from pipeline.sql_files import create_macros

RUN_ID = "model-harness"


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
) -> list[str]:
    """Build `targets` ('core/action_outcomes', ...) and the models they read from into the DuckDB
    file `db_path`, from the source files under `data_dir`; `metric` overrides MetricSettings
    fields and keyword arguments IngestSettings fields. With `serving_views`, every model and the
    serving views over them (as the asset serving/views creates them). Returns the models built,
    in order."""
    ingest_settings = IngestSettings(**{"data_dir": str(data_dir), **settings})
    metric_settings = MetricSettings(**(metric or {}))
    order = build_order(None if serving_views else targets)
    read = {f"{schema}/{table}" for model in order for schema, table in model.reads}
    days = run_days(tags)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(str(db_path)) as conn:
        ensure_audit_tables(conn)
        ensure_build_tables(conn)
        conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
        empty = _empty_staging_tables()
        for source in SOURCES.values():
            if (data_dir / source.name).is_dir():
                last_day: date | None = days.last_day if days and source.daily else None
                load_source(conn, source, ingest_settings, load_id=RUN_ID, last_day=last_day)
            elif f"staging/{source.name}" in read:
                conn.execute(empty[source.name])
        window = recompute_window(
            conn, RUN_ID, tags, metric_settings, ingest_settings, list(models())
        )
        for model in order:
            parameters = model_parameters(model, window, metric_settings, ingest_settings)
            replace_rows(conn, model, model.sql, parameters, window)
        if serving_views:
            create_serving_views(conn)
    return [model.name for model in order]
