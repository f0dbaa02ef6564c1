"""Ingest layer: one asset per raw source, loading its files into a staging table.

Each asset reads every new or changed file in ``<data_dir>/<source>/`` and replaces what that
file loaded before, in one transaction (see pipeline/loading/). Event sources are partitioned by
day: a run for a day (or a range) reads the files dated on or before its last day, including late
or restated files for earlier days, and the undated ones. Reference sources (prices, rates) are
not partitioned: every run reads their new or changed files. Its description is the leading
comment of the staging model ``sql/staging/<source>.sql``: what one row is and where it comes from.
"""

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
)

from pipeline.loading.load import load_source
from pipeline.metadata import amount_text, table_metadata
from pipeline.partitions import daily_partitions, run_days
from pipeline.resources import IngestSettings
from pipeline.sources import SOURCES, Source
from pipeline.sql_files import sql_header
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse


def staging_key(source_name: str) -> AssetKey:
    return AssetKey(["staging", source_name])


def raw_files_spec(source: Source) -> AssetSpec:
    """The raw files of one source: external to the pipeline, delivered by other systems."""
    return AssetSpec(
        key=AssetKey(["raw", source.name]),
        description=f"{source.description} Files under <data_dir>/{source.name}/ "
        f"({', '.join(source.formats)})"
        + "".join(f", and the records its adapters take from {f}/" for f in source.also_reads)
        + ".",
        group_name="sources",
        kinds={"file"},
    )


def build_ingest_asset(
    source: Source, partitions: DailyPartitionsDefinition = daily_partitions
) -> AssetsDefinition:
    @asset(
        key=staging_key(source.name),
        description=sql_header(f"staging/{source.name}.sql"),
        group_name="staging",
        deps=[AssetKey(["raw", name]) for name in (source.name, *source.also_reads)],
        kinds={"duckdb"},
        partitions_def=partitions if source.daily else None,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
    )
    def _ingest(
        context: AssetExecutionContext, warehouse: Warehouse, ingest_settings: IngestSettings
    ) -> MaterializeResult:
        days = run_days(context.run.tags) if source.daily else None
        with warehouse.get_connection() as conn:
            report = load_source(
                conn,
                source,
                ingest_settings,
                load_id=context.run.run_id,
                last_day=days.last_day if days else None,
            )
            table = table_metadata(conn, "staging", source.name)
        for line in report.files_passed:
            context.log.warning(f"not loaded: {ingest_settings.data_dir}/{line}")
        for line in report.sample_quarantine:
            context.log.warning(f"quarantined: {ingest_settings.data_dir}/{line}")
        if report.rows_quarantined > len(report.sample_quarantine):
            context.log.warning(
                f"... and {report.rows_quarantined - len(report.sample_quarantine)} more "
                "quarantined rows: SELECT * FROM audit.quarantine "
                f"WHERE source = '{source.name}' AND load_id = '{context.run_id}'"
            )
        metadata = {
            **table,
            "files_seen": report.files_seen,
            "files_not_yet_due": report.files_not_yet_due,
            "files_loaded": MetadataValue.md(
                "\n".join(f"- `{f}`" for f in report.files_loaded) or "none: no new or changed file"
            ),
            "files_unchanged": report.files_unchanged,
            "files_not_loaded": MetadataValue.md(
                "\n".join(f"- `{f}`" for f in report.files_passed) or "none"
            ),
            "rows_read": report.rows_read,
            "rows_staged": report.rows_staged,
            "rows_quarantined": report.rows_quarantined,
            "rows_duplicate": report.rows_duplicate,
        }
        if report.amount_read is not None:
            metadata["amount_read"] = amount_text(report.amount_read)
            metadata["amount_staged"] = amount_text(report.amount_staged)
        return MaterializeResult(metadata=metadata)

    return _ingest


raw_file_specs = [raw_files_spec(s) for s in SOURCES.values()]


def build_ingest_assets(partitions: DailyPartitionsDefinition = daily_partitions) -> list:
    """One staging asset per source, the daily sources partitioned by `partitions`."""
    return [build_ingest_asset(s, partitions) for s in SOURCES.values()]


ingest_assets = build_ingest_assets()
