"""What each fresh process of the benchmark runs (the scan floor, the write floor, a daily run),
and how it is run: every child prints its report, with its own peak resident set, as one JSON line
marked ``BENCH_REPORT``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from pipeline.warehouse import Warehouse

PROJECT = Path(__file__).resolve().parent.parent

# The column each source's rows are grouped by in the scan floor (the task, where rows name one).
SCAN_FLOOR_KEYS = {
    "llm_requests": "task_id",
    "tool_calls": "task_id",
    "agent_actions": "task_id",
    "action_events": "action_id",
    "time_entries": "task_id",
    "consequence_records": "task_id",
    "billing_lines": "Tags",
}

# DuckDB's memory limit for the floors: the warehouse's default, so that they and the pipeline
# run under the same limit.
FLOOR_MEMORY_LIMIT = Warehouse.model_fields["memory_limit"].default

# What starts the line of a child's report, so that nothing else the child prints (a library's
# progress bar drawn without a newline, say) is taken for it.
REPORT_MARK = "BENCH_REPORT "

# Appended to every child: its own peak resident set, in its marked report line.
PEAK = (
    f"REPORT_MARK = {REPORT_MARK!r}\n"
    + """
import resource as _resource
_report["peak_rss_gib"] = round(_resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024**2, 3)
print()  # after whatever the child left on its last line
print(REPORT_MARK + json.dumps(_report))
"""
)


def run_child(code: str, *args: str) -> dict:
    """Run `code` in a fresh Python process; return its report with wall time and peak RSS."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code + PEAK, *args], capture_output=True, text=True, cwd=PROJECT
    )
    if out.returncode != 0:
        raise RuntimeError(f"child failed ({out.returncode}):\n{out.stderr[-4000:]}")
    reports = [
        line.split(REPORT_MARK, 1)[1] for line in out.stdout.splitlines() if REPORT_MARK in line
    ]
    if not reports:
        raise RuntimeError(f"child printed no report:\n{out.stdout[-2000:]}")
    report = json.loads(reports[-1])
    report["process_wall_s"] = round(time.perf_counter() - started, 2)
    return report


SCAN_FLOOR = """
import json, sys, time
from pathlib import Path
import duckdb
data_dir, keys, memory_limit = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
conn = duckdb.connect()
conn.execute("SET memory_limit = $limit", {"limit": memory_limit})
rows, started = {}, time.perf_counter()
for source, key in keys.items():
    files = [str(p) for p in sorted((data_dir / source).glob("*.parquet"))]
    if files:
        # every column is read (MAX of each), as a pipeline must read every column it keeps
        rows[source] = conn.execute(
            f"SELECT SUM(n) FROM (SELECT {key}, COUNT(*) AS n, MAX(COLUMNS(*)) "
            "FROM read_parquet($files) GROUP BY 1) AS t",
            {"files": files},
        ).fetchone()[0]
_report = {"seconds": round(time.perf_counter() - started, 2), "rows": rows}
"""

WRITE_FLOOR = """
import json, sys, time
from pathlib import Path
import duckdb
data_dir, database, memory_limit = Path(sys.argv[1]), sys.argv[2], sys.argv[4]
Path(database).unlink(missing_ok=True)
conn = duckdb.connect(database)
conn.execute("SET memory_limit = $limit", {"limit": memory_limit})
rows, started = {}, time.perf_counter()
for source in json.loads(sys.argv[3]):
    files = [str(p) for p in sorted((data_dir / source).glob("*.parquet"))]
    if files:
        # every row and column written once into a table of a database file, and checkpointed
        conn.execute(
            f"CREATE TABLE {source} AS SELECT * FROM read_parquet($files)", {"files": files}
        )
        rows[source] = conn.execute(f"SELECT COUNT(*) FROM {source}").fetchone()[0]
conn.execute("CHECKPOINT")
_report = {"seconds": round(time.perf_counter() - started, 2), "rows": rows}
"""

