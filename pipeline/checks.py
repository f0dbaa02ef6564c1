"""Asset checks: the contracts of the staging tables.

For every source, over every file it has loaded:
- ``rows_conserved`` (blocking): rows read = rows staged + rows quarantined + duplicates dropped,
  counted from the tables themselves against the load ledger.
- ``amount_conserved`` (blocking, sources with money or hours): the exact decimal total read from
  the files = staged + quarantined (where parseable) + duplicates, to the last decimal.
- ``quarantine_share`` (warning): the share of rows read that went to quarantine stays under
  ``IngestSettings.quarantine_warn_ratio``.

For every daily (event) source, over the days of the run:
- ``delivered_every_day`` (warning, freshness): every day has rows dated on it;
- ``daily_volume_normal`` (warning): each day's rows are within the configured ratios of the
  median of the days before it.

And the metric contracts: ``money_conserved`` on ``core/cost_ledger``, and
``headline_is_well_formed`` and ``ledger_in_showback`` (every ledger dollar in exactly one showback
line, per day and team, to the cent) on ``marts/showback`` (all blocking: nothing is published
past them),
over the days the run recomputed (earlier rows were checked by the run that wrote them), or over
everything when the run rebuilt everything or is a check run on its own. ``change_cost_and_units_
conserved`` on ``marts/change_showback`` (blocking) does the same for cost per accepted change.
``no_event_before_its_action`` on ``core/action_events_before_attempt`` (warning) names every
action event dated before its action's attempt (it decides no outcome), with file and line.
Negative amounts (credits, refunds of charges, savings-plan true-ups) are valid data (SPEC 9): a
line, a day or an owner netting negative never fails a check; only a wrong figure does.

The operate alerts (warnings, so a breach never stops the showback being published), over the
days of the run (budgets: the months those days fall in): ``within_budget`` on
``marts/budget_status``, ``no_unit_cost_anomalies`` on ``marts/cost_anomalies`` and
``no_runaway_chains`` on ``marts/runaway_chains``. A failing one says what it found in one
readable message and, when ``AlertSettings.webhook_url`` is set, POSTs it there as JSON.
"""

from datetime import date
from decimal import Decimal

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from pipeline.assets.ingest import staging_key
from pipeline.delivery_checks import build_delivery_check
from pipeline.loading.audit import amount_column, ensure_audit_tables
from pipeline.partitions import RunDays, run_days
from pipeline.resources import WAREHOUSE_POOL, AlertSettings, IngestSettings, Warehouse
from pipeline.run_state import BEGINNING, decided_window
from pipeline.sources import SOURCES, Source
from pipeline.sql_files import parameters_used, quote_ident, read_sql, table_exists


def _per_file_counts(conn, source: Source, money: str | None):
    """Per loaded file: the ledger's figures beside what the tables hold now."""
    staged_amount = f"SUM({money})" if money else "CAST(NULL AS DECIMAL(38, 12))"
    return conn.execute(
        f"""
        WITH s AS (
            SELECT source_file, COUNT(*) AS n, {staged_amount} AS amount
            FROM staging.{source.name} GROUP BY source_file
        ),
        q AS (
            SELECT source_file, COUNT(*) AS n, SUM(parsed_amount) AS amount
            FROM audit.quarantine WHERE source = $source GROUP BY source_file
        )
        SELECT l.source_file, l.rows_read, COALESCE(s.n, 0), COALESCE(q.n, 0), l.rows_duplicate,
               COALESCE(l.amount_read, 0), COALESCE(s.amount, 0), COALESCE(q.amount, 0),
               COALESCE(l.amount_duplicate, 0)
        FROM audit.load_ledger AS l
        LEFT JOIN s ON s.source_file = l.source_file
        LEFT JOIN q ON q.source_file = l.source_file
        WHERE l.source = $source
        ORDER BY l.source_file
        """,
        {"source": source.name},
    ).fetchall()


