"""Core layer: SQL models over staging that apply the metric contract (SPEC sections 3-5).

Each asset replaces its table ``core.<name>`` with the result of ``sql/core/<name>.sql`` in one
transaction; its description is that model's leading comment.
"""

from datetime import UTC, datetime

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from pipeline.assets.ingest import staging_key
from pipeline.ingest import read_sql, sql_header
from pipeline.resources import MetricSettings, Warehouse


def replace_table(conn, schema: str, name: str, sql: str, parameters: dict) -> int:
    """Rebuild one model's table atomically; returns its row count."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS {sql}", parameters)
        rows = conn.execute(f"SELECT COUNT(*) FROM {schema}.{name}").fetchone()[0]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rows


@asset(
    key=AssetKey(["core", "action_outcomes"]),
    description=sql_header("core/action_outcomes.sql"),
    group_name="core",
    deps=[staging_key("agent_actions"), staging_key("action_events")],
    kinds={"duckdb"},
)
def action_outcomes(
    context: AssetExecutionContext, warehouse: Warehouse, metric_settings: MetricSettings
) -> MaterializeResult:
    parameters = metric_settings.outcome_parameters(
        datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    )
    with warehouse.get_connection() as conn:
        rows = replace_table(
            conn, "core", "action_outcomes", read_sql("core/action_outcomes.sql"), parameters
        )
        by_outcome = conn.execute(
            "SELECT outcome, COUNT(*), SUM(accepted_units) FROM core.action_outcomes "
            "GROUP BY outcome ORDER BY outcome"
        ).fetchall()
    return MaterializeResult(
        metadata={
            "rows": rows,
            "as_of": parameters["as_of"],
            "survival_window_days": parameters["survival_window_days"],
            "by_outcome": MetadataValue.md(
                "| outcome | actions | accepted units |\n|---|---|---|\n"
                + "\n".join(f"| {o} | {n} | {u} |" for o, n, u in by_outcome)
            ),
        }
    )


core_assets = [action_outcomes]
