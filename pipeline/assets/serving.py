"""Serving layer: what BI tools and analysts read.

- ``serving`` (asset ``serving/views``): the views in schema ``serving`` built by the files of
  ``sql/serving/``, with a comment on every view (its file's leading comment) and on every column
  (``sql/serving/columns.csv``);
- ``serving/published``: the published database, a separate DuckDB file holding every serving view
  as a table (and the table macro ``showback_between`` for any window of days), built beside the
  old one and swapped in with one rename once every blocking check has passed, so readers never
  see a half-built state and a reader holding it open never blocks a run;
- ``serving/parquet_export``: every published table as Parquet, hive-partitioned by month,
  published atomically by switching a ``current`` link to a fully written folder;
- ``serving/showback_report``: a self-contained HTML page for the latest month, from the published
  database.
"""

import csv
import json
import os
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.locks import exclusive, holder
from pipeline.resources import (
    WAREHOUSE_POOL,
    ServingSettings,
    Warehouse,
    also_on_failure,
    transaction,
)
from pipeline.run_state import decided_window, last_build, now_utc, record_build
from pipeline.sql_files import MACROS_DIR, SQL_DIR, quote_ident, read_sql, sql_header, sql_string

SERVING_DIR = SQL_DIR / "serving"

# The date column each serving view is partitioned by in the Parquet export.
PARTITION_DATE = {
    "unallocated_costs": "day",
    "failure_impact_by_agent_risk_grade": "month",
    "cost_allocation_focus": "ChargePeriodStart",
    "spend_forecast": "forecast_month",
    **{
        f"showback_{grain}_weekly": "week"
        for grain in ("fleet", "by_team", "by_agent", "by_task_type", "by_task")
    },
}

# The table macro any [from, to] window is read through (SPEC 11), created in the published
# database with the macros of sql/macros/ it calls, so any client of that file can use it.
WINDOW_MACRO = "showback_range.sql"


# Published tables whose rows dated before the run's recompute_from cannot have changed (each
# source they read is replaced from that day on); their partition_date column dates a row.
# Publishing starts from a copy of the last published file and replaces only their rows from
# that day, and the Parquet export rewrites only those months; every other table is republished
# whole. A week can start before recompute_from, so the weekly tables are republished whole.
WINDOWED_TABLES = frozenset(
    {
        *(
            f"showback_{grain}_{period}"
            for grain in ("fleet", "by_team", "by_agent", "by_task_type", "by_task")
            for period in ("daily", "monthly")
        ),
        "showback_daily_facts",
        "unallocated_costs",
        "failure_impact_by_agent_risk_grade",
        "cost_allocation_focus",
        "budget_status",
        "cost_anomalies",
        "runaway_chains",
    }
)


def serving_views(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'serving' ORDER BY 1"
        ).fetchall()
    ]


def published_tables(conn) -> list[str]:
    """The serving tables of a published database (its `publication` row aside)."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'serving' "
            "AND table_name <> 'publication' ORDER BY 1"
        ).fetchall()
    ]


def read_published(serving_settings: ServingSettings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database, as any reader would open it."""
    return duckdb.connect(serving_settings.published_database, read_only=True)


def partition_date(conn, view: str) -> str:
    if view in PARTITION_DATE:
        return PARTITION_DATE[view]
    columns = {
        c
        for (c,) in conn.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE schema_name = 'serving' AND table_name = $view",
            {"view": view},
        ).fetchall()
    }
    return "day" if "day" in columns else "month"


