"""The whole pipeline at a glance: one Definitions for the code location.

Layers (asset groups): sources (raw files delivered by other systems) -> staging (typed,
validated, de-duplicated tables with quarantine and a load ledger; event sources partitioned by
day) -> core (the metric contract applied: outcomes, costs, the cost ledger, failure impact;
recomputed from the first day that can have changed) -> marts (showback, cost per accepted
change, budgets, anomalies, runaway chains, forecast; operate alerts as warning checks) ->
serving (documented views, the published database swapped in atomically, Parquet export, report).

One job builds it all for a day or a range of days; a schedule runs it each morning for the day
before.
"""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from pipeline.assets.core import core_assets, mart_assets
from pipeline.assets.ingest import ingest_assets, raw_file_specs
from pipeline.assets.serving import serving_assets
from pipeline.checks import ingest_checks, metric_checks, operate_checks
from pipeline.resources import (
    AlertSettings,
    ComputeEngine,
    IngestSettings,
    MetricSettings,
    ServingSettings,
)
from pipeline.schedules import ScheduleSettings, build_daily_schedule
from pipeline.warehouse import Warehouse

# Everything the pipeline builds, in dependency order. One process: DuckDB allows one writer.
agent_finops_job = define_asset_job(
    name="agent_finops_job",
    selection=AssetSelection.all() - AssetSelection.groups("sources"),
    description="Ingest every source for a day (or a range of days, as one run), recompute "
    "what can have changed, check the contracts and publish.",
)

defs = Definitions(
    assets=[*raw_file_specs, *ingest_assets, *core_assets, *mart_assets, *serving_assets],
    asset_checks=[*ingest_checks, *metric_checks, *operate_checks],
    jobs=[agent_finops_job],
    schedules=[build_daily_schedule(agent_finops_job, ScheduleSettings())],
    resources={
        "warehouse": Warehouse(),
        "ingest_settings": IngestSettings(),
        "metric_settings": MetricSettings(),
        "serving_settings": ServingSettings(),
        "alert_settings": AlertSettings(),
        "compute_engine": ComputeEngine(),
    },
    executor=in_process_executor,
)
