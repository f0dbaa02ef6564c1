"""Core and marts layers: SQL models over staging that apply the metric contract (SPEC 1-6).

Each model is ``sql/<layer>/<name>.sql`` and one asset, built from what the file declares
(``pipeline/models.py``): its dependencies are the tables its SQL reads, its day column and window
are declared in its header. The models are built in three steps (``model_steps``), each in
dependency order, each model materialized as it is written: ``models``, then the models built on
the cost ledger once its blocking check has passed (``models_after_cost_ledger``), then those
built on the showback once its checks have (``models_after_cost_ledger_and_showback``), so a
failed contract stops what is built on it. With a step of their own per model (and per
source's checks), a sample day's run took 4.74 to 5.09 s in 75 steps; it takes 4.27 to 4.70 s in
34 (three runs each). A run selecting some models builds those only; a model that fails stops
its step with an error naming it and its file, and the models written before it stay
materialized. The models are partitioned by day like the
event sources, but a day's run does not rebuild only that day: outcomes and costs of a day move
after it (survival windows, late refunds, restated billing, late rows). So each run first decides
its *recompute window* (``core/recompute_window``, ``sql/core/recompute_window.sql``): the first
day that can have changed since the last published build. Every model then replaces its rows
from that day on, in one transaction, and keeps the rows before it, which cannot have changed.
Record-grain models (one row per request, time entry or billing line day, ``@window
records_from``) depend on nothing but their own inputs, so they use a narrower window,
``records_from``: the first day their inputs changed. A day's run prices that day's records,
not a month of them.
The first run, a run after the models' SQL or the metric settings changed, and a run that finds a
model table missing rebuild everything. A table without a day (``core.session_roots``) is always
rebuilt whole.

Outcomes are judged as of ``MetricSettings.as_of`` when set, else the end of the run's last day,
or the as_of of the last published build if that is later: re-running an old day never winds
the warehouse back in time, so re-running any day gives the tables the latest run gave, and a
backfill of a range gives the tables daily runs over that range give.
"""

import time
from collections.abc import Iterator
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    DailyPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from pipeline.assets.ingest import staging_key
from pipeline.checks.metrics import metric_checks
from pipeline.metadata import table_metadata
from pipeline.models import Model, build_order, models
from pipeline.partitions import daily_partitions
from pipeline.resources import ComputeEngine, IngestSettings, MetricSettings
from pipeline.run_state import RecomputeWindow, recompute_window
from pipeline.sources import SOURCES
from pipeline.spark import run_on_spark
from pipeline.sql_files import parameters_used, quote_ident, sql_header, table_exists
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse, transaction


class ModelBuildError(RuntimeError):
    """A model's query failed: the error names the model and its file, then the engine's error."""


def first_day(window: RecomputeWindow, model: Model) -> date:
    """The first day whose rows `model` replaces in this run."""
    return window.records_from if model.window == "records_from" else window.recompute_from


def run_window(
    conn,
    context: AssetExecutionContext,
    metric_settings: MetricSettings,
    ingest_settings: IngestSettings,
) -> RecomputeWindow:
    """This run's recompute window (decided by the first step that asks); a partial recompute
    needs every model's table."""
    return recompute_window(
        conn, context.run.run_id, context.run.tags, metric_settings, ingest_settings, list(models())
    )


def core_key(name: str) -> AssetKey:
    return AssetKey(["core", name])


