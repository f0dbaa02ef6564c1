"""Asset checks: the metric contracts on the core and the marts.

``money_conserved`` on ``core/cost_ledger``, and ``headline_is_well_formed`` and
``ledger_in_showback`` (every ledger dollar in exactly one showback line, per day and team, to
the cent) on ``marts/showback`` (all blocking: nothing is published past them), over the days
the run recomputed (earlier rows were checked by the run that wrote them), or over everything
when the run rebuilt everything or is a check run on its own. ``change_cost_and_units_conserved``
on ``marts/change_showback`` (blocking) does the same for cost per accepted change.
``llm_bills_reconcile`` on ``core/llm_bill_reconciliation`` (warning) names every LLM provider-day
whose bill and request logs disagree beyond the tolerance (SPEC 10).
``no_event_before_its_action`` on ``core/action_events_before_attempt`` (warning) names every
action event dated before its action's attempt (it decides no outcome), with file and line.
Negative amounts (credits, refunds of charges, savings-plan true-ups) are valid data (SPEC 9): a
line, a day or an owner netting negative never fails a check; only a wrong figure does.

Each check's query, in ``sql/checks/``, returns the failing rows; the figures beside it go into
the check's metadata.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from pipeline.checks.queries import keep, query
from pipeline.metadata import amount_text
from pipeline.resources import IngestSettings, MetricSettings
from pipeline.run_state import BEGINNING, decided_window
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse


def recomputed_from(conn, run_id: str):
    """The first day this run recomputed (rows before it were checked when they were built);
    the beginning of time when the run rebuilt everything or recomputed nothing."""
    window = decided_window(conn, run_id)
    return window["recompute_from"] if window and window["recompute_from"] else BEGINNING


def _checked_from(checked_from) -> str:
    return "everything" if checked_from == BEGINNING else str(checked_from)


@asset_check(
    asset=AssetKey(["core", "cost_ledger"]),
    pool=WAREHOUSE_POOL,
    name="money_conserved",
    blocking=True,
    description="For every source and day, attributed + allocated + unallocated in the ledger "
    "= the source total, and every billing line = the sum of its day parts "
    "(core.billing_line_days), to the last decimal; and per day the ledger counts each LLM "
    "request once, with all its tokens.",
)
def ledger_money_conserved(
    context: AssetCheckExecutionContext, warehouse: Warehouse, ingest_settings: IngestSettings
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        checked_from = recomputed_from(conn, context.run.run_id)
        broken = query(
            conn,
            "money_conserved",
            {
                "billing_cost_column": ingest_settings.billing_cost_column,
                "checked_from": checked_from,
            },
        )
        by_source = query(conn, "ledger_by_source")
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "checked_from": _checked_from(checked_from),
            "booked_by_source": MetadataValue.md(
                "| source | booked USD | of which unallocated |\n|---|---|---|\n"
                + "\n".join(f"| {s} | {a} | {u} |" for s, a, u in by_source)
            ),
            "mismatches": MetadataValue.md(
                "\n".join(f"- {s} {k}: source {a} != booked {b}" for s, k, a, b in broken[:50])
                or "none"
            ),
        },
    )


@asset_check(
    asset=AssetKey(["marts", "showback"]),
    pool=WAREHOUSE_POOL,
    name="headline_is_well_formed",
    blocking=True,
    description="Every showback row: line shares sum to 1 when the total is not 0 (negative "
    "totals included) and are 0 when it is 0, no ratio over zero accepted units, a ratio "
    "wherever there are accepted units, observed + estimated failure impact = the line, "
    "credits_usd <= 0 and at least as large as the lines netting below 0. A negative amount is "
    "a credit, never a failure.",
)
def showback_well_formed(
    context: AssetCheckExecutionContext, warehouse: Warehouse
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        checked_from = recomputed_from(conn, context.run.run_id)
        parameters = {"checked_from": checked_from}
        problems = query(conn, "headline_is_well_formed", parameters)
        [(rows,)] = query(conn, "showback_rows", parameters)
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "checked_from": _checked_from(checked_from),
            "rows_checked": rows,
            "problems": len(problems),
            "first_problems": MetadataValue.md(
                "\n".join(f"- {p[0]} {p[1]} {p[2]} {p[3]}: {p[4]}" for p in problems[:50]) or "none"
            ),
        },
    )


@asset_check(
    asset=AssetKey(["marts", "change_showback"]),
    pool=WAREHOUSE_POOL,
    name="change_cost_and_units_conserved",
    blocking=True,
    description="Each month, the five lines of cost per accepted change (all teams) = the "
    "ledger's change lines to the last decimal, accepted + provisional + reverted units = the "
    "merged changes' units, and a ratio exactly where there are accepted units.",
)
def change_showback_conserved(warehouse: Warehouse) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        problems = query(conn, "change_cost_and_units_conserved")
        [totals] = query(conn, "change_showback_totals")
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "change_cost_usd": amount_text(totals[0]),
            "accepted_change_units": int(totals[1]),
            "months": totals[2],
            "problems": MetadataValue.md(
                "\n".join(f"- {where}: {problem}" for where, problem in problems[:50]) or "none"
            ),
        },
    )


@asset_check(
    asset=AssetKey(["core", "action_events_before_attempt"]),
    name="no_event_before_its_action",
    pool=WAREHOUSE_POOL,
    blocking=False,
    description="Warns when an action event is dated before its action's attempt: it decides "
    "no outcome; lists each with its file, line and reason.",
)
def no_event_before_its_action(
    context: AssetCheckExecutionContext, warehouse: Warehouse
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        early = query(conn, "no_event_before_its_action")
    return AssetCheckResult(
        passed=not early,
        severity=AssetCheckSeverity.WARN,
        description="\n".join(f"{f} line {n}: {reason}" for f, n, reason in early[:50]) or None,
        metadata={
            "events_before_attempt": len(early),
            "events": MetadataValue.md(
                "\n".join(f"- `{f}` line {n}: {reason}" for f, n, reason in early[:50]) or "none"
            ),
        },
    )


@asset_check(
    asset=AssetKey(["marts", "showback"]),
    name="ledger_in_showback",
    pool=WAREHOUSE_POOL,
    blocking=True,
    description="Every ledger dollar appears in exactly one showback line: for every day and "
    "team, the cost ledger (development work aside; a consequence booked to an action dated on "
    "the action's day) = the showback's seven lines + labour outside them, with an estimated "
    "failure impact counted as the consequences booked behind it, to the cent.",
)
def ledger_in_showback(
    context: AssetCheckExecutionContext, warehouse: Warehouse
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        checked_from = recomputed_from(conn, context.run.run_id)
        keep(conn, "_ledger_and_showback", "ledger_and_showback", {"checked_from": checked_from})
        [(ledger_usd, showback_usd, rows)] = query(conn, "ledger_and_showback_totals")
        broken = query(conn, "ledger_in_showback")
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "checked_from": _checked_from(checked_from),
            "day_team_rows_checked": rows,
            "ledger_usd": amount_text(ledger_usd),
            "showback_usd": amount_text(showback_usd),
            "difference_usd": amount_text(ledger_usd - showback_usd),
            "rows_not_conserved": len(broken),
            "worst_rows": MetadataValue.md(
                "\n".join(
                    f"- {day} {team}: ledger {ledger} != showback {shown} (difference {diff})"
                    for day, team, ledger, shown, diff in broken[:20]
                )
                or "none"
            ),
        },
    )


@asset_check(
    asset=AssetKey(["core", "llm_bill_reconciliation"]),
    name="llm_bills_reconcile",
    pool=WAREHOUSE_POOL,
    blocking=False,
    description="Warns when an LLM provider's bill for a day differs from its requests' "
    "request-level cost by more than MetricSettings.reconciliation_tolerance_ratio of it, or "
    "has no request logged at all, and days with an LLM bill and requests that name no "
    "provider (they cannot be matched to it); lists each with its variance and likely reason. "
    "The bill is booked either way (SPEC 10): this says where the request logs and the bill "
    "disagree.",
)
def llm_bills_reconcile(
    context: AssetCheckExecutionContext, warehouse: Warehouse, metric_settings: MetricSettings
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        checked_from = recomputed_from(conn, context.run.run_id)
        beyond = query(
            conn,
            "llm_bills_reconcile",
            {
                "checked_from": checked_from,
                "reconciliation_tolerance_ratio": metric_settings.reconciliation_tolerance_ratio,
            },
        )

    def usd(amount) -> str:
        return "none" if amount is None else amount_text(amount)

    lines = [
        f"{provider} {day} ({status}): billed {usd(billed)}, request level {usd(requested)}, "
        f"variance {usd(variance)}: {reason}"
        for provider, day, status, billed, requested, variance, reason in beyond[:50]
    ]
    return AssetCheckResult(
        passed=not beyond,
        severity=AssetCheckSeverity.WARN,
        description="\n".join(lines) or None,
        metadata={
            "checked_from": _checked_from(checked_from),
            "provider_days_beyond_tolerance": len(beyond),
            "variance_beyond_tolerance_usd": amount_text(
                sum((row[5] for row in beyond if row[5] is not None), 0)
            ),
            "provider_days": MetadataValue.md("\n".join(f"- {line}" for line in lines) or "none"),
        },
    )


metric_checks = [
    ledger_money_conserved,
    llm_bills_reconcile,
    showback_well_formed,
    ledger_in_showback,
    change_showback_conserved,
    no_event_before_its_action,
]
