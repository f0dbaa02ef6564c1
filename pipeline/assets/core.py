"""Core and marts layers: SQL models over staging that apply the metric contract (SPEC 1-6).

Each asset replaces its table ``<layer>.<name>`` with the result of ``sql/<layer>/<name>.sql`` in
one transaction; its description is that model's leading comment. Parameters come from
``MetricSettings``; each model receives the ones it names.
"""

from datetime import UTC, datetime

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline.assets.ingest import staging_key
from pipeline.ingest import parameters_used, read_sql, sql_header
from pipeline.resources import IngestSettings, MetricSettings, Warehouse


def core_key(name: str) -> AssetKey:
    return AssetKey(["core", name])


def replace_table(
    conn, schema: str, name: str, sql: str, parameters: dict, views_sql: str | None = None
) -> int:
    """Rebuild one model's table (and the views over it) atomically; returns its row count."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS {sql}", parameters)
        if views_sql:
            conn.execute(views_sql)
        rows = conn.execute(f"SELECT COUNT(*) FROM {schema}.{name}").fetchone()[0]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rows


def build_sql_asset(
    name: str,
    deps: list[AssetKey],
    summary_by: str,
    layer: str = "core",
    views: str | None = None,
) -> AssetsDefinition:
    """An asset for sql/<layer>/<name>.sql; `summary_by` is the column its metadata counts by;
    `views` names a SQL file of views over the table, rebuilt with it."""
    model = f"{layer}/{name}.sql"

    @asset(
        key=AssetKey([layer, name]),
        description=sql_header(model),
        group_name=layer,
        deps=deps,
        kinds={"duckdb"},
    )
    def _model(
        context: AssetExecutionContext,
        warehouse: Warehouse,
        metric_settings: MetricSettings,
        ingest_settings: IngestSettings,
    ) -> MaterializeResult:
        sql = read_sql(model)
        run_time = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        candidates = {
            **metric_settings.sql_parameters(run_time),
            "billing_cost_column": ingest_settings.billing_cost_column,
        }
        parameters = parameters_used(sql, candidates)
        with warehouse.get_connection() as conn:
            rows = replace_table(
                conn, layer, name, sql, parameters, read_sql(views) if views else None
            )
            summary = conn.execute(
                f"SELECT {summary_by}, COUNT(*) FROM {layer}.{name} GROUP BY 1 ORDER BY 1"
            ).fetchall()
        return MaterializeResult(
            metadata={
                "rows": rows,
                **{key: str(value) for key, value in parameters.items()},
                f"rows_by_{summary_by}": MetadataValue.md(
                    "\n".join(f"- {value}: {count}" for value, count in summary) or "none"
                ),
            }
        )

    return _model


core_assets = [
    build_sql_asset(
        "action_outcomes",
        deps=[staging_key("agent_actions"), staging_key("action_events")],
        summary_by="outcome",
    ),
    build_sql_asset(
        "llm_request_costs",
        deps=[staging_key("llm_requests"), staging_key("model_prices")],
        summary_by="cost_status",
    ),
    build_sql_asset(
        "session_roots",
        deps=[staging_key(s) for s in ("agent_actions", "llm_requests", "tool_calls")],
        summary_by="depth",
    ),
    build_sql_asset(
        "labour_costs",
        deps=[staging_key("time_entries"), staging_key("loaded_rates")],
        summary_by="cost_line",
    ),
    build_sql_asset(
        "cost_ledger",
        deps=[
            core_key("action_outcomes"),
            core_key("llm_request_costs"),
            core_key("session_roots"),
            core_key("labour_costs"),
            staging_key("tool_calls"),
            staging_key("billing_lines"),
            staging_key("consequence_records"),
        ],
        summary_by="cost_line",
    ),
    build_sql_asset(
        "action_failure_impact",
        deps=[core_key("action_outcomes"), core_key("cost_ledger")],
        summary_by="impact_basis",
    ),
    build_sql_asset(
        "showback_facts",
        deps=[
            core_key("cost_ledger"),
            core_key("action_outcomes"),
            core_key("action_failure_impact"),
            core_key("llm_request_costs"),
        ],
        summary_by="line",
    ),
]

mart_assets = [
    build_sql_asset(
        "showback",
        deps=[core_key("showback_facts")],
        summary_by="grain",
        layer="marts",
    ),
    build_sql_asset(
        "failure_impact_by_segment",
        deps=[core_key("action_outcomes"), core_key("action_failure_impact")],
        summary_by="impact_basis",
        layer="marts",
    ),
]
