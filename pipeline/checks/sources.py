"""Asset checks: the contracts of the staging tables, one set per source.

For every source, over every file it has loaded:
- ``rows_conserved`` (blocking): rows read = rows staged + rows quarantined + duplicates dropped,
  counted from the tables themselves against the load ledger.
- ``amount_conserved`` (blocking, sources with money or hours): the exact decimal total read from
  the files = staged + quarantined (where parseable) + duplicates, to the last decimal.
- ``quarantine_share`` (warning): the share of rows read that went to quarantine stays under
  ``IngestSettings.quarantine_warn_ratio``.
- ``every_file_loaded`` (warning): no file under ``<data_dir>/<source>/`` is passed over unnamed.
  It fails when a file is ignored (not a format the source reads, hidden, a compressed JSON
  array) and names each with its reason. Superseded files (earlier runs of a restated export) and
  export manifests are expected, and are only counted. The records are in ``audit.load_ledger``
  (``load_status``, ``status_reason``).

For every daily (event) source, over the days of the run:
- ``delivered_every_day`` (warning, freshness): every day has rows dated on it;
- ``daily_volume_normal`` (warning): each day's rows are within the configured ratios of the
  median of the days before it.

Each check's query, in ``sql/checks/``, returns the failing rows; the figures beside it go into
the check's metadata. A source's checks are evaluated in one step (``<source>_contracts``) on one
connection; each keeps its own name, result and severity.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    multi_asset_check,
)

from pipeline.assets.ingest import staging_key
from pipeline.checks.queries import kept, query
from pipeline.loading.audit import amount_column, ensure_audit_tables
from pipeline.partitions import RunDays, run_days
from pipeline.resources import IngestSettings
from pipeline.sources import SOURCES, Source
from pipeline.sql_files import quote_ident, table_exists
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse


def _loaded_files(
    conn: duckdb.DuckDBPyConnection, source: Source, money: str | None, check: str
) -> tuple[list[tuple], list[tuple]]:
    """Every loaded file with the ledger's figures beside what the tables hold now, and the files
    failing ``check`` (``sql/checks/<check>.sql``); none before the source has a staging
    table."""
    ensure_audit_tables(conn)
    if not table_exists(conn, "staging", source.name):
        return [], []
    amount = quote_ident(money) if money else "CAST(NULL AS DECIMAL(38, 12))"
    conn.execute(
        f"CREATE OR REPLACE TEMP VIEW _staged_rows AS SELECT source_file, {amount} AS amount "
        f"FROM staging.{quote_ident(source.name)}"
    )
    files = kept(conn, "_loaded_files", "loaded_files", {"source": source.name})
    return files, query(conn, check)


def _files_not_conserved(broken: list[tuple]) -> MetadataValue:
    """The files whose read figure is not staged + quarantined + duplicate, one line each."""
    return MetadataValue.md(
        "\n".join(
            f"- `{file}`: read {read} != staged {staged} + quarantined {quarantined} "
            f"+ duplicate {duplicate}"
            for file, read, staged, quarantined, duplicate in broken
        )
        or "none"
    )


def _rows_conserved_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "rows_conserved",
        asset=staging_key(source.name),
        blocking=True,
        description="Rows read = rows staged + rows quarantined + duplicates dropped, per file.",
    )


def _rows_conserved(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    files, broken = _loaded_files(conn, source, None, "rows_conserved")
    totals = [sum(f[i] for f in files) for i in range(1, 5)]
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "files": len(files),
            "rows_read": totals[0],
            "rows_staged": totals[1],
            "rows_quarantined": totals[2],
            "rows_duplicate": totals[3],
            "files_not_conserved": _files_not_conserved(broken),
        },
    )


def _amount_conserved_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "amount_conserved",
        asset=staging_key(source.name),
        blocking=True,
        description=f"The exact total of {source.amount_column or 'the amount'} read from the "
        "files = staged + quarantined (where parseable) + duplicates dropped, per file.",
    )


def _amount_conserved(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    money = amount_column(source, ingest_settings)
    files, broken = _loaded_files(conn, source, money, "amount_conserved")
    totals = [sum((Decimal(f[i]) for f in files), Decimal(0)) for i in range(5, 9)]
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "amount_column": money,
            "amount_read": str(totals[0]),
            "amount_staged": str(totals[1]),
            "amount_quarantined": str(totals[2]),
            "amount_duplicate": str(totals[3]),
            "difference": str(totals[0] - totals[1] - totals[2] - totals[3]),
            "files_not_conserved": _files_not_conserved(broken),
        },
    )


def _quarantine_share_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "quarantine_share",
        asset=staging_key(source.name),
        description="Warns when the share of rows read that went to quarantine exceeds "
        "IngestSettings.quarantine_warn_ratio; lists the most frequent reasons.",
    )


def _quarantine_share(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    parameters = {"source": source.name}
    ensure_audit_tables(conn)
    [(read, quarantined)] = query(conn, "quarantine_totals", parameters)
    too_many = query(
        conn,
        "quarantine_share",
        {**parameters, "threshold": ingest_settings.quarantine_warn_ratio},
    )
    reasons = query(conn, "quarantine_reasons", parameters)
    share = quarantined / read if read else 0.0
    return AssetCheckResult(
        passed=not too_many,
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


def _every_file_loaded_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "every_file_loaded",
        asset=staging_key(source.name),
        description=f"Warns when a file under <data_dir>/{source.name}/ is not loaded (not a "
        "format the source reads, hidden, ...), naming each file and why; restated export runs "
        "and manifests are counted, not warned about.",
    )


def _every_file_loaded(
    context: AssetCheckExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    ingest_settings: IngestSettings,
) -> AssetCheckResult:
    parameters = {"source": source.name}
    ensure_audit_tables(conn)
    by_status = dict(query(conn, "files_by_status", parameters))
    ignored = query(conn, "every_file_loaded", parameters)
    return AssetCheckResult(
        passed=not ignored,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "files_loaded": by_status.get("loaded", 0),
            "files_superseded": by_status.get("superseded", 0),
            "export_manifests": by_status.get("manifest", 0),
            "files_ignored": len(ignored),
            "ignored": MetadataValue.md(
                "\n".join(f"- `{file}`: {reason}" for file, reason in ignored[:200]) or "none"
            ),
        },
    )


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
    """The run's days with their rows (see _daily_volume); None when the run targets no day."""
    days = run_days(context.run.tags)
    if days is None:
        return None
    return _daily_volume(conn, source, days, ingest_settings.volume_baseline_days)