def build_row_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="rows_conserved",
        blocking=True,
        description="Rows read = rows staged + rows quarantined + duplicates dropped, per file.",
    )
    def _check(context: AssetCheckExecutionContext, warehouse: Warehouse) -> AssetCheckResult:
        with warehouse.get_connection() as conn:
            ensure_audit_tables(conn)
            rows = (
                _per_file_counts(conn, source, None)
                if table_exists(conn, "staging", source.name)
                else []
            )
        broken = [r for r in rows if r[1] != r[2] + r[3] + r[4]]
        totals = [sum(r[i] for r in rows) for i in range(1, 5)]
        return AssetCheckResult(
            passed=not broken,
            metadata={
                "files": len(rows),
                "rows_read": totals[0],
                "rows_staged": totals[1],
                "rows_quarantined": totals[2],
                "rows_duplicate": totals[3],
                "files_not_conserved": MetadataValue.md(
                    "\n".join(
                        f"- `{r[0]}`: read {r[1]} != staged {r[2]} + quarantined {r[3]} "
                        f"+ duplicate {r[4]}"
                        for r in broken
                    )
                    or "none"
                ),
            },
        )

    return _check


def build_amount_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="amount_conserved",
        blocking=True,
        description=f"The exact total of {source.amount_column or 'the amount'} read from the "
        "files = staged + quarantined (where parseable) + duplicates dropped, per file.",
    )
    def _check(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> AssetCheckResult:
        money = amount_column(source, ingest_settings)
        with warehouse.get_connection() as conn:
            ensure_audit_tables(conn)
            rows = (
                _per_file_counts(conn, source, money)
                if table_exists(conn, "staging", source.name)
                else []
            )
        broken = [r for r in rows if Decimal(r[5]) != r[6] + r[7] + r[8]]
        totals = [sum((Decimal(r[i]) for r in rows), Decimal(0)) for i in range(5, 9)]
        return AssetCheckResult(
            passed=not broken,
            metadata={
                "amount_column": money,
                "amount_read": str(totals[0]),
                "amount_staged": str(totals[1]),
                "amount_quarantined": str(totals[2]),
                "amount_duplicate": str(totals[3]),
                "difference": str(totals[0] - totals[1] - totals[2] - totals[3]),
                "files_not_conserved": MetadataValue.md(
                    "\n".join(
                        f"- `{r[0]}`: read {r[5]} != staged {r[6]} + quarantined {r[7]} "
                        f"+ duplicate {r[8]}"
                        for r in broken
                    )
                    or "none"
                ),
            },
        )

    return _check


def build_quarantine_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="quarantine_share",
        description="Warns when the share of rows read that went to quarantine exceeds "
        "IngestSettings.quarantine_warn_ratio; lists the most frequent reasons.",
    )
    def _check(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> AssetCheckResult:
        with warehouse.get_connection() as conn:
            ensure_audit_tables(conn)
            read, quarantined = conn.execute(
                "SELECT COALESCE(SUM(rows_read), 0), COALESCE(SUM(rows_quarantined), 0) "
                "FROM audit.load_ledger WHERE source = $source",
                {"source": source.name},
            ).fetchone()
            reasons = conn.execute(
                """
                SELECT column_name, COUNT(*) AS n FROM audit.quarantine
                WHERE source = $source GROUP BY column_name ORDER BY n DESC, column_name LIMIT 10
                """,
                {"source": source.name},
            ).fetchall()
        share = quarantined / read if read else 0.0
        return AssetCheckResult(
            passed=share <= ingest_settings.quarantine_warn_ratio,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "rows_read": read,
                "rows_quarantined": quarantined,
                "quarantine_share": round(share, 6),
                "threshold": ingest_settings.quarantine_warn_ratio,
                "by_column": MetadataValue.md(
                    "\n".join(f"- {column}: {n}" for column, n in reasons) or "none"
                ),
            },
        )

    return _check


