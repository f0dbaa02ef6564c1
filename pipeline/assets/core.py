"""Core and marts layers: SQL models over staging that apply the metric contract (SPEC 1-6).

Each model is ``sql/<layer>/<name>.sql`` and one asset. The models are partitioned by day like the
event sources, but a day's run does not rebuild only that day: outcomes and costs of a day move
after it (survival windows, late refunds, restated billing, late rows). So each run first decides
its *recompute window* (``core/recompute_window``, ``sql/core/recompute_window.sql``): the first
day that can have changed since the last published build. Every model then replaces its rows
from that day on, in one transaction, and keeps the rows before it, which cannot have changed.
Record-grain models (one row per request, time entry or billing line day, ``RECORD_MODELS``) depend
on nothing but their own inputs, so they use a narrower window, ``records_from``: the first day
their inputs changed. A day's run prices that day's records, not a month of them.
The first run, a run after the models' SQL or the metric settings changed, and a run that finds a
model table missing rebuild everything. A table without a day (``core.session_roots``) is always
rebuilt whole.

Outcomes are judged as of ``MetricSettings.as_of`` when set, else the end of the run's last day,
or the as_of of the last published build if that is later: re-running an old day never winds
the warehouse back in time, so re-running any day gives the tables the latest run gave, and a
backfill of a range gives the tables daily runs over that range give.
"""

from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline.assets.ingest import staging_key
from pipeline.partitions import daily_partitions
from pipeline.resources import (
    WAREHOUSE_POOL,
    ComputeEngine,
    IngestSettings,
    MetricSettings,
    Warehouse,
    transaction,
)
from pipeline.run_state import RecomputeWindow, recompute_window
from pipeline.sources import SOURCES
from pipeline.spark import run_on_spark
from pipeline.sql_files import parameters_used, read_sql, sql_header, table_exists

# Every model, with the day column its rows are replaced by (None: rebuilt whole each run).
MODELS: dict[str, str | None] = {
    "core/action_outcomes": "attempted_date",
    # events dated before their action's attempt: few, and their action may arrive in any run
    "core/action_events_before_attempt": None,
    "core/llm_request_costs": "requested_date",
    "core/session_roots": None,
    "core/labour_costs": "work_date",
    "core/billing_line_days": "cost_date",
    "core/cost_ledger": "cost_date",
    "core/action_failure_impact": "attempted_date",
    "core/showback_facts": "day",
    "marts/showback": "period_start",
    "marts/failure_impact_by_segment": "month",
    # cost per accepted change: pull requests are few, so their models are rebuilt whole
    "core/change_files": None,
    "core/change_outcomes": None,
    "core/change_repair_candidates": None,
    "core/change_costs": "cost_date",
    "marts/change_showback": None,
    # operate: budgets, anomalies, runaway chains, forecast
    "marts/budget_status": "month",
    "marts/cost_anomalies": "day",
    "marts/runaway_chains": "day",
    "marts/spend_forecast": None,
}

# Models at the grain of one source record whose rows depend only on their own inputs (records,
# prices, rates): they are recomputed from `records_from`, the first day those inputs changed,
# instead of from the month-aligned `recompute_from` that outcomes and month rows need.
RECORD_MODELS = frozenset({"core/llm_request_costs", "core/labour_costs", "core/billing_line_days"})

# Models whose rows are replaced by another window than their day column from recompute_from:
# the cost ledger replaces its consequence parts by record (`consequences_from`: the parts of
# records dated from then, and parts dated from then) and every other part from `ledger_from`;
# its cost facts and the runaway chains (a day's steps) use `ledger_from`
# (sql/core/recompute_window.sql says why). Each predicate matches the rows its SQL writes.
WINDOW_PREDICATES = {
    "core/cost_ledger": (
        "CASE WHEN source = 'consequence_records'"
        " THEN source_date >= $consequences_from OR cost_date >= $consequences_from"
        " ELSE cost_date >= $ledger_from END"
    ),
    "marts/runaway_chains": "day >= $ledger_from",
    "core/showback_facts": (
        "day >= $recompute_from AND (fact_kind <> 'cost' OR day >= $ledger_from)"
    ),
}


def first_day(window: RecomputeWindow, model: str) -> date:
    """The first day whose rows `model` replaces in this run."""
    return window.records_from if model in RECORD_MODELS else window.recompute_from


def core_key(name: str) -> AssetKey:
    return AssetKey(["core", name])


@asset(
    key=core_key("recompute_window"),
    description=sql_header("core/recompute_window.sql"),
    group_name="core",
    deps=[staging_key(name) for name in SOURCES],
    kinds={"duckdb"},
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
)
def recompute_window_asset(
    context: AssetExecutionContext,
    warehouse: Warehouse,
    metric_settings: MetricSettings,
    ingest_settings: IngestSettings,
) -> MaterializeResult:
    with warehouse.get_connection() as conn:
        window = recompute_window(
            conn, context.run.run_id, context.run.tags, metric_settings, ingest_settings, MODELS
        )
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


