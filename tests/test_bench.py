"""The benchmark harness runs end to end at a tiny size (its figures are not asserted). It runs once
for the module; each test reads one behaviour off that run."""

import contextlib
import io
import json

import pytest

from bench.daily_run import main

RUNS = ("daily_run_parquet", "daily_run_with_history", "daily_run_parquet_threads_1")


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """The harness at 2,000 requests with one history day and one thread count, its figures,
    the figures file it wrote and what it printed."""
    root = tmp_path_factory.mktemp("bench")
    out = root / "figures.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        figures = main(
            [
                "--requests", "2000",
                "--history-days", "1",
                "--threads", "1",
                "--no-text",  # the JSONL/CSV day is the same child on other files
                "--work-dir", str(root / "work"),
                "--out", str(out),
            ]
        )  # fmt: skip
    return figures, json.loads(out.read_text()), printed.getvalue()


def test_the_figures_file_holds_what_the_harness_returns(harness):
    figures, written, _ = harness
    assert written == json.loads(json.dumps(figures, default=str))


def test_the_floors_read_every_generated_row(harness):
    figures, _, _ = harness
    generated = figures["generated_parquet"]["records"]
    assert figures["scan_floor_parquet"]["rows"]["agent_actions"] == generated["agent_actions"]
    assert figures["write_floor_parquet"]["rows"] == figures["scan_floor_parquet"]["rows"]


@pytest.mark.parametrize("run", RUNS)
def test_each_daily_run_succeeds_with_no_failed_step_and_its_peak_memory(harness, run):
    figures, _, _ = harness
    assert figures[run]["success"], run
    assert figures[run]["failed_steps"] == {}
    assert figures[run]["peak_rss_gib"] > 0


@pytest.mark.parametrize("run", RUNS)
def test_each_daily_run_reads_every_request_and_books_its_parts(harness, run):
    figures, _, _ = harness
    generated = figures["generated_parquet"]["records"]
    assert figures[run]["rows_read"]["llm_requests"] == generated["llm_requests"]
    assert set(figures[run]["rows_per_second"]) >= {"llm_requests", "agent_actions"}
    assert figures[run]["ledger_parts_written"] > 0
    assert (
        0
        <= figures[run]["consequence_spread_parts_written"]
        <= figures[run]["ledger_parts_written"]
    )


@pytest.mark.parametrize("run", RUNS)
def test_each_daily_run_records_each_steps_peak_memory_within_the_runs(harness, run):
    figures, _, _ = harness
    peaks = figures[run]["step_peak_rss_gib"]
    assert {"staging__llm_requests", "models", "serving__published"} <= set(peaks)
    assert 0 < max(peaks.values()) <= figures[run]["peak_rss_gib"]


def test_the_history_backfill_is_recorded_with_its_outcome(harness):
    figures, _, _ = harness
    backfill = figures["history_backfill"]
    assert backfill["days"] == 1
    assert backfill["success"] and backfill["failed_steps"] == {}
    assert backfill["peak_rss_gib"] > 0
    # each step's peak, so the step holding the backfill's is named
    assert {"staging__llm_requests", "models", "serving__parquet_export"} <= set(
        backfill["step_peak_rss_gib"]
    )
    assert 0 < max(backfill["step_peak_rss_gib"].values()) <= backfill["peak_rss_gib"]
    assert backfill["steps"]["models"] > 0 and backfill["model_seconds"]["core__cost_ledger"] > 0


def test_the_ratios_are_those_of_the_runs_asked_for(harness):
    figures, _, _ = harness
    assert set(figures["ratios"]) == {
        "daily_run_parquet_over_scan_floor",
        "daily_run_parquet_over_write_floor",
        "with_history_over_without",
        "speedup_default_over_1_threads",
    }


def test_the_text_day_is_left_out_when_asked(harness):
    figures, _, _ = harness
    assert "daily_run_text" not in figures and "generated_text" not in figures


def test_the_printed_table_names_each_run_and_the_backfill(harness):
    _, _, printed = harness
    assert "daily run (Parquet, with history)" in printed
    assert "daily run (Parquet, DuckDB threads = 1)" in printed
    assert "history backfill (1 days)" in printed
    assert "daily run (JSONL/CSV)" not in printed
