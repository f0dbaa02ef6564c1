"""Benchmark: one large-fleet day through the pipeline, beside the cost of reading it once.

    python -m bench.daily_run --requests 10000000 --history-days 30 --history-scale 0.1

Writes one generated day (``--requests`` LLM requests, a tenth as many actions with their events,
three tool calls per action, and per 10 million requests 200,000 billing lines, 20,000 time
entries and 5,000 incidents and refunds) as Parquet and as JSONL/CSV,
then measures, each in a fresh process so that peak memory is the run's own:

- the scan floor: DuckDB reading that day's files once and grouping them by task;
- the write floor: DuckDB reading that day's files once and writing every row into a table of a
  database file (what storing the day's rows costs before any validation or metric);
- the daily run (every asset of the job, ingest through the published database) for that day,
  on an empty warehouse, from Parquet and from JSONL/CSV;
- the same daily run on a warehouse already holding ``--history-days`` earlier days (generated at
  ``--history-scale`` of the day's size and built by one backfill run beforehand);
- rows per second per source (rows read / the ingest step's wall time).

Each run's failed steps and failed checks are recorded and printed under the table: a run that
did not finish is not a timing.

It prints a table and writes the figures as JSON (``--out``, default
``bench/results/<timestamp>.json``). Timings are wall-clock on this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.children import (
    DAILY_RUN,
    FLOOR_MEMORY_LIMIT,
    PROJECT,
    SCAN_FLOOR,
    SCAN_FLOOR_KEYS,
    WRITE_FLOOR,
    run_child,
)


def fleet_shape(requests: int) -> dict:
    """The large-fleet day's other sources, scaled to its requests: per 10 million requests,
    200,000 billing lines, 20,000 time entries and 5,000 consequence records (at least 1 each)."""
    return {
        f"{source}_per_day": max(1, round(per_10m * requests / 10_000_000))
        for source, per_10m in (
            ("billing_lines", 200_000),
            ("time_entries", 20_000),
            ("consequences", 5_000),
        )
    }


def generate_day(out: Path, day: date, requests: int, formats: tuple[str, ...]) -> dict:
    """One large-fleet day: per 10 million requests, 1 million actions, 3 million tool calls,
    200,000 billing lines, 20,000 time entries and 5,000 consequence records (at least 1 each)."""
    from sample_data.generator import generate

    actions = max(1, requests // 10)
    return generate(
        out,
        seed=11,
        start_date=day,
        days=1,
        actions_per_day=actions,
        requests_per_action=10.0,
        tool_calls_per_action=3.0,
        formats=formats,
        defects=False,
        **fleet_shape(requests),
    )


def daily_run(
    data_dir: Path,
    warehouse: Path,
    first: date,
    last: date,
    engine: str = "duckdb",
    threads: int | None = None,
) -> dict:
    return run_child(
        DAILY_RUN,
        str(data_dir),
        str(warehouse),
        first.isoformat(),
        last.isoformat(),
        engine,
        str(threads or 0),
    )


def rows_per_second(run: dict) -> dict:
    return {
        source: round(rows / run["steps"][f"staging__{source}"])
        for source, rows in run["rows_read"].items()
        if run["steps"].get(f"staging__{source}")
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000_000)
    # the history the targets are stated for: 30 days at a tenth of the day's size each
    parser.add_argument(
        "--history-days",
        type=int,
        default=30,
        help="Days of history the daily run is measured on besides the run without (0: none).",
    )
    parser.add_argument(
        "--history-scale",
        type=float,
        default=0.1,
        help="Size of each history day as a share of the benchmark day.",
    )
    parser.add_argument(
        "--spark",
        action="store_true",
        help="Also run the Parquet day with the models on local Spark (ComputeEngine "
        "engine='spark', local[2]); needs the 'spark' extra and Java 17.",
    )
    parser.add_argument(
        "--threads",
        default="",
        help="Also run the Parquet day with each of these DuckDB thread counts (comma-separated, "
        "for example 1, or 1,2), so the speed-up of the default run (one thread per core) over "
        "each is measured on the same day.",
    )
    parser.add_argument(
        "--no-text",
        action="store_true",
        help="Leave out the JSONL/CSV day (its generation and its run).",
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/agent_finops_bench"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    day = date(2026, 10, 1) + timedelta(days=args.history_days)
    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    figures: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "requests": args.requests,
        "day": day.isoformat(),
    }

    out = args.out or PROJECT / "bench" / "results" / (
        datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + ".json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        """The figures so far: a run that fails late keeps what it measured before."""
        out.write_text(json.dumps(figures, indent=2, default=str))

    def record(key: str, run: dict) -> None:
        """A daily run's figures, with its rows per second, kept under `key` and saved."""
        run["rows_per_second"] = rows_per_second(run)
        figures[key] = run
        save()

    inputs = {}
    formats_run = (("parquet", ("parquet",)),) + (
        () if args.no_text else (("text", ("jsonl", "csv")),)
    )
    for name, formats in formats_run:
        started = time.perf_counter()
        inputs[name] = work / f"input_{name}"
        written = generate_day(inputs[name], day, args.requests, formats)
        figures[f"generated_{name}"] = {
            "records": written,
            "seconds": round(time.perf_counter() - started, 1),
            "bytes": sum(p.stat().st_size for p in inputs[name].rglob("*") if p.is_file()),
        }

    figures["scan_floor_parquet"] = run_child(
        SCAN_FLOOR, str(inputs["parquet"]), json.dumps(SCAN_FLOOR_KEYS), FLOOR_MEMORY_LIMIT
    )
    figures["write_floor_parquet"] = run_child(
        WRITE_FLOOR,
        str(inputs["parquet"]),
        str(work / "write_floor.duckdb"),
        json.dumps(sorted(SCAN_FLOOR_KEYS)),
        FLOOR_MEMORY_LIMIT,
    )
    for name in inputs:
        record(f"daily_run_{name}", daily_run(inputs[name], work / f"warehouse_{name}", day, day))
    for threads in [int(n) for n in args.threads.split(",") if n.strip()]:
        record(
            f"daily_run_parquet_threads_{threads}",
            daily_run(
                inputs["parquet"], work / f"warehouse_threads_{threads}", day, day, threads=threads
            ),
        )
    if args.spark:
        record(
            "daily_run_parquet_spark",
            daily_run(inputs["parquet"], work / "warehouse_spark", day, day, engine="spark"),
        )

    if args.history_days:
        history = work / "input_history"
        started = time.perf_counter()
        from sample_data.generator import generate

        history_requests = int(args.requests * args.history_scale)
        generate(
            history,
            seed=13,
            start_date=day - timedelta(days=args.history_days),
            days=args.history_days,
            actions_per_day=max(1, history_requests // 10),
            requests_per_action=10.0,
            tool_calls_per_action=3.0,
            formats=("parquet",),
            defects=False,
            **fleet_shape(history_requests),
        )
        for path in inputs["parquet"].rglob("*"):
            if path.is_file():
                target = history / path.relative_to(inputs["parquet"])
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    shutil.copyfile(path, target)
        warehouse = work / "warehouse_history"
        backfill = daily_run(
            history, warehouse, day - timedelta(days=args.history_days), day - timedelta(days=1)
        )
        figures["history_backfill"] = {
            "days": args.history_days,
            "scale": args.history_scale,
            "seconds": backfill["seconds"],
            # a backfill that failed leaves no published build: the next run is a full rebuild
            "success": backfill["success"],
            "failed_steps": backfill["failed_steps"],
            "peak_rss_gib": backfill["peak_rss_gib"],
            "generate_and_backfill_s": round(time.perf_counter() - started, 1),
            # which step holds the backfill's peak, and where its time goes
            "steps": backfill["steps"],
            "step_peak_rss_gib": backfill["step_peak_rss_gib"],
            "model_seconds": backfill["model_seconds"],
        }
        save()
        record("daily_run_with_history", daily_run(history, warehouse, day, day))

    floor = figures["scan_floor_parquet"]["seconds"]
    parquet = figures["daily_run_parquet"]
    figures["ratios"] = {
        "daily_run_parquet_over_scan_floor": round(parquet["seconds"] / floor, 2),
        "daily_run_parquet_over_write_floor": round(
            parquet["seconds"] / figures["write_floor_parquet"]["seconds"], 2
        ),
        **(
            {
                "spark_over_duckdb": round(
                    figures["daily_run_parquet_spark"]["seconds"] / parquet["seconds"], 2
                )
            }
            if args.spark
            else {}
        ),
        **{
            f"speedup_default_over_{threads}_threads": round(
                figures[f"daily_run_parquet_threads_{threads}"]["seconds"] / parquet["seconds"], 2
            )
            for threads in [int(n) for n in args.threads.split(",") if n.strip()]
        },
        **(
            {
                "with_history_over_without": round(
                    figures["daily_run_with_history"]["seconds"] / parquet["seconds"], 2
                )
            }
            if args.history_days
            else {}
        ),
    }
    save()
    print_table(figures)
    print(f"figures: {out}")
    return figures


def print_table(figures: dict) -> None:
    rows = [
        ("scan floor (Parquet, DuckDB read + group by task)", figures["scan_floor_parquet"]),
        ("write floor (Parquet, DuckDB read + write a table)", figures["write_floor_parquet"]),
    ]
    if "history_backfill" in figures:
        rows.append(
            (
                f"history backfill ({figures['history_backfill']['days']} days)",
                figures["history_backfill"],
            )
        )
    rows += [
        (f"daily run ({label})", figures[key])
        for key, label in (
            ("daily_run_parquet", "Parquet"),
            ("daily_run_text", "JSONL/CSV"),
            ("daily_run_parquet_spark", "Parquet, models on Spark local[2]; driver RSS"),
            *(
                (key, f"Parquet, DuckDB threads = {key.rsplit('_', 1)[1]}")
                for key in sorted(figures)
                if key.startswith("daily_run_parquet_threads_")
            ),
            ("daily_run_with_history", "Parquet, with history"),
        )
        if key in figures
    ]
    print(f"{'measure':<52} {'seconds':>9} {'peak RSS GiB':>13}")
    for label, run in rows:
        peak = run.get("peak_rss_gib")
        print(f"{label:<52} {run['seconds']:>9} {peak if peak is not None else '-':>13}")
    for key, value in figures["ratios"].items():
        print(f"{key:<52} {value:>9}")
    for label, run in rows:
        if run.get("success") is False or run.get("failed_checks"):
            print(f"NOTE {label}: success={run.get('success')}")
            for step, message in run.get("failed_steps", {}).items():
                print(f"  failed step {step}: {message.splitlines()[0]}")
            for check in run.get("failed_checks", []):
                print(f"  failed check {check}")
    print("ledger parts written (of which consequence spread parts):")
    for label, run in rows:
        if "ledger_parts_written" in run:
            print(
                f"  {label:<50} {run['ledger_parts_written']:>12,} "
                f"({run['consequence_spread_parts_written']:,})"
            )
    print("rows per second (ingest, Parquet):")
    for source, rate in sorted(figures["daily_run_parquet"]["rows_per_second"].items()):
        print(f"  {source:<50} {rate:>9}")


if __name__ == "__main__":
    main()
