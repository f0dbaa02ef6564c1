"""Asset checks: the operate alerts.

Warnings, so a breach never stops the showback being published, over the days of the run
(budgets: the months those days fall in): ``within_budget`` on ``marts/budget_status``,
``no_unit_cost_anomalies`` on ``marts/cost_anomalies`` and ``no_runaway_chains`` on
``marts/runaway_chains``. Each check's query, ``sql/checks/<check>.sql``, returns one readable
line per finding. A failing check says what it found in one readable message and, when
``AlertSettings.webhook_url`` is set, POSTs it there as JSON.
"""

from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from pipeline.checks.queries import query
from pipeline.partitions import run_days
from pipeline.resources import AlertSettings
from pipeline.run_state import BEGINNING
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse


def build_operate_check(
    asset_name: str, name: str, what: str, description: str
) -> AssetChecksDefinition:
    """A warning check that fails with one readable message when its query
    (``sql/checks/<name>.sql``) finds anything in the run's days, and sends that message to the
    webhook when one is set."""

    @asset_check(
        asset=AssetKey(["marts", asset_name]),
        pool=WAREHOUSE_POOL,
        name=name,
        blocking=False,
        description=description,
    )
    def _check(
        context: AssetCheckExecutionContext, warehouse: Warehouse, alert_settings: AlertSettings
    ) -> AssetCheckResult:
        days = run_days(context.run.tags)
        # a check run on its own (no days) looks at everything
        first_day = days.first_day if days else BEGINNING
        last_day = days.last_day if days else date(9999, 12, 31)
        parameters = {
            "first_day": first_day,
            "first_month": first_day.replace(day=1),
            "last_day": last_day,
        }
        with warehouse.get_connection() as conn:
            found = [row[0] for row in query(conn, name, parameters)]
        if not found:
            return AssetCheckResult(
                passed=True,
                severity=AssetCheckSeverity.WARN,
                metadata={"findings": 0, "days": f"{first_day} to {last_day}"},
            )
        message = f"{len(found)} {what}: " + "; ".join(found[:10])
        if len(found) > 10:
            message += f"; and {len(found) - 10} more"
        sent = alert_settings.notify(
            {
                "check": name,
                "asset": f"marts/{asset_name}",
                "message": message,
                "findings": found,
                "days": [str(first_day), str(last_day)],
            }
        )
        context.log.warning(message)
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.WARN,
            description=message,
            metadata={
                "findings": len(found),
                "days": f"{first_day} to {last_day}",
                "message": MetadataValue.md("\n".join(f"- {f}" for f in found[:50])),
                "webhook": sent,
            },
        )

    return _check


operate_checks = [
    build_operate_check(
        "budget_status",
        "within_budget",
        "budget(s) breached or projected to breach",
        "Every budget of the run's months is within its limit on spend (to date and projected "
        "to month end) and on cost per accepted action.",
    ),
    build_operate_check(
        "cost_anomalies",
        "no_unit_cost_anomalies",
        "cost anomaly(ies)",
        "No agent or team has a day of anomalous cost per accepted action or cost per task, and "
        "no task costs far above its task type's norm, in the run's days.",
    ),
    build_operate_check(
        "runaway_chains",
        "no_runaway_chains",
        "runaway sub-agent chain(s)",
        "No sub-agent chain ran deeper or costlier than its limits, or looped, in the run's days.",
    ),
]