def _daily_volume(conn, source: Source, days: RunDays, baseline_days: int) -> list[tuple]:
    """(day, rows dated on it, a file dated on it loaded, baseline median) for each day of the
    run."""
    conn.execute(
        f"CREATE OR REPLACE TEMP VIEW _daily_rows AS "
        f"SELECT {quote_ident(source.day_column)} AS day_at FROM staging.{source.name}"
    )
    sql = read_sql("checks/daily_volume.sql")
    return conn.execute(
        sql,
        {
            "source": source.name,
            "first_day": days.first_day,
            "last_day": days.last_day,
            "baseline_days": baseline_days,
        },
    ).fetchall()


NO_RUN_DAYS = "the run targets no day; nothing to check"


def _nothing_to_check(note: str) -> AssetCheckResult:
    return AssetCheckResult(passed=True, metadata={"note": note})


def _day_list(days: list, limit: int = 31) -> str:
    shown = ", ".join(str(d) for d in days[:limit])
    return shown + (f" and {len(days) - limit} more" if len(days) > limit else "") or "none"


def build_freshness_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="delivered_every_day",
        description="Warns when the source has not delivered for a day of the run: "
        + (
            f"no file dated that day was loaded and no row is dated on it (by {source.day_column})."
            if source.rows_expected_daily
            else "no file dated that day was loaded (days without incidents or refunds are "
            "normal, so rows are not expected every day)."
        ),
    )
    def _check(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> AssetCheckResult:
        days = run_days(context.run.tags)
        if days is None:
            return _nothing_to_check(NO_RUN_DAYS)
        with warehouse.get_connection() as conn:
            daily = _daily_volume(conn, source, days, ingest_settings.volume_baseline_days)
            latest = conn.execute(
                f"SELECT CAST(MAX({quote_ident(source.day_column)}) AS DATE) "
                f"FROM staging.{source.name}"
            ).fetchone()[0]
            dated_files = conn.execute(
                "SELECT COUNT(delivery_day) FROM audit.load_ledger WHERE source = $source",
                {"source": source.name},
            ).fetchone()[0]
        if not source.rows_expected_daily and not dated_files:
            return _nothing_to_check("no file of this source carries a delivery date in its path")
        missing = [
            day
            for day, rows, file_delivered, _ in daily
            if not file_delivered and not (source.rows_expected_daily and rows > 0)
        ]
        return AssetCheckResult(
            passed=not missing,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "days_checked": len(daily),
                "days_without_rows": len(missing),
                "missing_days": _day_list(missing),
                "latest_day_with_rows": str(latest),
            },
        )

    return _check


def build_volume_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="daily_volume_normal",
        description=f"Warns when a day's {source.name} rows are below volume_low_ratio or above "
        "volume_high_ratio times the median of the volume_baseline_days days before it.",
    )
    def _check(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> AssetCheckResult:
        days = run_days(context.run.tags)
        if days is None:
            return _nothing_to_check(NO_RUN_DAYS)
        with warehouse.get_connection() as conn:
            daily = _daily_volume(conn, source, days, ingest_settings.volume_baseline_days)
        low, high = ingest_settings.volume_low_ratio, ingest_settings.volume_high_ratio
        flagged = [
            (day, rows, median)
            for day, rows, _, median in daily
            if median and not low * median <= rows <= high * median
        ]
        return AssetCheckResult(
            passed=not flagged,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "days_checked": len(daily),
                "days_with_baseline": sum(1 for *_, median in daily if median),
                "allowed_ratio": f"{low} to {high} x the baseline median",
                "days_flagged": MetadataValue.md(
                    "\n".join(
                        f"- {day}: {rows} rows, baseline median {median:g} ({rows / median:.2f} x)"
                        for day, rows, median in flagged[:31]
                    )
                    or "none"
                ),
                "rows_by_day": MetadataValue.md(
                    "\n".join(f"- {day}: {rows}" for day, rows, *_ in daily[-31:]) or "none"
                ),
            },
        )

    return _check


