"""Publishing: readers of the published database never see a half-built state.

A failed run leaves the last good file in place, unchanged and readable by another process; a
reader holding the file open keeps working while a run publishes, and does not block it.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import DATA_SAMPLES, check_results, materialize_everything, write

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
        if "STEP_START" in line and "core__cost_ledger" in line:
            run.kill()  # SIGKILL, midway through the core layer
            killed_at = line
            break
    run.wait(timeout=120)
    assert killed_at is not None and run.returncode == -9
    assert sha256(target) == digest
    assert read_in_another_process(target) == before
    # The next run opens the warehouse the killed run left, and publishes.
    assert materialize_everything(data_dir, db_path, days="2026-10-04").success
    assert read_in_another_process(target)[0] != before[0]
