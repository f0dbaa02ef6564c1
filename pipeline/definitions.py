"""The whole pipeline at a glance: one Definitions for the code location.

Layers (asset groups): sources (raw files delivered by other systems) -> staging (typed,
validated, de-duplicated tables with quarantine and a load ledger; event sources partitioned by
day) -> core (the metric contract applied: outcomes, costs, the cost ledger, failure impact;
recomputed from the first day that can have changed) -> marts (showback, cost per accepted
change, budgets, anomalies, runaway chains, forecast; operate alerts as warning checks) ->
serving (documented views, the published database swapped in atomically, Parquet export, report).

One job builds it all for a day or a range of days; a schedule runs it each morning for the day
before. Its settings come from one configuration (``pipeline/project_config.py``): the YAML file
named by ``AGENT_FINOPS_CONFIG``, read when Dagster loads the code location, else the defaults.
"""

from __future__ import annotations

import os

from dagster import AssetSelection, Definitions, define_asset_job, definitions, in_process_executor

from pipeline.assets.core import build_model_assets
from pipeline.assets.ingest import build_ingest_assets, raw_file_specs
from pipeline.assets.serving import serving_assets
from pipeline.checks import ingest_checks, metric_checks, operate_checks
from pipeline.partitions import daily_partitions_from
from pipeline.project_config import CONFIG_ENV_VAR, ProjectConfig
from pipeline.schedules import build_daily_schedule

# Everything the pipeline builds, in dependency order. One process: DuckDB allows one writer.
agent_finops_job = define_asset_job(
    name="agent_finops_job",
    selection=AssetSelection.all() - AssetSelection.groups("sources"),
    description="Ingest every source for a day (or a range of days, as one run), recompute "
    "what can have changed, check the contracts and publish.",
)


@definitions
def defs() -> Definitions:
    """The code location, configured by the file AGENT_FINOPS_CONFIG names (or the defaults)."""
    config = ProjectConfig.read(os.environ.get(CONFIG_ENV_VAR))
    days = daily_partitions_from(config.first_day.isoformat())
    return Definitions(
        assets=[
            *raw_file_specs,
            *build_ingest_assets(days),
            *build_model_assets(days),
            *serving_assets,
        ],
        asset_checks=[*ingest_checks, *metric_checks, *operate_checks],
        jobs=[agent_finops_job],
        schedules=[build_daily_schedule(agent_finops_job, config.schedule, config.first_day)],
        resources=config.build_resources(),
        executor=in_process_executor,
    )