ingest_checks = [
    check
    for source in SOURCES.values()
    for check in (
        build_row_check(source),
        *([build_amount_check(source)] if source.amount_column else []),
        build_quarantine_check(source),
        build_delivery_check(source),
        *([build_freshness_check(source), build_volume_check(source)] if source.daily else []),
    )
]


def recomputed_from(conn, run_id: str):
    """The first day this run recomputed (rows before it were checked when they were built);
    the beginning of time when the run rebuilt everything or recomputed nothing."""
    window = decided_window(conn, run_id)
    return window["recompute_from"] if window and window["recompute_from"] else BEGINNING


LEDGER_SOURCE_TOTALS = """
    WITH source_totals AS (
        SELECT 'llm_requests' AS source, requested_date AS day, SUM(cost_usd) AS amount_usd
        FROM core.llm_request_costs WHERE requested_date >= $checked_from GROUP BY 2
        UNION ALL
        SELECT 'tool_calls', CAST(called_at AS DATE), SUM(cost_usd)
        FROM staging.tool_calls WHERE called_at >= CAST($checked_from AS TIMESTAMP) GROUP BY 2
        UNION ALL
        SELECT 'time_entries', work_date, SUM(labour_cost_usd) FROM core.labour_costs
        WHERE work_date >= $checked_from GROUP BY 2
        UNION ALL
        SELECT 'consequence_records', CAST(occurred_at AS DATE), SUM(amount_usd)
        FROM staging.consequence_records WHERE occurred_at >= CAST($checked_from AS TIMESTAMP)
        GROUP BY 2
        UNION ALL
        SELECT 'billing_lines', cost_date, SUM(amount_usd)
        FROM core.billing_line_days WHERE cost_date >= $checked_from GROUP BY 2
    ),
    -- by the record's own day: a consequence part is dated on its action's day (source_date
    -- is the record's; for every other part it is cost_date)
    booked AS (
        SELECT source, source_date AS day, SUM(amount_usd) AS amount_usd
        FROM core.cost_ledger WHERE source_date >= $checked_from GROUP BY 1, 2
    ),
    billing_lines AS (
        SELECT dedup_key, CAST(
            CASE WHEN $billing_cost_column = 'BilledCost' THEN billed_cost ELSE effective_cost END
            * fx_rate_to_usd AS DECIMAL(38, 12)) AS amount_usd
        FROM staging.billing_lines
        WHERE charge_period_end > CAST($checked_from AS TIMESTAMP)
    ),
    billing_days AS (
        SELECT dedup_key, SUM(amount_usd) AS amount_usd
        FROM core.billing_line_days
        WHERE dedup_key IN (SELECT dedup_key FROM billing_lines)
            OR cost_date >= $checked_from
        GROUP BY 1
    )
    SELECT COALESCE(s.source, b.source), CAST(COALESCE(s.day, b.day) AS VARCHAR),
           COALESCE(s.amount_usd, 0),
           COALESCE(b.amount_usd, 0)
    FROM source_totals AS s
    FULL OUTER JOIN booked AS b ON b.source = s.source AND b.day = s.day
    WHERE COALESCE(s.amount_usd, 0) <> COALESCE(b.amount_usd, 0)
    UNION ALL
    SELECT 'billing_lines (line split into days)', COALESCE(l.dedup_key, d.dedup_key),
           COALESCE(l.amount_usd, 0), COALESCE(d.amount_usd, 0)
    FROM billing_lines AS l
    FULL OUTER JOIN billing_days AS d ON d.dedup_key = l.dedup_key
    WHERE COALESCE(l.amount_usd, 0) <> COALESCE(d.amount_usd, 0)
"""


