"""The delivery check of every source: no file under its folder is passed over unnamed.

``every_file_loaded`` (warning) fails when a file under ``<data_dir>/<source>/`` is ignored (not
a format the source reads, hidden, a compressed JSON array) and names each with its reason.
Superseded files (earlier runs of a restated export) and export manifests are expected, and are
only counted. The records are in ``audit.load_ledger`` (``load_status``, ``status_reason``).
"""

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from pipeline.assets.ingest import staging_key
from pipeline.loading.audit import ensure_audit_tables
from pipeline.resources import WAREHOUSE_POOL, Warehouse
from pipeline.sources import Source


def build_delivery_check(source: Source) -> AssetChecksDefinition:
    @asset_check(
        asset=staging_key(source.name),
        pool=WAREHOUSE_POOL,
        name="every_file_loaded",
        description=f"Warns when a file under <data_dir>/{source.name}/ is not loaded (not a "
        "format the source reads, hidden, ...), naming each file and why; restated export runs "
        "and manifests are counted, not warned about.",
    )
    def _check(warehouse: Warehouse) -> AssetCheckResult:
        with warehouse.get_connection() as conn:
            ensure_audit_tables(conn)
            by_status = dict(
                conn.execute(
                    "SELECT load_status, COUNT(*) FROM audit.load_ledger WHERE source = $source "
                    "GROUP BY load_status",
                    {"source": source.name},
                ).fetchall()
            )
            ignored = conn.execute(
                "SELECT source_file, status_reason FROM audit.load_ledger "
                "WHERE source = $source AND load_status = 'ignored' ORDER BY source_file",
                {"source": source.name},
            ).fetchall()
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

    return _check