def replace_rows(
    conn,
    model: str,
    sql: str,
    parameters: dict,
    day_column: str | None,
    window: RecomputeWindow,
) -> tuple[int, int]:
    """Replace a model's rows from the window's first day (all rows on a full rebuild, or for a
    table without a day) in one transaction; returns (rows written, rows in the table)."""
    schema, name = model.split("/")
    table = f"{schema}.{name}"
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    whole = day_column is None or window.full_rebuild or not table_exists(conn, schema, name)
    with transaction(conn):
        if whole:
            conn.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}", parameters)
            written = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        else:
            predicate = WINDOW_PREDICATES.get(model, f"{day_column} >= $recompute_from")
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
        total = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return written, total


def build_sql_asset(
    name: str, deps: list[AssetKey], summary_by: str, layer: str = "core"
) -> AssetsDefinition:
    """An asset for sql/<layer>/<name>.sql; `summary_by` is the column its metadata counts by."""
    model = f"{layer}/{name}"
    day_column = MODELS[model]

    @asset(
        key=AssetKey([layer, name]),
        description=sql_header(f"{model}.sql"),
        group_name=layer,
        deps=[*deps, core_key("recompute_window")],
        kinds={"duckdb"},
        partitions_def=daily_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
    )
    def _model(
        context: AssetExecutionContext,
        warehouse: Warehouse,
        metric_settings: MetricSettings,
        ingest_settings: IngestSettings,
        compute_engine: ComputeEngine,
    ) -> MaterializeResult:
        sql = read_sql(f"{model}.sql")
        with warehouse.get_connection() as conn:
            window = recompute_window(
                conn,
                context.run.run_id,
                context.run.tags,
                metric_settings,
                ingest_settings,
                MODELS,
            )
            candidates = {
                **metric_settings.sql_parameters(window.as_of_text),
                "billing_cost_column": ingest_settings.billing_cost_column,
                "recompute_from": first_day(window, model),
                "ledger_from": window.ledger_from,
                "consequences_from": window.consequences_from,
            }
            parameters = parameters_used(sql, candidates)
            rows_sql, rows_parameters, engine_seconds = sql, parameters, {}
            if compute_engine.engine == "spark":
                rows_sql, rows_parameters, engine_seconds = run_on_spark(
                    conn, compute_engine, model, sql, parameters, context.run.run_id
                )
            written, total = replace_rows(
                conn, model, rows_sql, rows_parameters, day_column, window
            )
            summary = conn.execute(
                f"SELECT {summary_by}, COUNT(*) FROM {layer}.{name} GROUP BY 1 ORDER BY 1"
            ).fetchall()
        return MaterializeResult(
            metadata={
                "rows": total,
                "rows_recomputed": written,
                "engine": compute_engine.engine,
                **engine_seconds,
                "recomputed_from": "everything"
                if window.full_rebuild or day_column is None
                else "nothing changed"
                if first_day(window, model) == date.max
                else str(first_day(window, model)),
                **{key: str(value) for key, value in parameters.items() if key != "recompute_from"},
                f"rows_by_{summary_by}": MetadataValue.md(
                    "\n".join(f"- {value}: {count}" for value, count in summary) or "none"
                ),
            }
        )

    return _model


core_assets = [
    recompute_window_asset,
    build_sql_asset(
        "action_outcomes",
        deps=[staging_key("agent_actions"), staging_key("action_events")],
        summary_by="outcome",
    ),
    build_sql_asset(
        "action_events_before_attempt",
        deps=[staging_key("agent_actions"), staging_key("action_events")],
        summary_by="event_type",
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
        "billing_line_days",
        deps=[staging_key("billing_lines")],
        summary_by="cost_date",
    ),
    build_sql_asset(
        "cost_ledger",
        deps=[
            core_key("action_outcomes"),
            core_key("llm_request_costs"),
            core_key("session_roots"),
            core_key("labour_costs"),
            core_key("billing_line_days"),
            staging_key("tool_calls"),
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
    build_sql_asset(
        "change_files",
        deps=[staging_key("pull_requests")],
        summary_by="is_excluded",
    ),
    build_sql_asset(
        "change_outcomes",
        deps=[
            staging_key("pull_requests"),
            staging_key("repository_teams"),
            core_key("change_files"),
        ],
        summary_by="outcome",
    ),
    build_sql_asset(
        "change_repair_candidates",
        deps=[core_key("change_outcomes"), core_key("change_files")],
        summary_by="repository",
    ),
    build_sql_asset(
        "change_costs",
        deps=[core_key("cost_ledger")],
        summary_by="cost_line",
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
    build_sql_asset(
        "change_showback",
        deps=[
            core_key("change_costs"),
            core_key("change_outcomes"),
            core_key("change_repair_candidates"),
        ],
        summary_by="grain",
        layer="marts",
    ),
    build_sql_asset(
        "budget_status",
        deps=[staging_key("budgets"), AssetKey(["marts", "showback"])],
        summary_by="status",
        layer="marts",
    ),
    build_sql_asset(
        "cost_anomalies",
        deps=[AssetKey(["marts", "showback"]), core_key("action_outcomes")],
        summary_by="metric",
        layer="marts",
    ),
    build_sql_asset(
        "runaway_chains",
        deps=[
            core_key("session_roots"),
            core_key("llm_request_costs"),
            staging_key("tool_calls"),
        ],
        summary_by="reasons",
        layer="marts",
    ),
    build_sql_asset(
        "spend_forecast",
        deps=[AssetKey(["marts", "showback"])],
        summary_by="grain",
        layer="marts",
    ),
]