def build_recompute_window_asset(
    partitions: DailyPartitionsDefinition = daily_partitions,
) -> AssetsDefinition:
    """The asset deciding the run's recompute window, partitioned by `partitions`."""

    @asset(
        key=core_key("recompute_window"),
        description=sql_header("core/recompute_window.sql"),
        group_name="core",
        deps=[staging_key(name) for name in SOURCES],
        kinds={"duckdb"},
        partitions_def=partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
    )
    def _recompute_window(
        context: AssetExecutionContext,
        warehouse: Warehouse,
        metric_settings: MetricSettings,
        ingest_settings: IngestSettings,
    ) -> MaterializeResult:
        with warehouse.get_connection() as conn:
            window = run_window(conn, context, metric_settings, ingest_settings)
        context.log.info(
            f"as_of {window.as_of_text}; recomputing "
            + (
                "everything: " + window.row["full_rebuild_reason"]
                if window.full_rebuild
                else f"from {window.recompute_from}"
            )
        )
        return MaterializeResult(
            metadata={
                key: MetadataValue.text("" if value is None else str(value))
                for key, value in window.row.items()
                if key != "run_id"
            }
        )

    return _recompute_window


def replace_rows(conn, model: Model, sql: str, parameters: dict, window: RecomputeWindow) -> int:
    """Replace a model's rows from the window's first day (all rows on a full rebuild, or for a
    table without a day) in one transaction; returns the rows written."""
    table = f"{model.layer}.{model.table}"
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {model.layer}")
    whole = (
        model.time_column is None
        or window.full_rebuild
        or not table_exists(conn, model.layer, model.table)
    )
    with transaction(conn):
        if whole:
            conn.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}", parameters)
            written = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        else:
            predicate = model.replaces or f"{model.time_column} >= $recompute_from"
            conn.execute(
                f"DELETE FROM {table} WHERE {predicate}",
                parameters_used(
                    predicate,
                    {
                        "recompute_from": first_day(window, model),
                        "ledger_from": window.ledger_from,
                        "consequences_from": window.consequences_from,
                    },
                ),
            )
            written = conn.execute(f"INSERT INTO {table} {sql}", parameters).fetchone()[0]
    return written


def model_parameters(
    model: Model,
    window: RecomputeWindow,
    metric_settings: MetricSettings,
    ingest_settings: IngestSettings,
) -> dict:
    """The values a model's SQL binds ($name), for this run's window and settings."""
    candidates = {
        **metric_settings.sql_parameters(window.as_of_text),
        "billing_cost_column": ingest_settings.billing_cost_column,
        "recompute_from": first_day(window, model),
        "ledger_from": window.ledger_from,
        "consequences_from": window.consequences_from,
    }
    return parameters_used(model.sql, candidates)


def asset_key_of(schema: str, table: str) -> AssetKey:
    """The asset that writes a warehouse table."""
    return staging_key(table) if schema == "staging" else AssetKey([schema, table])