@asset_check(
    asset=AssetKey(["core", "cost_ledger"]),
    pool=WAREHOUSE_POOL,
    name="money_conserved",
    blocking=True,
    description="For every source and day, attributed + allocated + unallocated in the ledger "
    "= the source total, and every billing line = the sum of its day parts "
    "(core.billing_line_days), to the last decimal.",
)
def ledger_money_conserved(
    context: AssetCheckExecutionContext, warehouse: Warehouse, ingest_settings: IngestSettings
) -> AssetCheckResult:
    with warehouse.get_connection() as conn:
        checked_from = recomputed_from(conn, context.run.run_id)
        broken = conn.execute(
            LEDGER_SOURCE_TOTALS,
            {
                "billing_cost_column": ingest_settings.billing_cost_column,
                "checked_from": checked_from,
            },
        ).fetchall()
        by_source = conn.execute(
            "SELECT source, COALESCE(SUM(amount_usd), 0), "
            "COALESCE(SUM(CASE WHEN cost_line = 'unallocated' THEN amount_usd END), 0) "
            "FROM core.cost_ledger GROUP BY source ORDER BY source"
        ).fetchall()
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "checked_from": "everything" if checked_from == BEGINNING else str(checked_from),
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


SHOWBACK_PROBLEMS = """
    SELECT period, CAST(period_start AS VARCHAR), grain,
           COALESCE(team_id, agent_id, task_type, task_id, 'fleet'), problem
    FROM (
        SELECT *,
            CASE
                -- shares are line / total whenever the total is not 0, negative totals
                -- included, and 0 when it is 0
                WHEN total_cost_usd <> 0 AND ABS(
                    inference_share + tool_share + infrastructure_share + oversight_share
                    + remediation_share + failed_run_share + failure_impact_share - 1
                ) > 0.000000001 THEN 'line shares do not sum to 1'
                WHEN total_cost_usd = 0 AND (
                    inference_share <> 0 OR tool_share <> 0 OR infrastructure_share <> 0
                    OR oversight_share <> 0 OR remediation_share <> 0 OR failed_run_share <> 0
                    OR failure_impact_share <> 0
                ) THEN 'line shares not 0 with a total of 0'
                WHEN accepted_units = 0 AND cost_per_accepted_action IS NOT NULL
                    THEN 'cost per accepted action computed over zero accepted units'
                WHEN accepted_units > 0 AND cost_per_accepted_action IS NULL
                    THEN 'cost per accepted action missing'
                WHEN failure_impact_observed_usd + failure_impact_estimated_usd
                    <> failure_impact_cost_usd
                    THEN 'failure impact by basis does not add up to the line'
                WHEN credits_usd IS NULL OR credits_usd > 0
                    THEN 'credits_usd missing or positive'
                -- a line netting below 0 holds at least that much credit
                WHEN credits_usd > LEAST(inference_cost_usd, 0) + LEAST(tool_cost_usd, 0)
                    + LEAST(infrastructure_cost_usd, 0) + LEAST(oversight_cost_usd, 0)
                    + LEAST(remediation_cost_usd, 0) + LEAST(failed_run_cost_usd, 0)
                    + LEAST(failure_impact_cost_usd, 0)
                    THEN 'credits_usd does not cover the lines netting below 0'
            END AS problem
        FROM marts.showback
        WHERE period_start >= $checked_from
    ) AS s
    WHERE problem IS NOT NULL
    ORDER BY ALL
"""


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
        problems = conn.execute(SHOWBACK_PROBLEMS, {"checked_from": checked_from}).fetchall()
        rows = conn.execute(
            "SELECT COUNT(*) FROM marts.showback WHERE period_start >= $checked_from",
            {"checked_from": checked_from},
        ).fetchone()[0]
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "checked_from": "everything" if checked_from == BEGINNING else str(checked_from),
            "rows_checked": rows,
            "problems": len(problems),
            "first_problems": MetadataValue.md(
                "\n".join(f"- {p[0]} {p[1]} {p[2]} {p[3]}: {p[4]}" for p in problems[:50]) or "none"
            ),
        },
    )


