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

For every daily (event) source, over the days of the run, ``delivered_every_day`` and
``daily_volume_normal`` (``pipeline/checks/daily.py``).

Each check's query, in ``sql/checks/``, returns the failing rows; the figures beside it go into
the check's metadata. Every source's checks are evaluated in one step (``staging_contracts``), each
source's on one connection; each check keeps its own name, result and severity.
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
from pipeline.checks.daily import (
    daily_volume_normal,
    daily_volume_normal_spec,
    delivered_every_day,
    delivered_every_day_spec,
)
from pipeline.checks.queries import kept, query
from pipeline.loading.audit import amount_column, ensure_audit_tables
from pipeline.metadata import amount_text
from pipeline.resources import IngestSettings
from pipeline.sources import SOURCES, Source
from pipeline.sql_files import quote_ident, table_exists
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse


def loaded_files(
    conn: duckdb.DuckDBPyConnection, source: Source, money: str | None, check: str
) -> tuple[list[tuple], list[tuple]]:
    """Every loaded file with the ledger's figures beside what the tables hold now, and the files
    failing ``check`` (``sql/checks/<check>.sql``); none before the source has a staging
    table. The contract of rows_conserved and amount_conserved (and of the test harness's
    contract_failures)."""
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
    files, broken = loaded_files(conn, source, None, "rows_conserved")
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
    files, broken = loaded_files(conn, source, money, "amount_conserved")
    totals = [sum((Decimal(f[i]) for f in files), Decimal(0)) for i in range(5, 9)]
    return AssetCheckResult(
        passed=not broken,
        metadata={
            "amount_column": money,
            "amount_read": amount_text(totals[0]),
            "amount_staged": amount_text(totals[1]),
            "amount_quarantined": amount_text(totals[2]),
            "amount_duplicate": amount_text(totals[3]),
            "difference": amount_text(totals[0] - totals[1] - totals[2] - totals[3]),
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
                (delivered_every_day_spec(source), delivered_every_day),
                (daily_volume_normal_spec(source), daily_volume_normal),
            ]
            if source.daily
            else []
        ),
    ]


class SourceChecksFailed(RuntimeError):
    """A source's checks raised an error (not a failed check: an error evaluating it)."""


def _evaluate(
    context: AssetCheckExecutionContext,
    warehouse: Warehouse,
    source: Source,
    ingest_settings: IngestSettings,
    wanted: list[tuple[AssetCheckSpec, Evaluation]],
) -> Iterator[AssetCheckResult]:
    """The results of one source's `wanted` checks, on a connection of its own (its checks
    share temp tables, _daily_volume)."""
    with warehouse.get_connection() as conn:
        ensure_audit_tables(conn)  # a run's checks can come before any load created them
        for spec, evaluate in wanted:
            result = evaluate(context, conn, source, ingest_settings)
            yield AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=result.passed,
                severity=result.severity,
                metadata=result.metadata,
            )


def build_staging_contracts() -> AssetChecksDefinition:
    """Every check of every source's staging table, evaluated in one step (``staging_contracts``),
    a connection per source: the checks stay separate in the UI and each has its own result and
    severity, but a run does not pay a step per source (with the models' steps, this took a
    sample day's run from 75 steps to 34: pipeline/assets/core.py). A run selecting some
    sources evaluates theirs only. A source whose checks raise an error does not stop the
    others': the step fails after them, naming each such source. A run in which a source's
    load fails skips this step (Dagster runs a step only when every step upstream succeeded):
    it evaluates no source's checks, and publishes nothing."""
    checks = {source.name: _checks_of(source) for source in SOURCES.values()}

    @multi_asset_check(
        name="staging_contracts",
        specs=[spec for of_source in checks.values() for spec, _ in of_source],
        can_subset=True,
        pool=WAREHOUSE_POOL,
    )
    def _contracts(
        context: AssetCheckExecutionContext,
        warehouse: Warehouse,
        ingest_settings: IngestSettings,
    ) -> Iterator[AssetCheckResult]:
        selected = context.selected_asset_check_keys
        failed: list[str] = []
        for source in SOURCES.values():
            wanted = [(spec, check) for spec, check in checks[source.name] if spec.key in selected]
            if not wanted:
                continue
            try:
                yield from _evaluate(context, warehouse, source, ingest_settings, wanted)
            except Exception as error:  # the other sources' checks still run
                context.log.error(f"{source.name}: {type(error).__name__}: {error}")
                failed.append(f"{source.name} ({type(error).__name__}: {error})")
        if failed:
            raise SourceChecksFailed(
                "the checks of these sources could not be evaluated: " + "; ".join(failed)
            )

    return _contracts


ingest_checks = [build_staging_contracts()]
