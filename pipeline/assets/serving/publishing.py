"""The published database (asset ``serving/published``): a separate DuckDB file holding every
serving view as a table, with its comments, one row in ``serving.publication`` and the table macro
``showback_between`` for any window of days.

It is built beside the old file and swapped in with one rename once every blocking check has
passed, so readers never see a half-built state and a reader holding it open never blocks a run.
After a windowed run it starts from a copy of the last published file and replaces only the rows
of the views declared ``@republish from_window`` (``sql/serving/``) from the run's
``recompute_from`` on (``from_window_week``: from the Monday of its week). The run's window and
the builds published so far are read and recorded through ``pipeline.run_state``.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline.assets.serving.views import serving_view, serving_views
from pipeline.locks import exclusive, holder
from pipeline.resources import ServingSettings
from pipeline.run_state import decided_window, last_build, now_utc, record_build
from pipeline.sql_files import create_macros, quote_ident, read_sql, sql_string
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse, also_on_failure, transaction

# The table macro any [from, to] window is read through (SPEC 11), created in the published
# database with the macros of sql/macros/ it calls, so any client of that file can use it.
WINDOW_MACRO = "showback_range.sql"


def published_tables(conn) -> list[str]:
    """The serving tables of a published database (its `publication` row aside)."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'serving' AND table_name <> 'publication' ORDER BY 1"
        ).fetchall()
    ]


