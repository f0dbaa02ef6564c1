"""The warehouse: the embedded DuckDB file every asset reads and writes, the run's hold on it,
and the transaction every write goes through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import InitResourceContext
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.locks import exclusive, holder
from pipeline.sql_files import create_macros

# The Dagster concurrency pool of every asset that writes the warehouse: an instance that limits it
# to one slot with run granularity (dagster.yaml) runs one such run at a time, queueing the rest.
WAREHOUSE_POOL = "agent_finops_warehouse"


class Warehouse(DuckDBResource):
    """The embedded DuckDB file every asset reads and writes.

    Sessions run in UTC so that timestamps with an offset are stored as UTC wall time.

    One run writes a warehouse at a time: a run holds the lock file ``<database>.lock`` from the
    moment its resources are set up until it ends (pipeline/locks.py). A second run on the same
    file fails at once naming the run that holds it and when that run started, or waits for it
    up to ``lock_wait_seconds``. Runs launched through a Dagster instance queue before they start
    instead (pool ``agent_finops_warehouse``, dagster.yaml).
    """

    database: str = Field(
        default="warehouse/agent_finops.duckdb",
        description="Path of the DuckDB file; its folder is created on first use.",
    )
    memory_limit: str = Field(
        default="5GB",
        description="DuckDB memory_limit; larger work spills to temp_directory. 5GB keeps the "
        "process (DuckDB, Python and Dagster) under 6 GiB on the benchmark's large-fleet day.",
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        description="DuckDB threads; unset: DuckDB's default, one per core. Fewer threads "
        "use less memory at once (each thread holds its own buffers).",
    )
    temp_directory: str | None = Field(
        default=None, description="Spill folder; DuckDB's default (<database>.tmp) when unset."
    )
    lock_wait_seconds: float = Field(
        default=0.0,
        ge=0,
        description="How long a run waits for another run writing the same warehouse (or "
        "publishing to the same published database) to finish; after that it fails naming "
        "that run. 0: fail at once.",
    )

    @property
    def lock_path(self) -> Path:
        """The lock file a run holds while it writes the warehouse."""
        return Path(f"{self.database}.lock")

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[Warehouse]:
        run = context.run
        if run is None:  # not a run (e.g. resources built outside one): nothing to keep apart
            with super().yield_for_execution(context) as resource:
                yield resource
            return
        with (
            exclusive(
                self.lock_path,
                holder(run.run_id, run.job_name),
                f"The warehouse {self.database}",
                self.lock_wait_seconds,
            ),
            super().yield_for_execution(context) as resource,
            self._held_open(),
        ):
            yield resource

    @contextmanager
    def _held_open(self) -> Iterator[None]:
        """Keep the database open for the whole run (or, under the multiprocess executor, the
        whole step), with the macros created once.

        DuckDB shares one open database among the connections a process makes to the same file,
        so each step's connection is a new session on the open file. Without this, every step
        re-opened the file (reading its catalog) and, closing the last connection, checkpointed
        it: about 60 ms a step, 40 % of a small day's run."""
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        key = str(Path(self.database).resolve())
        # the connection DuckDBResource makes for every step, so the configuration is the same
        with super().get_connection() as conn:
            try:
                create_macros(conn)
                _HELD_OPEN[key] = _HELD_OPEN.get(key, 0) + 1
                try:
                    yield
                finally:
                    _HELD_OPEN[key] -= 1
                    if not _HELD_OPEN[key]:
                        del _HELD_OPEN[key]
            except BaseException as error:
                also_on_failure(error, "closing the warehouse", conn.close)
                raise

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        held_open = str(Path(self.database).resolve()) in _HELD_OPEN
        with super().get_connection() as conn:
            # DuckDBResource closes the connection only when the block succeeds; a failed step's
            # connection would hold the file open until garbage collection.
            try:
                conn.execute("SET TimeZone = 'UTC'")
                # a run's output is its logs: no progress bar drawn into them
                conn.execute("SET enable_progress_bar = false")
                conn.execute("SET memory_limit = $limit", {"limit": self.memory_limit})
                if self.threads:
                    conn.execute("SET threads = $threads", {"threads": self.threads})
                if self.temp_directory:
                    conn.execute("SET temp_directory = $dir", {"dir": self.temp_directory})
                if not held_open:  # a run's open database has them already
                    create_macros(conn)
                yield conn
            except BaseException as error:
                also_on_failure(error, "closing the warehouse connection", conn.close)
                raise
            conn.close()


# Databases a run holds open in this process (resolved path -> how many runs), whose macros were
# created when they were opened.
_HELD_OPEN: dict[str, int] = {}


def also_on_failure(error: BaseException, what: str, action: Callable[[], object]) -> None:
    """Run a clean-up `action` after `error`, which the caller then raises. If the clean-up fails
    too, its error is added to `error` as a note: the error a run reports is always the one that
    failed it (a full disk, a denied permission, a file's line), never the clean-up's."""
    try:
        action()
    except Exception as secondary:
        error.add_note(f"({what} then failed too: {type(secondary).__name__}: {secondary})")


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT around the block; on failure the block's own error is raised.

    A failed statement leaves the transaction open: it is rolled back, and a failing ROLLBACK is
    only noted on the error. A failed COMMIT (a full disk when the write-ahead log is written)
    has already ended the transaction in DuckDB, with nothing of it kept; its error is raised as
    it is, and no ROLLBACK is sent that could only fail with "no transaction is active"."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException as error:
        also_on_failure(error, "the rollback", lambda: conn.execute("ROLLBACK"))
        raise
    conn.execute("COMMIT")