CHANGE_SHOWBACK_PROBLEMS = """
    WITH booked AS (
        SELECT CAST(date_trunc('month', cost_date) AS DATE) AS month,
               SUM(COALESCE(amount_usd, 0)) AS cost_usd
        FROM core.cost_ledger WHERE cost_line LIKE 'change%' GROUP BY 1
    ),
    units AS (
        SELECT CAST(date_trunc('month', merged_date) AS DATE) AS month,
               SUM(change_units) AS change_units, COUNT(*) AS changes
        FROM core.change_outcomes WHERE change_kind = 'change' GROUP BY 1
    ),
    fleet AS (SELECT * FROM marts.change_showback WHERE grain = 'fleet'),
    compared AS (
        SELECT
            CAST(COALESCE(f.month, b.month, u.month) AS VARCHAR) AS month,
            CASE
                WHEN COALESCE(f.total_cost_usd, 0) <> COALESCE(b.cost_usd, 0)
                    THEN 'the five lines (' || CAST(COALESCE(f.total_cost_usd, 0) AS VARCHAR)
                        || ') differ from the ledger''s change lines ('
                        || CAST(COALESCE(b.cost_usd, 0) AS VARCHAR) || ')'
                WHEN COALESCE(f.accepted_change_units + f.provisional_change_units
                    + f.reverted_change_units, 0) <> COALESCE(u.change_units, 0)
                    THEN 'change units by outcome do not add up to the merged changes'' units'
                WHEN COALESCE(f.changes_merged, 0) <> COALESCE(u.changes, 0)
                    THEN 'merged changes differ from core.change_outcomes'
            END AS problem
        FROM fleet AS f
        FULL OUTER JOIN booked AS b ON b.month = f.month
        FULL OUTER JOIN units AS u ON u.month = COALESCE(f.month, b.month)
    )
    SELECT month, problem FROM compared
    WHERE problem IS NOT NULL
    UNION ALL
    SELECT CAST(month AS VARCHAR) || ' ' || COALESCE(team_id, 'fleet'),
           'cost per accepted change ' || CASE WHEN accepted_change_units = 0
               THEN 'computed over zero accepted units' ELSE 'missing' END
    FROM marts.change_showback
    WHERE (accepted_change_units = 0) <> (cost_per_accepted_change IS NULL)
    ORDER BY ALL
"""


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
        problems = conn.execute(CHANGE_SHOWBACK_PROBLEMS).fetchall()
        totals = conn.execute(
            "SELECT COALESCE(SUM(total_cost_usd), 0), COALESCE(SUM(accepted_change_units), 0), "
            "COUNT(*) FROM marts.change_showback WHERE grain = 'fleet'"
        ).fetchone()
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "change_cost_usd": str(totals[0]),
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
        early = conn.execute(
            "SELECT source_file, source_line, reason FROM core.action_events_before_attempt "
            "ORDER BY source_file, source_line"
        ).fetchall()
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


def _ledger_in_showback_figures(conn, checked_from) -> tuple[tuple, list[tuple]]:
    """(ledger total, showback total, day-team rows compared) and the day-team rows differing by
    a cent or more, largest difference first."""
    audit = read_sql("checks/ledger_in_showback.sql")
    parameters = {"checked_from": checked_from}
    totals = conn.execute(
        "SELECT COALESCE(SUM(ledger_usd), 0), COALESCE(SUM(showback_usd), 0), COUNT(*) "
        f"FROM ({audit}) AS a",
        parameters,
    ).fetchone()
    broken = conn.execute(
        f"SELECT * FROM ({audit}) AS a WHERE ABS(difference_usd) >= 0.005 "
        "ORDER BY ABS(difference_usd) DESC, day, team_id",
        parameters,
    ).fetchall()
    return totals, broken


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
        (ledger_usd, showback_usd, rows), broken = _ledger_in_showback_figures(conn, checked_from)
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "checked_from": "everything" if checked_from == BEGINNING else str(checked_from),
            "day_team_rows_checked": rows,
            "ledger_usd": str(ledger_usd),
            "showback_usd": str(showback_usd),
            "difference_usd": str(ledger_usd - showback_usd),
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


