"""Publishing: readers of the published database never see a half-built state.

A failed run leaves the last good file in place, unchanged and readable by another process; a
reader holding the file open keeps working while a run publishes, and does not block it. One run
writes a warehouse at a time, and publishing removes only what killed runs left.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import duckdb
import pytest

from pipeline.assets.serving.publishing import publish_lock_path
from pipeline.locks import exclusive, holder
from pipeline.warehouse import Warehouse
from tests.conftest import (
    DATA_SAMPLES,
    check_results,
    materialize_everything,
    run_failure_message,
    step_failure_message,
    write,
)

TOTALS = (
    "SELECT (SELECT run_id FROM serving.publication), "
    "CAST(SUM(total_cost_usd) AS VARCHAR) FROM serving.showback_fleet_monthly"
)

# Another process, as a BI tool would be: reads the published file read-only.
READ_ONCE = """
import json, sys, duckdb
with duckdb.connect(sys.argv[1], read_only=True) as conn:
    print(json.dumps(conn.execute(sys.argv[2]).fetchone()))
"""

# Holds one read-only connection open and queries it until told to stop.
HOLD_OPEN = """
import json, os, sys, time, duckdb
path, sql, stop = sys.argv[1], sys.argv[2], sys.argv[3]
conn = duckdb.connect(path, read_only=True)
print("ready", flush=True)
seen, errors, queries = set(), [], 0
while not os.path.exists(stop):
    try:
        seen.add(tuple(conn.execute(sql).fetchone()))
        queries += 1
    except Exception as error:
        errors.append(str(error))
    time.sleep(0.02)
