"""The delivery checks of every daily (event) source, over the days of the run, evaluated with
the source's other checks (``pipeline/checks/sources.py``):

- ``delivered_every_day`` (warning, freshness): every day has rows dated on it (for incidents
  and refunds, which only deliver a file each day: a file dated on it was loaded);
- ``daily_volume_normal`` (warning): each day's rows are within the configured ratios of the
  median of the days before it.
"""

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
)

from pipeline.assets.ingest import staging_key
from pipeline.checks.queries import kept, query
from pipeline.partitions import RunDays, run_days
from pipeline.resources import IngestSettings
from pipeline.sources import Source
from pipeline.sql_files import quote_ident


def _daily_volume(
    conn: duckdb.DuckDBPyConnection, source: Source, days: RunDays, baseline_days: int
) -> list[tuple]:
    """(day, rows dated on it, a file dated on it loaded, baseline median) for each day of the
    run, kept as temp table _daily_volume (the checks' queries read it there)."""
    conn.execute(
        f"CREATE OR REPLACE TEMP VIEW _daily_rows AS "
        f"SELECT {quote_ident(source.day_column)} AS day_at "
        f"FROM staging.{quote_ident(source.name)}"
    )
    parameters = {
        "source": source.name,
        "first_day": days.first_day,
        "last_day": days.last_day,
        "baseline_days": baseline_days,
    }
    return kept(conn, "_daily_volume", "daily_volume", parameters)


def _daily_of_run(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> list[tuple] | None:
    """The run's days with their rows (see _daily_volume); None when the run targets no day.
    Both checks of a source ask for them on that source's connection (``staging_contracts``
    opens one per source); the second reads what the first kept in temp table _daily_volume
    instead of grouping the staging table again."""
    days = run_days(context.run.tags)
    if days is None:
        return None
    (kept_already,) = conn.execute(
        "SELECT COUNT(*) FROM duckdb_tables() WHERE temporary AND table_name = '_daily_volume'"
    ).fetchone()
    if kept_already:
        return conn.execute("SELECT * FROM _daily_volume").fetchall()
    return _daily_volume(conn, source, days, ingest_settings.volume_baseline_days)


NO_RUN_DAYS = "the run targets no day; nothing to check"


def _nothing_to_check(note: str) -> AssetCheckResult:
    return AssetCheckResult(passed=True, metadata={"note": note})


def _day_list(days: list, limit: int = 31) -> str:
    shown = ", ".join(str(d) for d in days[:limit])
    return shown + (f" and {len(days) - limit} more" if len(days) > limit else "") or "none"


def delivered_every_day_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "delivered_every_day",
        asset=staging_key(source.name),
        description="Warns when the source has not delivered for a day of the run: "
        + (
            f"no file dated that day was loaded and no row is dated on it (by {source.day_column})."
            if source.rows_expected_daily
            else "no file dated that day was loaded (days without incidents or refunds are "
            "normal, so rows are not expected every day)."
        ),
    )


def delivered_every_day(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    daily = _daily_of_run(context, conn, source, ingest_settings)
    if daily is None:
        return _nothing_to_check(NO_RUN_DAYS)
    missing = [
        day
        for day, _ in query(
            conn,
            "delivered_every_day",
            {"rows_expected_daily": source.rows_expected_daily},
        )
    ]
    [(latest,)] = query(conn, "latest_day")
    [(dated_files,)] = query(conn, "dated_files", {"source": source.name})
    if not source.rows_expected_daily and not dated_files:
        return _nothing_to_check("no file of this source carries a delivery date in its path")
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


def daily_volume_normal_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "daily_volume_normal",
        asset=staging_key(source.name),
        description=f"Warns when a day's {source.name} rows are below volume_low_ratio or above "
        "volume_high_ratio times the median of the volume_baseline_days days before it.",
    )


def daily_volume_normal(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    daily = _daily_of_run(context, conn, source, ingest_settings)
    if daily is None:
        return _nothing_to_check(NO_RUN_DAYS)
    low, high = ingest_settings.volume_low_ratio, ingest_settings.volume_high_ratio
    flagged = query(conn, "daily_volume_normal", {"low_ratio": low, "high_ratio": high})
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
