"""The whole pipeline at a glance: one Definitions for the code location.

Layers (asset groups): sources (raw files delivered by other systems) -> staging (typed,
validated, de-duplicated tables with quarantine and a load ledger) -> core (the metric contract
applied: outcomes, costs, the cost ledger, failure impact) -> marts (showback) -> serving
(documented views, Parquet export, report).
"""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from pipeline.assets.core import core_assets, mart_assets
from pipeline.assets.ingest import ingest_assets, raw_file_specs
from pipeline.assets.serving import serving_assets
from pipeline.checks import ingest_checks, metric_checks
from pipeline.resources import IngestSettings, MetricSettings, ServingSettings, Warehouse

# Everything the pipeline builds, in dependency order. One process: DuckDB allows one writer.
all_assets_job = define_asset_job(
    name="agent_finops_job",
    selection=AssetSelection.all() - AssetSelection.groups("sources"),
    description="Ingest every source into staging and check its contracts.",
)

defs = Definitions(
    assets=[*raw_file_specs, *ingest_assets, *core_assets, *mart_assets, *serving_assets],
    asset_checks=[*ingest_checks, *metric_checks],
    jobs=[all_assets_job],
    resources={
        "warehouse": Warehouse(),
        "ingest_settings": IngestSettings(),
        "metric_settings": MetricSettings(),
        "serving_settings": ServingSettings(),
    },
    executor=in_process_executor,
)