@asset(
    key=AssetKey(["serving", "views"]),
    description="One row per view of schema `serving`: the stable, documented tables BI tools "
    "read (showback by fleet / team / agent / task type / task, daily, weekly and monthly, and "
    "the daily facts they sum, with the table macro showback_between(from_day, to_day) for any "
    "other window; unallocated "
    "costs and why; failure impact by agent and risk grade; the FOCUS-shaped allocation; cost per "
    "accepted change by month and team, with the changes and repair candidates behind it).",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[
        AssetKey(["marts", "showback"]),
        AssetKey(["marts", "failure_impact_by_segment"]),
        AssetKey(["core", "cost_ledger"]),
        AssetKey(["marts", "change_showback"]),
        AssetKey(["core", "change_outcomes"]),
        AssetKey(["core", "change_repair_candidates"]),
        AssetKey(["marts", "budget_status"]),
        AssetKey(["marts", "cost_anomalies"]),
        AssetKey(["marts", "runaway_chains"]),
        AssetKey(["marts", "spend_forecast"]),
    ],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def serving_views_asset(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    descriptions = {
        row["column_name"]: row["description"]
        for row in csv.DictReader((SERVING_DIR / "columns.csv").open())
    }
    with warehouse.get_connection() as conn, transaction(conn):
        conn.execute("CREATE SCHEMA IF NOT EXISTS serving")
        # in name order: showback_range.sql's macro reads showback_daily_facts.sql's view and
        # showback_views.sql's weekly views call the macro
        for path in sorted(SERVING_DIR.glob("*.sql")):
            conn.execute(read_sql(f"serving/{path.name}"))
        views = serving_views(conn)
        for view in views:
            source = next(
                (p for p in SERVING_DIR.glob("*.sql") if f"serving.{view} " in p.read_text()),
            )
            conn.execute(
                f"COMMENT ON VIEW serving.{quote_ident(view)} IS "
                + sql_string(sql_header(f"serving/{source.name}"))
            )
        columns = conn.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'serving' ORDER BY 1, 2"
        ).fetchall()
        # a '<view>.<column>' row describes that view's column; a bare name every other
        described = {(v, c): descriptions.get(f"{v}.{c}", descriptions.get(c)) for v, c in columns}
        undocumented = sorted({c for (v, c), text in described.items() if text is None})
        if undocumented:
            raise ValueError(
                "serving columns without a description in sql/serving/columns.csv: "
                + ", ".join(undocumented)
            )
        for view, column in columns:
            conn.execute(
                f"COMMENT ON COLUMN serving.{quote_ident(view)}.{quote_ident(column)} IS "
                + sql_string(described[(view, column)])
            )
    return MaterializeResult(
        metadata={
            "views": MetadataValue.md("\n".join(f"- `serving.{v}`" for v in views)),
            "columns_documented": len(columns),
        }
    )


PUBLICATION = """
    SELECT
        CAST($run_id AS VARCHAR) AS run_id,
        CAST($published_at AS TIMESTAMP) AS published_at,
        CAST($as_of AS TIMESTAMP) AS as_of,
        CAST($recompute_from AS DATE) AS recomputed_from,
        CAST($full_rebuild AS BOOLEAN) AS full_rebuild,
        CAST($previous_run_id AS VARCHAR) AS previous_run_id,
        CAST($tables_republished_whole AS VARCHAR[]) AS tables_republished_whole
"""


def _columns(conn, database: str, table: str) -> list[tuple]:
    return conn.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = $database "
        "AND schema_name = 'serving' AND table_name = $table ORDER BY column_index",
        {"database": database, "table": table},
    ).fetchall()


def _previous_publication(conn, target: Path) -> str | None:
    """The run id of the last published build when `target` is still that build's file."""
    last = last_build(conn)
    if last is None or not target.exists() or last["published_database"] != str(target.resolve()):
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as published:
            in_file = published.execute("SELECT run_id FROM serving.publication").fetchone()
    except duckdb.Error:
        return None
    return last["run_id"] if in_file and in_file[0] == last["run_id"] else None


def _create_window_macro(conn, warehouse_name: str) -> None:
    """showback_between (and the macros it calls) in the published database's default schema,
    so `SELECT * FROM showback_between(DATE '2026-10-01', DATE '2026-10-07')` works from any
    client of that file; it reads the published serving.showback_daily_facts."""
    conn.execute("USE publish_target")
    try:
        for macro in sorted(MACROS_DIR.glob("*.sql")):
            conn.execute(macro.read_text())
        conn.execute(read_sql(f"serving/{WINDOW_MACRO}"))
    finally:
        conn.execute(f"USE {quote_ident(warehouse_name)}")


