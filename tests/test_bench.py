"""The benchmark harness runs end to end at a tiny size (its figures are not asserted)."""

import json

from bench.daily_run import main


def test_the_benchmark_harness_measures_every_run_and_writes_its_figures(tmp_path, capsys):
    out = tmp_path / "figures.json"
    figures = main(
        [
            "--requests", "2000",
            "--history-days", "1",
            "--threads", "1",
            "--no-text",  # the JSONL/CSV day is the same child on other files
            "--work-dir", str(tmp_path / "work"),
            "--out", str(out),
        ]
    )  # fmt: skip
    assert json.loads(out.read_text()) == json.loads(json.dumps(figures, default=str))
    generated = figures["generated_parquet"]["records"]
    assert figures["scan_floor_parquet"]["rows"]["agent_actions"] == generated["agent_actions"]
    assert figures["write_floor_parquet"]["rows"] == figures["scan_floor_parquet"]["rows"]
    assert "daily_run_text" not in figures and "generated_text" not in figures
    for run in (
        "daily_run_parquet",
        "daily_run_with_history",
        "daily_run_parquet_threads_1",
    ):
        assert figures[run]["success"], run
        assert figures[run]["failed_steps"] == {}, run
        assert figures[run]["peak_rss_gib"] > 0
        assert figures[run]["rows_read"]["llm_requests"] == generated["llm_requests"]
        assert set(figures[run]["rows_per_second"]) >= {"llm_requests", "agent_actions"}
        assert figures[run]["ledger_parts_written"] > 0
        assert (
            0
            <= figures[run]["consequence_spread_parts_written"]
            <= figures[run]["ledger_parts_written"]
        )
    assert figures["history_backfill"]["days"] == 1
    assert (
        figures["history_backfill"]["success"] and figures["history_backfill"]["failed_steps"] == {}
    )
    assert set(figures["ratios"]) == {
        "daily_run_parquet_over_scan_floor",
        "daily_run_parquet_over_write_floor",
        "with_history_over_without",
        "speedup_default_over_1_threads",
    }
    printed = capsys.readouterr().out
    assert "daily run (Parquet, with history)" in printed
    assert "daily run (Parquet, DuckDB threads = 1)" in printed
