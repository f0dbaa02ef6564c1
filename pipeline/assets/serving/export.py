"""The Parquet export (asset ``serving/parquet_export``): every published table as Parquet under
``<export_dir>/current/<view>/``, hive-partitioned by month (``period_month=YYYY-MM``).

Each run writes a new folder under ``runs/`` and publishes it by switching the ``current`` link to
it in one rename. After a windowed publish, a windowed table's months before the window are hard
links to the files of the export it follows (named in ``current/_publication.json``).

Each file carries its table's comment and its columns' comments in the Parquet key-value
metadata (``description``; ``column_descriptions``, a JSON object by column), so the
descriptions travel with the data. Every file is one pandas, pyarrow, polars and DuckDB read as
they are: rows without a date are in ``period_month=undated`` (never Hive's
``__HIVE_DEFAULT_PARTITION__``, a partition with no value, which pyarrow cannot type), and an
empty table is one zero-row file, ``empty.parquet``, with its columns and ``period_month``.
"""

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline.assets.serving.publishing import published_tables, read_published
from pipeline.assets.serving.views import serving_view
from pipeline.resources import ServingSettings
from pipeline.sql_files import quote_ident, sql_string
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse

# Written last into each export folder: the publication (run) it holds.
EXPORT_MANIFEST = "_publication.json"

# The month partition of rows without a date; it sorts after every YYYY-MM, so it is always
# in a windowed export's window (rows without a date are republished every run).
UNDATED = "undated"


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
        if month >= first_month:
            continue
        (target / folder.name).mkdir(parents=True, exist_ok=True)
        for file in folder.iterdir():
            try:
                os.link(file, target / folder.name / file.name)
            except OSError:
                shutil.copy2(file, target / folder.name / file.name)
        kept += 1
    return kept


def _descriptions(conn, view: str) -> str:
    """The COPY option writing a published table's comment and its columns' comments into each
    Parquet file's key-value metadata."""
    (table,) = conn.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'serving' AND table_name = $view",
        {"view": view},
    ).fetchone()
    columns = dict(
        conn.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = "
            "current_database() AND schema_name = 'serving' AND table_name = $view "
            "ORDER BY column_index",
            {"view": view},
        ).fetchall()
    )
    columns["period_month"] = (
        f"The month (YYYY-MM) of the row's {serving_view(view).partition_by}, the export's "
        f"partition; '{UNDATED}' for rows without one."
    )
    return (
        f"KV_METADATA {{description: {sql_string(table or '')}, "
        f"column_descriptions: {sql_string(json.dumps(columns))}}}"
    )


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
    # it reads the published file under the warehouse's limits, so it takes that resource and
    # its pool (one slot per run: no wait inside a run)
    pool=WAREHOUSE_POOL,
)
def parquet_export(
    context: AssetExecutionContext, serving_settings: ServingSettings, warehouse: Warehouse
) -> MaterializeResult:
    root = Path(serving_settings.export_dir)
    runs = root / "runs"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = runs / f"{stamp}-{context.run.run_id[:8]}"
    target.mkdir(parents=True)
    rows, linked_months = {}, {}
    with read_published(serving_settings, warehouse) as conn:
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
        # the run's limits (Warehouse), which the export's COPY stays within
        memory_limit, threads = conn.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
        for view in published_tables(conn):
            declared = serving_view(view)
            date_column = quote_ident(declared.partition_by)
            # A windowed table's months before the window are the previous export's files.
            first_month = (
                declared.first_republished_day(publication["recomputed_from"]).strftime("%Y-%m")
                if previous is not None
                and declared.windowed
                and view not in publication["whole"]
                and (previous / view).is_dir()
                else None
            )
            month = f"COALESCE(strftime({date_column}, '%Y-%m'), $undated)"
            described = _descriptions(conn, view)
            conn.execute(
                f"COPY (SELECT *, {month} AS period_month "
                f"FROM serving.{quote_ident(view)} "
                f"WHERE $first_month IS NULL OR {month} >= $first_month"
                ") TO $path (FORMAT parquet, PARTITION_BY (period_month), OVERWRITE_OR_IGNORE, "
                f"{described})",
                {"path": str(target / view), "first_month": first_month, "undated": UNDATED},
            )
            if first_month is not None:
                linked_months[view] = _link_months_before(
                    previous / view, target / view, first_month
                )
            rows[view] = conn.execute(
                f"SELECT COUNT(*) FROM serving.{quote_ident(view)}"
            ).fetchone()[0]
            if rows[view] == 0:
                # an empty table still has its columns: one zero-row file, so readers find the
                # schema (period_month included, as in the partitioned files)
                (target / view).mkdir(parents=True, exist_ok=True)
                conn.execute(
                    f"COPY (SELECT *, CAST(NULL AS VARCHAR) AS period_month "
                    f"FROM serving.{quote_ident(view)} WHERE false) TO $path "
                    f"(FORMAT parquet, {described})",
                    {"path": str(target / view / "empty.parquet")},
                )
    (target / EXPORT_MANIFEST).write_text(json.dumps({"run_id": publication["run_id"]}))
    # Publish: point a fresh link at the new folder, then rename it over `current` (atomic).
    link = root / f".current-{stamp}"
    link.symlink_to(target.relative_to(root))
    current = root / "current"
    copied = None
    if current.is_dir() and not current.is_symlink():
        # the export folder was copied without its links (`cp -r`): `current` is a folder, which
        # a link cannot be renamed over; it is set aside and removed once the link is in place
        copied = root / f".copied-current-{stamp}"
        current.rename(copied)
    os.replace(link, current)
    if copied is not None:
        shutil.rmtree(copied)
    for old in sorted(runs.iterdir())[: -serving_settings.exports_kept]:
        shutil.rmtree(old)
    return MaterializeResult(
        metadata={
            "export_dir": str((root / "current").resolve()),
            "started_from": str(previous) if previous is not None else "nothing",
            "duckdb_memory_limit": memory_limit,
            "duckdb_threads": threads,
            "months_kept_from_previous_export": MetadataValue.md(
                "\n".join(f"- {v}: {n}" for v, n in linked_months.items()) or "none"
            ),
            "rows": MetadataValue.md("\n".join(f"- {v}: {n}" for v, n in rows.items())),
        }
    )