print(json.dumps({"seen": sorted(seen), "errors": errors, "queries": queries}), flush=True)
"""


def read_in_another_process(path, sql=TOTALS):
    out = subprocess.run(
        [sys.executable, "-c", READ_ONCE, str(path), sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return tuple(json.loads(out.stdout))


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The samples built for their three days and published, once for the module."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(DATA_SAMPLES, root / "data")
    db_path = root / "warehouse" / "agent_finops.duckdb"
    assert materialize_everything(root / "data", db_path, days=("2026-10-01", "2026-10-03")).success
    return root


@pytest.fixture
def published(built_once, tmp_path):
    """A copy of the built samples (data, warehouse, published file) for one test to change."""
    shutil.copytree(built_once / "data", tmp_path / "data")
    shutil.copytree(built_once / "warehouse", tmp_path / "warehouse", symlinks=True)
    db_path = tmp_path / "warehouse" / "agent_finops.duckdb"
    return tmp_path / "data", db_path, db_path.parent / "published.duckdb"


def test_a_failed_run_leaves_the_published_tables_unchanged_and_readable(published):
    data_dir, db_path, target = published
    before, digest = read_in_another_process(target), sha256(target)
    write(data_dir, "llm_requests/2026-10-04.parquet", "not a parquet file")
    result = materialize_everything(data_dir, db_path, days="2026-10-04")
    assert not result.success
    assert [e.step_key for e in result.get_step_failure_events()] == ["staging__llm_requests"]
    assert sha256(target) == digest
    assert read_in_another_process(target) == before
    assert not list(target.parent.glob(".published.duckdb.*"))


def test_a_failed_blocking_check_stops_the_publish(published):
    data_dir, db_path, target = published
    digest = sha256(target)
    # Staging altered behind the pipeline's back: one billing row more than its file's ledger
    # accounts for, so the blocking rows_conserved check fails.
    with duckdb.connect(str(db_path)) as conn:
        conn.execute(
            "INSERT INTO staging.billing_lines SELECT * REPLACE ('copy-' || dedup_key AS "
            "dedup_key) FROM staging.billing_lines ORDER BY dedup_key LIMIT 1"
        )
    result = materialize_everything(data_dir, db_path, days="2026-10-04")
    assert check_results(result)[("billing_lines", "rows_conserved")] is False
    assert not result.success
    assert not [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[0] != "staging"
    ]
    assert sha256(target) == digest


def test_the_next_good_run_publishes_at_once(published):
    data_dir, db_path, target = published
    before_run, _ = read_in_another_process(target)
    assert materialize_everything(data_dir, db_path, days="2026-10-04").success
    after_run, _ = read_in_another_process(target)
    assert after_run != before_run
    assert read_in_another_process(
        target, "SELECT CAST(as_of AS VARCHAR) FROM serving.publication"
    ) == ("2026-10-05 00:00:00",)


def test_a_reader_holding_the_published_file_open_neither_blocks_nor_breaks(published, tmp_path):
    data_dir, db_path, target = published
    old = read_in_another_process(target)
    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(target), TOTALS, str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        result = materialize_everything(data_dir, db_path, days="2026-10-04")
        time.sleep(0.2)  # the reader keeps querying after the swap
    finally:
        stop.touch()
        report = json.loads(reader.communicate(timeout=60)[0])
    assert result.success
    assert report["errors"] == []
    assert report["queries"] > 0
    # the open connection kept reading the file it opened; a new one reads the new file
    assert [tuple(v) for v in report["seen"]] == [old]
    assert read_in_another_process(target)[0] != old[0]


def test_a_killed_run_leaves_the_published_tables_readable_and_the_next_run_recovers(
    published, tmp_path
):
    data_dir, db_path, target = published
    before, digest = read_in_another_process(target), sha256(target)
    config = tmp_path / "run_config.yaml"
    config.write_text(
        json.dumps(
            {
                "resources": {
                    "warehouse": {"config": {"database": str(db_path)}},
                    "ingest_settings": {"config": {"data_dir": str(data_dir)}},
                    "serving_settings": {
                        "config": {
                            "published_database": str(target),
                            "export_dir": str(tmp_path / "exports"),
                            "report_path": str(tmp_path / "report.html"),
                            "runtime_caps_path": str(tmp_path / "litellm_budgets.json"),
                        }
                    },
                }
            }
        )
    )
    run = subprocess.Popen(
        [
            sys.executable, "-m", "dagster", "job", "execute",
            "-m", "pipeline.definitions", "-j", "agent_finops_job",
            "-c", str(config), "--tags", json.dumps({"dagster/partition": "2026-10-04"}),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    killed_at = None
    for line in run.stdout:
        if "ASSET_MATERIALIZATION" in line and "action_outcomes" in line:
            run.kill()  # SIGKILL, midway through the models (the ledger comes later)
            killed_at = line
            break
    run.wait(timeout=120)
    assert killed_at is not None and run.returncode == -9
    assert sha256(target) == digest
    assert read_in_another_process(target) == before
    # The next run opens the warehouse the killed run left, and publishes.
    assert materialize_everything(data_dir, db_path, days="2026-10-04").success
    assert read_in_another_process(target)[0] != before[0]


def busy_message(subject, held_by, lock_file) -> str:
    """What a run finding `subject` locked by `held_by` (a lock file's contents) reports."""
    return (
        f"pipeline.locks.WriterBusy: {subject} is being written by run {held_by['run_id']} "
        f"(job {held_by['job']}, started {held_by['started_at']}, process {held_by['pid']} on "
        f"{held_by['host']}); this run did not start. Only one run writes it at a time: let that "
        "run finish (or set the warehouse's lock_wait_seconds to wait for it). "
        f"Lock file: {lock_file}\n"
    )


def test_a_run_on_a_warehouse_another_run_is_writing_fails_at_once_naming_it(published):
    data_dir, db_path, target = published
    before, digest, warehouse_digest = read_in_another_process(target), sha256(target), None
    lock_file = Warehouse(database=str(db_path)).lock_path
    with exclusive(lock_file, holder("run-writing-it", "agent_finops_job"), "the warehouse"):
        held_by = json.loads(lock_file.read_text())
        warehouse_digest = sha256(db_path)
        result = materialize_everything(data_dir, db_path, days="2026-10-04")
        assert sha256(db_path) == warehouse_digest
    assert not result.success
    assert held_by["pid"] == os.getpid() and held_by["host"] == socket.gethostname()
    assert run_failure_message(result) == busy_message(
        f"The warehouse {db_path}", held_by, lock_file
    )
    assert [e for e in result.all_events if e.is_step_event] == []
    assert sha256(target) == digest
    assert read_in_another_process(target) == before


def test_two_runs_launched_at_once_on_one_warehouse_never_interleave(published, tmp_path):
    data_dir, db_path, target = published
    old = read_in_another_process(target)
    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(target), TOTALS, str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    results, start = {}, threading.Barrier(2)

    def launch(name):
        start.wait()
        results[name] = materialize_everything(data_dir, db_path, days="2026-10-04")

    try:
        assert reader.stdout.readline().strip() == "ready"
        threads = [threading.Thread(target=launch, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    finally:
        stop.touch()
        report = json.loads(reader.communicate(timeout=60)[0])
    [first] = [r for r in results.values() if r.success]
    [second] = [r for r in results.values() if not r.success]
    message = run_failure_message(second)
    assert message.startswith(
        f"pipeline.locks.WriterBusy: The warehouse {db_path} is being written by run "
        f"{first.run_id} (job __ephemeral_asset_job__, started "
    )
    # the second run never ran a step: nothing of it interleaved with the first
    assert [e for e in second.all_events if e.is_step_event] == []
    assert report["errors"] == [] and report["queries"] > 0
    assert [tuple(v) for v in report["seen"]] == [old]
    assert read_in_another_process(target)[0] == first.run_id


def test_a_run_told_to_wait_starts_once_the_writer_has_finished(published):
    data_dir, db_path, target = published
    lock_file = Warehouse(database=str(db_path)).lock_path
    held, released_at = threading.Event(), []

    def writer():
        with exclusive(lock_file, holder("run-writing-it", "agent_finops_job"), "the warehouse"):
            held.set()
            time.sleep(3)
            released_at.append(datetime.now(UTC).replace(tzinfo=None))

    thread = threading.Thread(target=writer)
    thread.start()
    assert held.wait(timeout=30)
    result = materialize_everything(
        data_dir, db_path, days="2026-10-04", warehouse={"lock_wait_seconds": 120}
    )
    thread.join()
    assert result.success
    with duckdb.connect(str(target), read_only=True) as conn:
        run_id, published_at = conn.execute(
            "SELECT run_id, published_at FROM serving.publication"
        ).fetchone()
    assert run_id == result.run_id
    assert published_at > released_at[0]


def test_publishing_never_removes_the_file_of_a_run_still_publishing(published):
    data_dir, db_path, target = published
    digest = sha256(target)
    theirs = target.with_name(".published.duckdb.0123abcd.building")
    theirs.write_bytes(b"being built by the other run")
    lock_file = publish_lock_path(target)
    with exclusive(lock_file, holder("run-publishing", "agent_finops_job"), "publishing"):
        held_by = json.loads(lock_file.read_text())
        result = materialize_everything(data_dir, db_path, days="2026-10-04")
    assert [e.step_key for e in result.get_step_failure_events()] == ["serving__published"]
    assert step_failure_message(result) == busy_message(
        f"The published database {target}", held_by, lock_file
    )
    assert theirs.read_bytes() == b"being built by the other run"
    assert sha256(target) == digest


# A publish killed while writing its file: a DuckDB connection that is never closed, leaving the
# file being built and its write-ahead log.
KILLED_PUBLISH = """
import os, sys, duckdb
conn = duckdb.connect(sys.argv[1])
conn.execute("SET checkpoint_threshold = '1GB'")
conn.execute("CREATE SCHEMA serving")
conn.execute("CREATE TABLE serving.showback_fleet_monthly AS SELECT range AS n FROM range(1000)")
os.kill(os.getpid(), 9)
"""


def test_the_next_run_removes_what_a_killed_publish_left(published):
    data_dir, db_path, target = published
    building = target.with_name(".published.duckdb.dead0000.building")
    killed = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, str(building)], timeout=120)
    assert killed.returncode == -9
    left = sorted(p.name for p in target.parent.glob(".published.duckdb.*"))
    assert left == [
        ".published.duckdb.dead0000.building",
        ".published.duckdb.dead0000.building.wal",
    ]
    result = materialize_everything(data_dir, db_path, days="2026-10-04")
    assert result.success
    assert not list(target.parent.glob(".published.duckdb.*"))
    [published_event] = [
        m
        for m in result.get_asset_materialization_events()
        if m.asset_key.path == ["serving", "published"]
    ]
    assert published_event.materialization.metadata["removed_left_behind"].value == (
        "- .published.duckdb.dead0000.building\n- .published.duckdb.dead0000.building.wal"
    )
    # the published tables are the warehouse's serving views, row for row
    with duckdb.connect(str(db_path), read_only=True) as conn:
        conn.execute(f"ATTACH '{target}' AS published (READ_ONLY)")
        views = [
            v
            for (v,) in conn.execute(
                "SELECT view_name FROM duckdb_views() WHERE schema_name = 'serving' ORDER BY 1"
            ).fetchall()
        ]
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published' "
                "AND table_name <> 'publication' ORDER BY 1"
            ).fetchall()
        ]
        assert tables == views
        for view in views:
            assert conn.execute(
                f"SELECT COUNT(*) FROM (SELECT * FROM serving.{view} EXCEPT ALL "
                f"SELECT * FROM published.serving.{view})"
            ).fetchone() == (0,), view
            assert conn.execute(f"SELECT COUNT(*) FROM published.serving.{view}").fetchone() == (
                conn.execute(f"SELECT COUNT(*) FROM serving.{view}").fetchone()
            ), view