metric_checks = [
    ledger_money_conserved,
    showback_well_formed,
    ledger_in_showback,
    change_showback_conserved,
    no_event_before_its_action,
]


# --- operate alerts --------------------------------------------------------------------------

BUDGET_FINDINGS = """
    SELECT scope || ' ' || scope_id || ' ' || strftime(month, '%Y-%m') || ': ' || status || ' ('
        || CASE
            WHEN status = 'cost per accepted action above its limit'
                THEN CAST(ROUND(cost_per_accepted_action, 2) AS VARCHAR) || ' per accepted action, '
                    || 'limit ' || CAST(ROUND(max_cost_per_accepted_action_usd, 2) AS VARCHAR)
            ELSE 'spent ' || CAST(ROUND(spent_to_date_usd, 2) AS VARCHAR) || ', projected '
                || COALESCE(CAST(ROUND(projected_month_end_usd, 2) AS VARCHAR), 'n/a')
                || ' of ' || CAST(ROUND(budget_usd, 2) AS VARCHAR)
        END || ')'
    FROM marts.budget_status
    WHERE status <> 'within budget' AND month BETWEEN $first_month AND $last_day
    ORDER BY month, scope, scope_id
"""

ANOMALY_FINDINGS = """
    SELECT grain || ' ' || owner_id || ' ' || CAST(day AS VARCHAR) || ': '
        || REPLACE(metric, '_', ' ') || ' ' || CAST(ROUND(value, 2) AS VARCHAR)
        || ' vs ' || CAST(ROUND(baseline_median, 2) AS VARCHAR)
        || CASE WHEN grain = 'task' THEN ' for a ' || task_type || ' task' ELSE ' usual' END
        || ' (' || CAST(ROUND(ratio_to_baseline, 1) AS VARCHAR) || 'x); driver: ' || driver_line
        || COALESCE(' +' || CAST(ROUND(driver_increase_usd, 2) AS VARCHAR), '')
    FROM marts.cost_anomalies
    WHERE day BETWEEN $first_day AND $last_day
    ORDER BY day, grain, owner_id, metric
"""

CHAIN_FINDINGS = """
    SELECT 'chain ' || chain_id || ' ' || CAST(day AS VARCHAR) || ': ' || reasons || '; burned '
        || CAST(ROUND(cost_burned_usd, 2) AS VARCHAR) || ' USD over ' || CAST(sessions AS VARCHAR)
        || ' sessions, ' || CAST(max_depth AS VARCHAR) || ' levels deep'
    FROM marts.runaway_chains
    WHERE day BETWEEN $first_day AND $last_day
    ORDER BY day, chain_id
"""


def build_operate_check(
    asset_name: str, name: str, findings_sql: str, what: str, description: str
) -> AssetChecksDefinition:
    """A warning check that fails with one readable message when `findings_sql` finds anything
    in the run's days, and sends that message to the webhook when one is set."""

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
            found = [
                row[0]
                for row in conn.execute(
                    findings_sql, parameters_used(findings_sql, parameters)
                ).fetchall()
            ]
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
        BUDGET_FINDINGS,
        "budget(s) breached or projected to breach",
        "Every budget of the run's months is within its limit on spend (to date and projected "
        "to month end) and on cost per accepted action.",
    ),
    build_operate_check(
        "cost_anomalies",
        "no_unit_cost_anomalies",
        ANOMALY_FINDINGS,
        "cost anomaly(ies)",
        "No agent or team has a day of anomalous cost per accepted action or cost per task, and "
        "no task costs far above its task type's norm, in the run's days.",
    ),
    build_operate_check(
        "runaway_chains",
        "no_runaway_chains",
        CHAIN_FINDINGS,
        "runaway sub-agent chain(s)",
        "No sub-agent chain ran deeper or costlier than its limits, or looped, in the run's days.",
    ),
]