NO_RUN_DAYS = "the run targets no day; nothing to check"


def _nothing_to_check(note: str) -> AssetCheckResult:
    return AssetCheckResult(passed=True, metadata={"note": note})


def _day_list(days: list, limit: int = 31) -> str:
    shown = ", ".join(str(d) for d in days[:limit])
    return shown + (f" and {len(days) - limit} more" if len(days) > limit else "") or "none"


def _delivered_every_day_spec(source: Source) -> AssetCheckSpec:
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


def _delivered_every_day(
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


def _daily_volume_normal_spec(source: Source) -> AssetCheckSpec:
    return AssetCheckSpec(
        "daily_volume_normal",
        asset=staging_key(source.name),
        description=f"Warns when a day's {source.name} rows are below volume_low_ratio or above "
        "volume_high_ratio times the median of the volume_baseline_days days before it.",
    )


def _daily_volume_normal(
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


# How one check is evaluated: on the step's connection, for one source.
Evaluation = Callable[
    [AssetCheckExecutionContext, duckdb.DuckDBPyConnection, Source, IngestSettings],
    AssetCheckResult,
]


def _checks_of(source: Source) -> list[tuple[AssetCheckSpec, Evaluation]]:
    """The checks that apply to `source`, in the order they are evaluated."""
    return [
        (_rows_conserved_spec(source), _rows_conserved),
        *([(_amount_conserved_spec(source), _amount_conserved)] if source.amount_column else []),
        (_quarantine_share_spec(source), _quarantine_share),
        (_every_file_loaded_spec(source), _every_file_loaded),
        *(
            [
                (_delivered_every_day_spec(source), _delivered_every_day),
                (_daily_volume_normal_spec(source), _daily_volume_normal),
            ]
            if source.daily
            else []
        ),
    ]


def build_source_checks(source: Source) -> AssetChecksDefinition:
    """Every check of one source's staging table, evaluated in one step on one connection: the
    checks stay separate in the UI and each has its own result, but a run does not pay a step
    (and a connection) per check."""
    checks = _checks_of(source)

    @multi_asset_check(
        name=f"{source.name}_contracts",
        specs=[spec for spec, _ in checks],
        can_subset=True,
        pool=WAREHOUSE_POOL,
    )
    def _contracts(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> Iterator[AssetCheckResult]:
        selected = context.selected_asset_check_keys
        with warehouse.get_connection() as conn:
            for spec, evaluate in checks:
                if spec.key in selected:
                    result = evaluate(context, conn, source, ingest_settings)
                    yield AssetCheckResult(
                        asset_key=spec.asset_key,
                        check_name=spec.name,
                        passed=result.passed,
                        severity=result.severity,
                        metadata=result.metadata,
                    )

    return _contracts


ingest_checks = [build_source_checks(source) for source in SOURCES.values()]
