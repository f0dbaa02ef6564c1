"""Asset checks: the contracts of the staging tables.

For every source, over every file it has loaded:
- ``rows_conserved`` (blocking): rows read = rows staged + rows quarantined + duplicates dropped,
  counted from the tables themselves against the load ledger.
- ``amount_conserved`` (blocking, sources with money or hours): the exact decimal total read from
  the files = staged + quarantined (where parseable) + duplicates, to the last decimal.
- ``quarantine_share`` (warning): the share of rows read that went to quarantine stays under
  ``IngestSettings.quarantine_warn_ratio``.
"""

from decimal import Decimal

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from pipeline.assets.ingest import staging_key
from pipeline.ingest import amount_column, ensure_audit_tables
from pipeline.resources import IngestSettings, Warehouse
from pipeline.sources import SOURCES, Source


def _table_exists(conn, source: Source) -> bool:
    return bool(
        conn.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = 'staging' AND table_name = $name",
            {"name": source.name},
        ).fetchone()[0]
    )


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
        name="rows_conserved",
        blocking=True,
        description="Rows read = rows staged + rows quarantined + duplicates dropped, per file.",
    )
    def _check(context: AssetCheckExecutionContext, warehouse: Warehouse) -> AssetCheckResult:
        with warehouse.get_connection() as conn:
            ensure_audit_tables(conn)
            rows = _per_file_counts(conn, source, None) if _table_exists(conn, source) else []
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
            rows = _per_file_counts(conn, source, money) if _table_exists(conn, source) else []
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


ingest_checks = [
    check
    for source in SOURCES.values()
    for check in (
        build_row_check(source),
        *([build_amount_check(source)] if source.amount_column else []),
        build_quarantine_check(source),
    )
]
