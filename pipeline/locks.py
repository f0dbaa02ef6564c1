"""One writer at a time: exclusive locks over the files a run writes.

Runs launched through one Dagster instance (the UI, the schedule, the daemon) queue behind each
other before they start: every asset that writes the warehouse is in the concurrency pool
``WAREHOUSE_POOL``, which the instance limits to one run at a time (``dagster.yaml``). These locks
also keep apart runs that share no instance: two ``dagster job execute`` processes, or two
in-process ``materialize`` calls in one process.

Each lock is an OS advisory lock, flock(2), on a lock file beside the file it guards:

- the kernel releases it when the holding process ends, however it ends (even SIGKILL), so a
  killed run never leaves a lock behind and nothing has to decide whether a lock is stale;
- flock is held per open file, not per process (unlike fcntl(2) record locks, which DuckDB uses on
  its own files and which we leave alone), so two threads of one process exclude each other too;
- the lock file says who holds it (run id, job, start time, process, host), for the message the
  next run gets. It is kept between runs: removing it while a run holds it would let a second run
  lock a new file of the same name.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

# How often a run told to wait tries the lock again.
POLL_SECONDS = 0.5

# How long a holder may take between taking the lock and writing its name into the file.
NAME_WAIT_SECONDS = 2.0


class WriterBusy(RuntimeError):
    """Another run holds the lock: the message names it and when it started."""


def holder(run_id: str, job_name: str | None) -> dict[str, object]:
    """Who is taking a lock: written into the lock file for the runs that find it held."""
    return {
        "run_id": run_id,
        "job": job_name,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "pid": os.getpid(),
        "host": socket.gethostname(),
    }


def describe(who: dict | None) -> str:
    if not who:
        return "another process (which has not written its run id into the lock file)"
    job = f"job {who['job']}, " if who.get("job") else ""
    return (
        f"run {who['run_id']} ({job}started {who['started_at']}, "
        f"process {who['pid']} on {who['host']})"
    )


def _read_holder(path: Path) -> dict | None:
    """The holder written in a lock file; waits briefly for one that has just taken it."""
    deadline = time.monotonic() + NAME_WAIT_SECONDS
    while True:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)


@contextmanager
def exclusive(
    lock_path: Path, who: dict, subject: str, wait_seconds: float = 0.0
) -> Iterator[None]:
    """Hold the lock at `lock_path` for the block. When another holds it, wait up to
    `wait_seconds` for it, then raise WriterBusy naming the holder and `subject` (what the lock
    guards)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
                    raise WriterBusy(
                        f"{subject} is being written by {describe(_read_holder(lock_path))}; "
                        f"this run did not start{waited}. Only one run writes it at a time: "
                        f"let that run finish (or set the warehouse's lock_wait_seconds to wait "
                        f"for it). Lock file: {lock_path}"
                    ) from None
                time.sleep(min(POLL_SECONDS, remaining))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(who).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
