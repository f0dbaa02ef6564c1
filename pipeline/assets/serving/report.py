"""The showback report (asset ``serving/showback_report``): one self-contained HTML page for the
latest month, every number read from the published database.
"""

import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MaterializeResult,
    asset,
)
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.assets.serving.publishing import published_rows, read_published
from pipeline.resources import ServingSettings
from pipeline.sql_files import quote_ident
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse

# The page's template: pipeline/templates/showback_report.html.
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def _money(value) -> str:
    return "n/a" if value is None else f"{Decimal(value).quantize(Decimal('0.01')):,}"


def _percent(value) -> str:
    return "n/a" if value is None else f"{(Decimal(value) * 100).quantize(Decimal('0.1'))} %"


def _number(value) -> str:
    return "n/a" if value is None else f"{Decimal(value).normalize():f}"


def _ratio(value) -> str:
    """A ratio (requests or tokens per action) for reading, to two decimals."""
    return "n/a" if value is None else f"{Decimal(value):,.2f}"


def _largest(amounts) -> Decimal:
    """The largest amount by size, the scale of a chart's bars (1 when all are 0)."""
    return max((abs(Decimal(a)) for a in amounts), default=Decimal(0)) or Decimal(1)


def _bar(amount, largest: Decimal, pixels: int) -> int:
    """A bar's length in pixels for an amount, the largest drawn `pixels` long: presentation
    only, never a figure."""
    return int(pixels * abs(Decimal(amount)) / largest)


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
    headline = published_rows(
        conn, "SELECT * FROM serving.showback_fleet_monthly WHERE month = $month", period
    )[0]
    days = published_rows(
        conn,
        "SELECT * FROM serving.showback_fleet_daily "
        "WHERE date_trunc('month', day) = $month ORDER BY day",
        period,
    )
    largest_day = _largest(d["total_cost_usd"] for d in days)
    trend = [{**day, "height": _bar(day["total_cost_usd"], largest_day, 120)} for day in days]
    weeks = published_rows(
        conn,
        "SELECT * FROM serving.showback_fleet_weekly "
        "WHERE week < $month + INTERVAL 1 MONTH AND week + INTERVAL 7 DAY > $month ORDER BY week",
        period,
    )
    publication = published_rows(conn, "SELECT as_of FROM serving.publication")
    tops = [
        (
            title,
            published_rows(
                conn,
                f"SELECT {quote_ident(column)} AS owner, * FROM serving.{quote_ident(view)} "
                "WHERE month = $month "
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
    unallocated = published_rows(
        conn,
        "SELECT source, unallocated_reason, SUM(unallocated_cost_usd) AS usd "
        "FROM serving.unallocated_costs WHERE date_trunc('month', day) = $month "
        "GROUP BY ALL ORDER BY usd DESC",
        period,
    )
    largest = _largest(headline[f"{key}_cost_usd"] for key, _ in LINES)
    lines = [
        {
            "label": label,
            "amount": headline[f"{key}_cost_usd"],
            "share": headline[f"{key}_share"],
            "width": _bar(headline[f"{key}_cost_usd"], largest, 560),
        }
        for key, label in LINES
    ]
    changes = published_rows(
        conn,
        "SELECT 'all teams' AS owner, * FROM serving.cost_per_accepted_change_monthly "
        "WHERE month = $month UNION ALL "
        "SELECT team_id, * EXCLUDE (team_id) "
        "FROM serving.cost_per_accepted_change_by_team_monthly WHERE month = $month "
        "ORDER BY owner = 'all teams' DESC, owner",
        period,
    )
    budgets = published_rows(
        conn,
        "SELECT * FROM serving.budget_status WHERE month = $month "
        "ORDER BY status = 'within budget', scope, scope_id",
        period,
    )
    anomalies = published_rows(
        conn,
        "SELECT * FROM serving.cost_anomalies WHERE date_trunc('month', day) = $month "
        "ORDER BY day DESC, ratio_to_baseline DESC LIMIT 20",
        period,
    )
    chains = published_rows(
        conn,
        "SELECT * FROM serving.runaway_chains WHERE date_trunc('month', day) = $month "
        "ORDER BY cost_burned_usd DESC, day DESC LIMIT 20",
        period,
    )
    right_sizing = published_rows(
        conn,
        "SELECT * FROM serving.model_right_sizing WHERE month = $month "
        "ORDER BY usd_at_stake DESC NULLS LAST, task_type, risk_grade, model LIMIT 20",
        period,
    )
    levers = published_rows(
        conn,
        "SELECT *, GREATEST(COALESCE(loop_depth_saving_usd, 0), COALESCE(reasoning_saving_usd, 0), "
        "COALESCE(cache_saving_usd, 0), COALESCE(failure_saving_usd, 0)) AS largest_saving_usd "
        "FROM serving.agent_levers WHERE month = $month "
        "ORDER BY largest_saving_usd DESC, agent_id LIMIT 20",
        period,
    )
    autonomy = published_rows(
        conn,
        "SELECT * FROM serving.autonomy_gate WHERE month = $month "
        "ORDER BY status = 'hold', status, agent_id",
        period,
    )
    caps = published_rows(
        conn,
        "SELECT * FROM serving.runtime_caps WHERE month = $month "
        "ORDER BY scope DESC, status, scope_id",
        period,
    )
    return {
        "right_sizing": right_sizing,
        "levers": levers,
        "autonomy": autonomy,
        "caps": caps,
        "headline": headline,
        "lines": lines,
        "days": days,
        "trend": trend,
        "weeks": weeks,
        "as_of": publication[0]["as_of"] if publication else None,
        "tops": tops,
        "unallocated": unallocated,
        "changes": changes,
        "budgets": budgets,
        "anomalies": anomalies,
        "chains": chains,
    }


def _run_summary(headline, month, serving_settings: ServingSettings, report: Path) -> str:
    """What a run leaves, in a few lines for the run's log: the month's headline and coverage,
    and where every output is."""
    lines = [f"Showback for {month.strftime('%B %Y') if month else 'no month yet'}:"]
    if headline:
        lines += [
            f"  cost per accepted action {_money(headline['cost_per_accepted_action'])} "
            f"({headline['headline_status']}), total {_money(headline['total_cost_usd'])}, "
            f"accepted units {_number(headline['accepted_units'])}",
            f"  coverage: spend attributed {_percent(headline['spend_attributed_share'])}, "
            f"outcomes known {_percent(headline['outcome_known_share'])}, requests priced "
            f"{_percent(headline['requests_priced_share'])}",
        ]
    lines += [
        f"  published database: {Path(serving_settings.published_database).resolve()}",
        f"  Parquet exports: {(Path(serving_settings.export_dir) / 'current').absolute()}",
        f"  report: {report.resolve()}",
        f"  runtime caps (LiteLLM): {Path(serving_settings.runtime_caps_path).resolve()}",
    ]
    return "\n".join(lines)


@asset(
    key=AssetKey(["serving", "showback_report"]),
    description="One self-contained HTML page (no network needed, readable on a phone) for the "
    "latest month, with the as_of its outcomes were judged at: the three headline figures "
    "(and why they are provisional), the seven lines as a chart, the trend by day as a chart "
    "and a table, the month's weeks, top teams / agents / "
    "task types, failure impact observed vs estimated, coverage and unallocated spend, cost per "
    "accepted change by team, budgets, cost anomalies and runaway chains, with provisional "
    "windows marked; then what to do about it: model right-sizing, each agent's levers in "
    "dollars, the autonomy gate and the recommended runtime caps. Every number is read from the "
    "serving views.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "published"])],
    kinds={"html"},
    # it reads the published file under the warehouse's limits, so it takes that resource and
    # its pool (one slot per run: no wait inside a run)
    pool=WAREHOUSE_POOL,
)
def showback_report(
    context: AssetExecutionContext, serving_settings: ServingSettings, warehouse: Warehouse
) -> MaterializeResult:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
    )
    with read_published(serving_settings, warehouse) as conn:
        month = conn.execute("SELECT MAX(month) FROM serving.showback_fleet_monthly").fetchone()[0]
        page = _report_content(conn, month) if month is not None else {"headline": None}
    html = environment.get_template("showback_report.html").render(
        month=month.strftime("%B %Y") if month else "no data yet",
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        database=Path(serving_settings.published_database).name,
        money=_money,
        percent=_percent,
        number=_number,
        ratio=_ratio,
        **page,
    )
    path = Path(serving_settings.report_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(html)
    os.replace(partial, path)  # readers see the old page or the new one
    context.log.info(_run_summary(page.get("headline"), month, serving_settings, path))
    return MaterializeResult(
        metadata={
            "path": str(path.resolve()),
            "month": str(month),
            "cost_per_accepted_action": _money(
                page["headline"]["cost_per_accepted_action"] if page["headline"] else None
            ),
        }
    )