def build_model(
    conn,
    model: Model,
    window: RecomputeWindow,
    run_id: str,
    metric_settings: MetricSettings,
    ingest_settings: IngestSettings,
    compute_engine: ComputeEngine,
) -> dict:
    """Replace one model's rows for this run's window; returns its asset metadata."""
    started = time.perf_counter()
    parameters = model_parameters(model, window, metric_settings, ingest_settings)
    rows_sql, rows_parameters, engine_seconds = model.sql, parameters, {}
    if compute_engine.engine == "spark":
        rows_sql, rows_parameters, engine_seconds = run_on_spark(
            conn, compute_engine, model.name, model.sql, parameters, run_id
        )
    written = replace_rows(conn, model, rows_sql, rows_parameters, window)
    summary = conn.execute(
        f"SELECT {quote_ident(model.summary_by)}, COUNT(*) "
        f"FROM {model.layer}.{model.table} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    table = table_metadata(conn, model.layer, model.table)
    return {
        **table,
        "rows_recomputed": written,
        "seconds": round(time.perf_counter() - started, 3),
        "engine": compute_engine.engine,
        **engine_seconds,
        "recomputed_from": "everything"
        if window.full_rebuild or model.time_column is None
        else "nothing changed"
        if first_day(window, model) == date.max
        else str(first_day(window, model)),
        **{key: str(value) for key, value in parameters.items() if key != "recompute_from"},
        f"rows_by_{model.summary_by}": MetadataValue.md(
            "\n".join(f"- {value}: {count}" for value, count in summary) or "none"
        ),
    }


def model_key(model: Model) -> AssetKey:
    return AssetKey([model.layer, model.table])


def model_steps(blocking: set[AssetKey]) -> list[tuple[str, list[Model]]]:
    """The steps that build the models, each a name and its models in dependency order: a model
    is in the step after every model it reads (directly or through others) whose blocking check
    must pass first (`blocking`: the models with one), so a failed contract stops what is built
    on it, as it stops the publish; every other model is in the first step it can be. The first
    step is 'models', the next 'models_after_<the checked tables its models read>'."""
    order = build_order()
    names = {model.name for model in order}
    step: dict[str, int] = {}
    gates: dict[str, set[str]] = {}  # model -> the checked tables it reads
    for model in order:
        upstream = [f"{schema}/{table}" for schema, table in model.reads]
        checked = {name for name in upstream if AssetKey(name.split("/")) in blocking}
        step[model.name] = max(
            (step[name] + (name in checked) for name in upstream if name in names), default=0
        )
        gates[model.name] = {name.split("/")[1] for name in checked}
    steps = []
    for n in range(max(step.values()) + 1):
        members = [model for model in order if step[model.name] == n]
        after = sorted(set().union(*(gates[model.name] for model in members)))
        steps.append(("models_after_" + "_and_".join(after) if n else "models", members))
    return steps


def build_models_asset(
    ordered: list[Model],
    name: str,
    partitions: DailyPartitionsDefinition = daily_partitions,
) -> AssetsDefinition:
    """The models `ordered` as one step named `name`: each model is an asset of its own (its
    dependencies are the tables its SQL reads; audit tables are run state, read through the
    recompute window every model depends on), built in that order; a run selecting some of them
    builds only those."""
    specs = [
        AssetSpec(
            key=model_key(model),
            description=sql_header(f"{model.name}.sql"),
            group_name=model.layer,
            deps=[
                *(
                    asset_key_of(schema, table)
                    for schema, table in model.reads
                    if schema != "audit"
                ),
                core_key("recompute_window"),
            ],
            kinds={"duckdb"},
            skippable=True,
        )
        for model in ordered
    ]

    @multi_asset(
        name=name,
        specs=specs,
        can_subset=True,
        partitions_def=partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
    )
    def _models(
        context: AssetExecutionContext,
        warehouse: Warehouse,
        metric_settings: MetricSettings,
        ingest_settings: IngestSettings,
        compute_engine: ComputeEngine,
    ) -> Iterator[MaterializeResult]:
        selected = context.selected_asset_keys
        with warehouse.get_connection() as conn:
            window = run_window(conn, context, metric_settings, ingest_settings)
            for model in ordered:
                if model_key(model) not in selected:
                    continue
                try:
                    metadata = build_model(
                        conn,
                        model,
                        window,
                        context.run.run_id,
                        metric_settings,
                        ingest_settings,
                        compute_engine,
                    )
                except Exception as error:
                    raise ModelBuildError(
                        f"{model.name} (sql/{model.name}.sql) failed: "
                        f"{type(error).__name__}: {error}"
                    ) from error
                yield MaterializeResult(asset_key=model_key(model), metadata=metadata)

    return _models


def blocking_checked_models() -> set[AssetKey]:
    """The models a blocking metric check holds to a contract (the ledger, the showback, ...)."""
    return {
        spec.asset_key for checks in metric_checks for spec in checks.check_specs if spec.blocking
    }


def build_model_assets(partitions: DailyPartitionsDefinition = daily_partitions) -> list:
    """The recompute window, and every core and marts model in the steps of `model_steps`,
    partitioned by `partitions`."""
    return [
        build_recompute_window_asset(partitions),
        *(
            build_models_asset(ordered, name, partitions)
            for name, ordered in model_steps(blocking_checked_models())
        ),
    ]


model_assets = build_model_assets()