def published_rows(conn, sql: str, parameters: dict | None = None) -> list[dict]:
    """The rows of a query on a published database, each as {column: value}."""
    cursor = conn.execute(sql, parameters or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# The name the published database is attached under while it is read.
READ_AS = "published_database"


@contextmanager
def read_published(
    serving_settings: ServingSettings, warehouse: Warehouse
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection reading the published database, as its current default database (so
    `serving.<table>` is the published table): attached read-only to the run's warehouse session,
    so that what the export reads and what the warehouse still caches share one memory limit (a
    second database in the process would have a limit of its own, up to twice the resident set)."""
    with warehouse.get_connection() as conn:
        warehouse_name = conn.execute("SELECT current_database()").fetchone()[0]
        # the run's open database outlives a step's session: a reader whose detach failed must
        # not leave the name taken for the next one
        conn.execute(f"DETACH DATABASE IF EXISTS {READ_AS}")
        conn.execute(
            f"ATTACH {sql_string(serving_settings.published_database)} AS {READ_AS} (READ_ONLY)"
        )

        def detach() -> None:
            conn.execute(f"USE {quote_ident(warehouse_name)}")
            conn.execute(f"DETACH {READ_AS}")

        try:
            conn.execute(f"USE {READ_AS}")
            yield conn
        except BaseException as error:
            also_on_failure(error, "detaching the published database", detach)
            raise
        detach()


PUBLICATION = """
    SELECT
        CAST($run_id AS VARCHAR) AS run_id,
        CAST($published_at AS TIMESTAMP) AS published_at,
        CAST($as_of AS TIMESTAMP) AS as_of,
        CAST($recompute_from AS DATE) AS recomputed_from,
        CAST($full_rebuild AS BOOLEAN) AS full_rebuild,
        CAST($previous_run_id AS VARCHAR) AS previous_run_id,
        CAST($tables_republished_whole AS VARCHAR[]) AS tables_republished_whole,
        CAST($storage_version AS VARCHAR) AS storage_version
"""


def _columns(conn, database: str, table: str) -> list[tuple]:
    return conn.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = $database "
        "AND schema_name = 'serving' AND table_name = $table ORDER BY column_index",
        {"database": database, "table": table},
    ).fetchall()


def _previous_publication(conn, target: Path, storage_version: str) -> str | None:
    """The run id of the last published build when `target` is still that build's file, written
    in `storage_version` (a file in another version is not built on: it is published whole)."""
    last = last_build(conn)
    if last is None or not target.exists() or last["published_database"] != str(target.resolve()):
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as published:
            in_file = published.execute(
                "SELECT run_id, storage_version FROM serving.publication"
            ).fetchone()
    except duckdb.Error:
        return None
    return last["run_id"] if in_file == (last["run_id"], storage_version) else None


def _write_tables(
    conn,
    context: AssetExecutionContext,
    window: dict | None,
    previous_run_id: str | None,
    published_at,
    rows: dict[str, int],
    republished: dict[str, int],
    storage_version: str,
) -> None:
    """Every serving view into publish_target, with its comments, the publication row and the
    window macro; `rows` and `republished` are filled per view."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS publish_target.serving")
    conn.execute("DROP TABLE IF EXISTS publish_target.serving.publication")
    views = serving_views(conn)
    for (stale,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'publish_target' "
        "AND schema_name = 'serving'"
    ).fetchall():
        if stale not in views:
            conn.execute(f"DROP TABLE publish_target.serving.{quote_ident(stale)}")
    whole = []
    warehouse_name = conn.execute("SELECT current_database()").fetchone()[0]
    for view in views:
        name = quote_ident(view)
        declared = serving_view(view)
        windowed = (
            previous_run_id is not None
            and declared.windowed
            and _columns(conn, "publish_target", view) == _columns(conn, warehouse_name, view)
        )
        if windowed:
            day = quote_ident(declared.partition_by)
            in_window = f"{day} >= $first_day OR {day} IS NULL"
            first_day = declared.first_republished_day(window["recompute_from"])
            conn.execute(
                f"DELETE FROM publish_target.serving.{name} WHERE {in_window}",
                {"first_day": first_day},
            )
            republished[view] = conn.execute(
                f"INSERT INTO publish_target.serving.{name} "
                f"SELECT * FROM serving.{name} WHERE {in_window}",
                {"first_day": first_day},
            ).fetchone()[0]
        else:
            whole.append(view)
            conn.execute(f"DROP TABLE IF EXISTS publish_target.serving.{name}")
            conn.execute(
                f"CREATE TABLE publish_target.serving.{name} AS SELECT * FROM serving.{name}"
            )
        (rows[view],) = conn.execute(
            f"SELECT COUNT(*) FROM publish_target.serving.{name}"
        ).fetchone()
        republished.setdefault(view, rows[view])
    # Only the comments a table does not carry yet: one COMMENT costs about a millisecond, and
    # the serving tables have about a thousand columns.
    for table, column, text in conn.execute(
        read_sql("publishing/comments_to_write.sql"), {"warehouse": warehouse_name}
    ).fetchall():
        target = f"publish_target.serving.{quote_ident(table)}"
        conn.execute(
            f"COMMENT ON TABLE {target} IS {sql_string(text)}"
            if column is None
            else f"COMMENT ON COLUMN {target}.{quote_ident(column)} IS {sql_string(text)}"
        )
    conn.execute(
        "CREATE TABLE publish_target.serving.publication AS " + PUBLICATION,
        {
            "run_id": context.run.run_id,
            "published_at": published_at,
            "as_of": window["as_of"] if window else None,
            "recompute_from": window["recompute_from"] if window else None,
            "full_rebuild": window["full_rebuild"] if window else None,
            "previous_run_id": previous_run_id,
            "tables_republished_whole": whole,
            "storage_version": storage_version,
        },
    )
    conn.execute(
        "COMMENT ON TABLE publish_target.serving.publication IS "
        "'One row: the run that published this database, when, and the time outcomes "
        "were judged at (as_of).'"
    )
    _create_window_macro(conn, warehouse_name)


def _create_window_macro(conn, warehouse_name: str) -> None:
    """showback_between (and the macros it calls) in the published database's default schema,
    so `SELECT * FROM showback_between(DATE '2026-10-01', DATE '2026-10-07')` works from any
    client of that file; it reads the published serving.showback_daily_facts."""
    conn.execute("USE publish_target")
    try:
        create_macros(conn)
        conn.execute(read_sql(f"serving/{WINDOW_MACRO}"))
    finally:
        conn.execute(f"USE {quote_ident(warehouse_name)}")


@asset(
    key=AssetKey(["serving", "published"]),
    description="The published database (ServingSettings.published_database): every serving "
    "view as a table with its comments, and one row in serving.publication saying when it was "
    "published and as of when outcomes were judged, and the table macro "
    "showback_between(from_day, to_day) over its daily facts. Built into a new file beside the "
    "old one "
    "and renamed over it only after the run's blocking checks passed: a failed or killed run "
    "leaves the last good file in place, and a reader holding the old file open keeps reading "
    "it until it reconnects. Records the build in audit.builds, which closes the changes it "
    "consumed.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "views"])],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def published_database(
    context: AssetExecutionContext, warehouse: Warehouse, serving_settings: ServingSettings
) -> MaterializeResult:
    target = Path(serving_settings.published_database)
    target.parent.mkdir(parents=True, exist_ok=True)
    # One publish at a time per published database, whichever warehouse it comes from.
    with exclusive(
        publish_lock_path(target),
        holder(context.run.run_id, context.run.job_name),
        f"The published database {target}",
        warehouse.lock_wait_seconds,
    ):
        removed = remove_left_behind(target)
        if removed:
            context.log.info("removed what killed publishes left: " + ", ".join(removed))
        building = target.with_name(f".{target.name}.{context.run.run_id[:8]}.building")
        try:
            return _publish(
                context,
                warehouse,
                target,
                building,
                removed,
                serving_settings.published_storage_version,
            )
        except BaseException as error:
            also_on_failure(error, f"removing {building.name}", lambda: _remove(building))
            raise


def publish_lock_path(target: Path) -> Path:
    """The lock file a run holds while it publishes to `target`."""
    return target.with_name(f"{target.name}.lock")


def _remove(building: Path) -> None:
    """A publish's file being built and what DuckDB keeps beside it (its .wal)."""
    for path in building.parent.glob(f"{building.name}*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def remove_left_behind(target: Path) -> list[str]:
    """Remove the `.building` files of publishes to `target` that are no longer running, with
    their write-ahead logs (`.building.wal`), and return their names. Called with the publish
    lock held: every publish holds it from before it creates its file until that file is renamed
    over `target` or removed, so every such file found now is a killed run's."""
    left = sorted(target.parent.glob(f".{target.name}.*.building*"))
    for path in left:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return [path.name for path in left]


def _publish(
    context: AssetExecutionContext,
    warehouse: Warehouse,
    target: Path,
    building: Path,
    removed: list[str],
    storage_version: str,
) -> MaterializeResult:
    published_at = now_utc()
    rows, republished = {}, {}
    with warehouse.get_connection() as conn:
        window = decided_window(conn, context.run.run_id)
        # Start from the last published file when this run recomputed only a window of it.
        previous_run_id = (
            _previous_publication(conn, target, storage_version)
            if window and not window["full_rebuild"]
            else None
        )
        if previous_run_id:
            shutil.copyfile(target, building)
        # Written in the storage version older clients read (ServingSettings); a copied file
        # keeps the version it was written in, which _previous_publication checked.
        conn.execute(
            f"ATTACH {sql_string(str(building))} AS publish_target "
            f"(STORAGE_VERSION {sql_string(storage_version)})"
        )
        try:
            # One transaction: the new file is written once, at COMMIT, not once per statement.
            with transaction(conn):
                _write_tables(
                    conn,
                    context,
                    window,
                    previous_run_id,
                    published_at,
                    rows,
                    republished,
                    storage_version,
                )
        except BaseException as error:
            also_on_failure(
                error,
                "detaching the file being built",
                lambda: conn.execute("DETACH publish_target"),
            )
            raise
        conn.execute("DETACH publish_target")
        # One rename: readers opening the path see the old file or the new one, never a mix.
        os.replace(building, target)
        if window:
            record_build(conn, context.run.run_id, published_at, window, str(target.resolve()))
    return MaterializeResult(
        metadata={
            "published_database": str(target.resolve()),
            "as_of": str(window["as_of"]) if window else "not recomputed in this run",
            "size_bytes": target.stat().st_size,
            "storage_version": storage_version,
            "started_from": f"the file of run {previous_run_id}" if previous_run_id else "empty",
            "rows": MetadataValue.md("\n".join(f"- {v}: {n}" for v, n in rows.items())),
            "rows_written": MetadataValue.md(
                "\n".join(f"- {v}: {n}" for v, n in republished.items())
            ),
            "removed_left_behind": MetadataValue.md(
                "\n".join(f"- {name}" for name in removed) or "nothing"
            ),
        }
    )