@asset(
    key=AssetKey(["serving", "published"]),
    description="The published database (ServingSettings.published_database): every serving "
    "view as a table with its comments, and one row in serving.publication saying when it was "
    "published and as of when outcomes were judged, and the table macro "
    "showback_between(from_day, to_day) over its daily facts. Built into a new file beside the "
    "old one "
    "and renamed over it only after the run's blocking checks passed: a failed or killed run "
    "leaves the last good file in place, and a reader holding the old file open keeps reading "
    "it until it reconnects. Records the build in audit.builds, which closes the changes it "
    "consumed.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "views"])],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def published_database(
    context: AssetExecutionContext, warehouse: Warehouse, serving_settings: ServingSettings
) -> MaterializeResult:
    target = Path(serving_settings.published_database)
    target.parent.mkdir(parents=True, exist_ok=True)
    # One publish at a time per published database, whichever warehouse it comes from.
    with exclusive(
        publish_lock_path(target),
        holder(context.run.run_id, context.run.job_name),
        f"The published database {target}",
        warehouse.lock_wait_seconds,
    ):
        removed = remove_left_behind(target)
        if removed:
            context.log.info("removed what killed publishes left: " + ", ".join(removed))
        building = target.with_name(f".{target.name}.{context.run.run_id[:8]}.building")
        try:
            return _publish(context, warehouse, target, building, removed)
        except BaseException as error:
            also_on_failure(error, f"removing {building.name}", lambda: _remove(building))
            raise


def publish_lock_path(target: Path) -> Path:
    """The lock file a run holds while it publishes to `target`."""
    return target.with_name(f"{target.name}.lock")