DAILY_RUN = """
import json, sys, time
import dagster as dg
from pipeline.definitions import defs as code_location
from pipeline.resources import ComputeEngine, IngestSettings, ServingSettings
from pipeline.warehouse import Warehouse
import os
os.environ.pop("AGENT_FINOPS_CONFIG", None)  # the benchmark's own settings, never a deployment's
defs = code_location()
data_dir, warehouse_dir, first, last, engine, threads = sys.argv[1:7]
job = defs.resolve_job_def("agent_finops_job")
tags = ({"dagster/partition": first} if first == last else
        {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})
instance = dg.DagsterInstance.ephemeral()
# the resident set, sampled every 0.1 s while the run lasts, so each step's peak can be read off
import threading
_rss_samples, _run_over = [], threading.Event()
def _sample_rss():
    page = os.sysconf("SC_PAGE_SIZE")
    while not _run_over.is_set():
        with open("/proc/self/statm") as statm:
            _rss_samples.append((time.time(), int(statm.read().split()[1]) * page))
        _run_over.wait(0.1)
if os.path.exists("/proc/self/statm"):
    threading.Thread(target=_sample_rss, daemon=True).start()
started = time.perf_counter()
result = job.execute_in_process(
    tags=tags,
    instance=instance,
    resources={
        "warehouse": Warehouse(
            database=f"{warehouse_dir}/agent_finops.duckdb", threads=int(threads) or None
        ),
        "ingest_settings": IngestSettings(data_dir=data_dir),
        "serving_settings": ServingSettings(
            published_database=f"{warehouse_dir}/published.duckdb",
            export_dir=f"{warehouse_dir}/exports",
            report_path=f"{warehouse_dir}/report.html",
            runtime_caps_path=f"{warehouse_dir}/litellm_budgets.json",
        ),
        # local Spark runs its executors inside the driver's JVM: give it the heap a day needs
        "compute_engine": ComputeEngine(
            engine=engine,
            exchange_dir=f"{warehouse_dir}/exchange",
            spark_conf={"spark.driver.memory": "8g"},
        ),
    },
    raise_on_error=False,
)
seconds = time.perf_counter() - started
_run_over.set()
steps, step_peak_rss = {}, {}
for s in instance.get_run_step_stats(result.run_id):
    if s.start_time and s.end_time:
        steps[s.step_key] = round(s.end_time - s.start_time, 2)
        # the step's peak resident set (GiB) among the samples taken while it ran
        during = [rss for at, rss in _rss_samples if s.start_time <= at <= s.end_time]
        if during:
            step_peak_rss[s.step_key] = round(max(during) / 1024**3, 3)
rows, model_seconds, engine_seconds = {}, {}, {"exchange_s": 0.0, "spark_s": 0.0}
for m in result.get_asset_materialization_events():
    meta = m.materialization.metadata
    if m.asset_key.path[0] == "staging" and "rows_read" in meta:
        rows[m.asset_key.path[1]] = meta["rows_read"].value
    # the models are built a few to a step: each model's own seconds are in its materialization
    if m.asset_key.path[0] in ("core", "marts") and "seconds" in meta:
        model_seconds["__".join(m.asset_key.path)] = meta["seconds"].value
    for key in engine_seconds:
        if key in meta:
            engine_seconds[key] += meta[key].value
def _innermost(error):
    # Dagster wraps a step's exception: the message worth reading is the first cause that is
    # not Dagster's own (the project's errors name the file or check; their causes do not)
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error
failed_steps = {
    e.step_key: _innermost(e.step_failure_data.error).message.strip()[:1000]
    for e in result.all_events
    if e.is_step_failure
}
failed_checks = sorted(
    f"{e.asset_key.to_user_string()}:{e.check_name}"
    for e in result.get_asset_check_evaluations()
    if not e.passed
)
_report = {"success": result.success, "seconds": round(seconds, 2), "steps": steps,
           "model_seconds": model_seconds, "step_peak_rss_gib": step_peak_rss,
           "rows_read": rows, "failed_steps": failed_steps, "failed_checks": failed_checks}
if engine == "spark":
    _report["models_on_spark"] = {k: round(v, 2) for k, v in engine_seconds.items()}
for m in result.get_asset_materialization_events():
    if m.asset_key.path == ["core", "cost_ledger"]:
        _report["ledger_parts_written"] = m.materialization.metadata["rows_recomputed"].value
# the consequence parts this run spread (SPEC 5): those of the records its window re-spread
import duckdb
with duckdb.connect(f"{warehouse_dir}/agent_finops.duckdb", read_only=True) as conn:
    _report["consequence_spread_parts_written"] = conn.execute(
        "SELECT COUNT(*) FROM core.cost_ledger AS l, (SELECT COALESCE(consequences_from, "
        "DATE '0001-01-01') AS day FROM audit.recompute_windows WHERE run_id = $run_id) AS w "
        "WHERE l.source = 'consequence_records' AND l.attribution LIKE 'spread%' "
        "AND (l.source_date >= w.day OR l.cost_date >= w.day)",
        {"run_id": result.run_id},
    ).fetchone()[0]
"""