def _remove(building: Path) -> None:
    """A publish's file being built and what DuckDB keeps beside it (its .wal)."""
    for path in building.parent.glob(f"{building.name}*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def remove_left_behind(target: Path) -> list[str]:
    """Remove the `.building` files of publishes to `target` that are no longer running, with
    their write-ahead logs (`.building.wal`), and return their names. Called with the publish
    lock held: every publish holds it from before it creates its file until that file is renamed
    over `target` or removed, so every such file found now is a killed run's."""
    left = sorted(target.parent.glob(f".{target.name}.*.building*"))
    for path in left:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return [path.name for path in left]


def _publish(
    context: AssetExecutionContext,
    warehouse: Warehouse,
    target: Path,
    building: Path,
    removed: list[str],
) -> MaterializeResult:
    published_at = now_utc()
    rows, republished = {}, {}
    with warehouse.get_connection() as conn:
        window = decided_window(conn, context.run.run_id)
        # Start from the last published file when this run recomputed only a window of it.
        previous_run_id = (
            _previous_publication(conn, target) if window and not window["full_rebuild"] else None
        )
        if previous_run_id:
            shutil.copyfile(target, building)
        conn.execute(f"ATTACH {sql_string(str(building))} AS publish_target")
        try:
            conn.execute("CREATE SCHEMA IF NOT EXISTS publish_target.serving")
            conn.execute("DROP TABLE IF EXISTS publish_target.serving.publication")
            views = serving_views(conn)
            for (stale,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'publish_target' "
                "AND schema_name = 'serving'"
            ).fetchall():
                if stale not in views:
                    conn.execute(f"DROP TABLE publish_target.serving.{quote_ident(stale)}")
            whole = []
            warehouse_name = conn.execute("SELECT current_database()").fetchone()[0]
            for view in views:
                name = quote_ident(view)
                windowed = (
                    previous_run_id is not None
                    and view in WINDOWED_TABLES
                    and _columns(conn, "publish_target", view)
                    == _columns(conn, warehouse_name, view)
                )
                if windowed:
                    day = quote_ident(partition_date(conn, view))
                    in_window = f"{day} >= $first_day OR {day} IS NULL"
                    conn.execute(
                        f"DELETE FROM publish_target.serving.{name} WHERE {in_window}",
                        {"first_day": window["recompute_from"]},
                    )
                    republished[view] = conn.execute(
                        f"INSERT INTO publish_target.serving.{name} "
                        f"SELECT * FROM serving.{name} WHERE {in_window}",
                        {"first_day": window["recompute_from"]},
                    ).fetchone()[0]
                else:
                    whole.append(view)
                    conn.execute(f"DROP TABLE IF EXISTS publish_target.serving.{name}")
                    conn.execute(
                        f"CREATE TABLE publish_target.serving.{name} AS "
                        f"SELECT * FROM serving.{name}"
                    )
                rows[view] = conn.execute(
                    f"SELECT COUNT(*) FROM publish_target.serving.{name}"
                ).fetchone()[0]
                republished.setdefault(view, rows[view])
                comment = conn.execute(
                    "SELECT comment FROM duckdb_views() "
                    "WHERE schema_name = 'serving' AND view_name = $view",
                    {"view": view},
                ).fetchone()[0]
                if comment:
                    conn.execute(
                        f"COMMENT ON TABLE publish_target.serving.{name} IS {sql_string(comment)}"
                    )
                for column, text in conn.execute(
                    "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = "
                    "current_database() AND schema_name = 'serving' AND table_name = $view "
                    "AND comment IS NOT NULL",
                    {"view": view},
                ).fetchall():
                    conn.execute(
                        f"COMMENT ON COLUMN publish_target.serving.{name}.{quote_ident(column)} "
                        f"IS {sql_string(text)}"
                    )
            conn.execute(
                "CREATE TABLE publish_target.serving.publication AS " + PUBLICATION,
                {
                    "run_id": context.run.run_id,
                    "published_at": published_at,
                    "as_of": window["as_of"] if window else None,
                    "recompute_from": window["recompute_from"] if window else None,
                    "full_rebuild": window["full_rebuild"] if window else None,
                    "previous_run_id": previous_run_id,
                    "tables_republished_whole": whole,
                },
            )
            conn.execute(
                "COMMENT ON TABLE publish_target.serving.publication IS "
                "'One row: the run that published this database, when, and the time outcomes "
                "were judged at (as_of).'"
            )
            _create_window_macro(conn, warehouse_name)
        except BaseException as error:
            also_on_failure(
                error,
                "detaching the file being built",
                lambda: conn.execute("DETACH publish_target"),
            )
            raise
        conn.execute("DETACH publish_target")
        # One rename: readers opening the path see the old file or the new one, never a mix.
        os.replace(building, target)
        if window:
            record_build(conn, context.run.run_id, published_at, window, str(target.resolve()))
    return MaterializeResult(
        metadata={
            "published_database": str(target.resolve()),
            "as_of": str(window["as_of"]) if window else "not recomputed in this run",
            "size_bytes": target.stat().st_size,
            "started_from": f"the file of run {previous_run_id}" if previous_run_id else "empty",
            "rows": MetadataValue.md("\n".join(f"- {v}: {n}" for v, n in rows.items())),
            "rows_written": MetadataValue.md(
                "\n".join(f"- {v}: {n}" for v, n in republished.items())
            ),
            "removed_left_behind": MetadataValue.md(
                "\n".join(f"- {name}" for name in removed) or "nothing"
            ),
        }
    )


# Written last into each export folder: the publication (run) it holds.
EXPORT_MANIFEST = "_publication.json"


def _previous_export(root: Path, publication: dict) -> Path | None:
    """The current export folder when it holds the build this publication started from."""
    current = root / "current"
    if not publication["previous_run_id"] or not (current / EXPORT_MANIFEST).is_file():
        return None
    exported = json.loads((current / EXPORT_MANIFEST).read_text())
    return current.resolve() if exported.get("run_id") == publication["previous_run_id"] else None


def _link_months_before(previous: Path, target: Path, first_month: str) -> int:
    """Hard-link the previous export's month partitions before `first_month` into `target` (a
    copy where links are not possible); returns how many months were kept."""
    kept = 0
    for folder in sorted(previous.glob("period_month=*")):
        month = folder.name.removeprefix("period_month=")
        if month == "__HIVE_DEFAULT_PARTITION__" or month >= first_month:
            continue
        (target / folder.name).mkdir(parents=True, exist_ok=True)
        for file in folder.iterdir():
            try:
                os.link(file, target / folder.name / file.name)
            except OSError:
                shutil.copy2(file, target / folder.name / file.name)
        kept += 1
    return kept


@asset(
    key=AssetKey(["serving", "parquet_export"]),
    description="One Parquet dataset per published serving table under "
    "<export_dir>/current/<view>/, "
    "hive-partitioned by month (period_month=YYYY-MM). Each run writes a new folder and then "
    "switches the `current` link to it in one rename, so readers see the old or the new export, "
    "never a half-written one.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "published"])],
    kinds={"parquet"},
)
def parquet_export(
    context: AssetExecutionContext, serving_settings: ServingSettings
) -> MaterializeResult:
    root = Path(serving_settings.export_dir)
    runs = root / "runs"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = runs / f"{stamp}-{context.run.run_id[:8]}"
    target.mkdir(parents=True)
    rows, linked_months = {}, {}
    with read_published(serving_settings) as conn:
        publication = dict(
            zip(
                ("run_id", "previous_run_id", "recomputed_from", "whole"),
                conn.execute(
                    "SELECT run_id, previous_run_id, recomputed_from, tables_republished_whole "
                    "FROM serving.publication"
                ).fetchone(),
                strict=True,
            )
        )
        previous = _previous_export(root, publication)
        for view in published_tables(conn):
            date_column = quote_ident(partition_date(conn, view))
            # A windowed table's months before the window are the previous export's files.
            first_month = (
                publication["recomputed_from"].strftime("%Y-%m")
                if previous is not None
                and view in WINDOWED_TABLES
                and view not in publication["whole"]
                and (previous / view).is_dir()
                else None
            )
            conn.execute(
                f"COPY (SELECT *, strftime({date_column}, '%Y-%m') AS period_month "
                f"FROM serving.{quote_ident(view)} "
                f"WHERE $first_month IS NULL OR {date_column} IS NULL "
                f"OR strftime({date_column}, '%Y-%m') >= $first_month"
                ") TO $path (FORMAT parquet, PARTITION_BY (period_month), OVERWRITE_OR_IGNORE)",
                {"path": str(target / view), "first_month": first_month},
            )
            if first_month is not None:
                linked_months[view] = _link_months_before(
                    previous / view, target / view, first_month
                )
            rows[view] = conn.execute(
                f"SELECT COUNT(*) FROM serving.{quote_ident(view)}"
            ).fetchone()[0]
            if rows[view] == 0:
                # an empty table still has its columns: one zero-row file in Hive's partition
                # for no value, so readers find the schema and the layout stays one of partitions
                empty = target / view / "period_month=__HIVE_DEFAULT_PARTITION__"
                empty.mkdir(parents=True, exist_ok=True)
                conn.execute(
                    f"COPY (SELECT * FROM serving.{quote_ident(view)} WHERE false) TO $path "
                    "(FORMAT parquet)",
                    {"path": str(empty / "empty.parquet")},
                )
    (target / EXPORT_MANIFEST).write_text(json.dumps({"run_id": publication["run_id"]}))
    # Publish: point a fresh link at the new folder, then rename it over `current` (atomic).
    link = root / f".current-{stamp}"
    link.symlink_to(target.relative_to(root))
    os.replace(link, root / "current")
    for old in sorted(runs.iterdir())[: -serving_settings.exports_kept]:
        shutil.rmtree(old)
    return MaterializeResult(
        metadata={
            "export_dir": str((root / "current").resolve()),
            "started_from": str(previous) if previous is not None else "nothing",
            "months_kept_from_previous_export": MetadataValue.md(
                "\n".join(f"- {v}: {n}" for v, n in linked_months.items()) or "none"
            ),
            "rows": MetadataValue.md("\n".join(f"- {v}: {n}" for v, n in rows.items())),
        }
    )


def _rows(conn, sql: str, parameters: dict | None = None) -> list[dict]:
    cursor = conn.execute(sql, parameters or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _money(value) -> str:
    return "n/a" if value is None else f"{Decimal(value).quantize(Decimal('0.01')):,}"


def _percent(value) -> str:
    return "n/a" if value is None else f"{(Decimal(value) * 100).quantize(Decimal('0.1'))} %"


def _number(value) -> str:
    return "n/a" if value is None else f"{Decimal(value).normalize():f}"


LINES = (
    ("inference", "Inference"),
    ("tool", "Tools and APIs"),
    ("infrastructure", "Infrastructure"),
    ("oversight", "Oversight"),
    ("remediation", "Remediation"),
    ("failed_run", "Failed runs"),
    ("failure_impact", "Failure impact"),
)


def _report_content(conn, month) -> dict:
    """Everything the report shows for one month, read from the serving views."""
    period = {"month": month}
    headline = _rows(
        conn, "SELECT * FROM serving.showback_fleet_monthly WHERE month = $month", period
    )[0]
    days = _rows(
        conn,
        "SELECT * FROM serving.showback_fleet_daily "
        "WHERE date_trunc('month', day) = $month ORDER BY day",
        period,
    )
    tops = [
        (
            title,
            _rows(
                conn,
                f"SELECT {column} AS owner, * FROM serving.{view} WHERE month = $month "
                "ORDER BY total_cost_usd DESC, owner LIMIT 10",
                period,
            ),
        )
        for title, column, view in (
            ("teams", "team_id", "showback_by_team_monthly"),
            ("agents", "agent_id", "showback_by_agent_monthly"),
            ("task types", "task_type", "showback_by_task_type_monthly"),
        )
    ]
    unallocated = _rows(
        conn,
        "SELECT source, unallocated_reason, SUM(unallocated_cost_usd) AS usd "
        "FROM serving.unallocated_costs WHERE date_trunc('month', day) = $month "
        "GROUP BY ALL ORDER BY usd DESC",
        period,
    )
    largest = max(abs(Decimal(headline[f"{key}_cost_usd"])) for key, _ in LINES) or Decimal(1)
    lines = [
        {
            "label": label,
            "amount": headline[f"{key}_cost_usd"],
            "share": headline[f"{key}_share"],
            # bar length in pixels: presentation only
            "width": int(560 * abs(Decimal(headline[f"{key}_cost_usd"])) / largest),
        }
        for key, label in LINES
    ]
    changes = _rows(
        conn,
        "SELECT 'all teams' AS owner, * FROM serving.cost_per_accepted_change_monthly "
        "WHERE month = $month UNION ALL "
        "SELECT team_id, * EXCLUDE (team_id) "
        "FROM serving.cost_per_accepted_change_by_team_monthly WHERE month = $month "
        "ORDER BY owner = 'all teams' DESC, owner",
        period,
    )
    budgets = _rows(
        conn,
        "SELECT * FROM serving.budget_status WHERE month = $month "
        "ORDER BY status = 'within budget', scope, scope_id",
        period,
    )
    anomalies = _rows(
        conn,
        "SELECT * FROM serving.cost_anomalies WHERE date_trunc('month', day) = $month "
        "ORDER BY day DESC, ratio_to_baseline DESC LIMIT 20",
        period,
    )
    chains = _rows(
        conn,
        "SELECT * FROM serving.runaway_chains WHERE date_trunc('month', day) = $month "
        "ORDER BY cost_burned_usd DESC, day DESC LIMIT 20",
        period,
    )
    return {
        "headline": headline,
        "lines": lines,
        "days": days,
        "tops": tops,
        "unallocated": unallocated,
        "changes": changes,
        "budgets": budgets,
        "anomalies": anomalies,
        "chains": chains,
    }


@asset(
    key=AssetKey(["serving", "showback_report"]),
    description="One self-contained HTML page (no network needed) for the latest month: the "
    "three headline figures, the seven lines as a chart, the trend by day, top teams / agents / "
    "task types, failure impact observed vs estimated, coverage and unallocated spend, cost per "
    "accepted change by team, budgets, cost anomalies and runaway chains, with provisional "
    "windows marked. Every number is read from the serving views.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "published"])],
    kinds={"html"},
)
def showback_report(
    context: AssetExecutionContext, serving_settings: ServingSettings
) -> MaterializeResult:
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    with read_published(serving_settings) as conn:
        month = conn.execute("SELECT MAX(month) FROM serving.showback_fleet_monthly").fetchone()[0]
        page = _report_content(conn, month) if month is not None else {"headline": None}
    html = environment.get_template("showback_report.html").render(
        month=month.strftime("%B %Y") if month else "no data yet",
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        database=Path(serving_settings.published_database).name,
        money=_money,
        percent=_percent,
        number=_number,
        **page,
    )
    path = Path(serving_settings.report_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(html)
    os.replace(partial, path)  # readers see the old page or the new one
    return MaterializeResult(
        metadata={
            "path": str(path.resolve()),
            "month": str(month),
            "cost_per_accepted_action": _money(
                page["headline"]["cost_per_accepted_action"] if page["headline"] else None
            ),
        }
    )


serving_assets = [serving_views_asset, published_database, parquet_export, showback_report]
