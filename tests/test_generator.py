"""The generator is deterministic, and the committed samples are exactly its output."""

import filecmp
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.generator import generate
from tests.conftest import DATA_SAMPLES

SAMPLE_ARGS = {"seed": 7, "start_date": date(2026, 10, 1), "days": 3, "actions_per_day": 40}


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate(tmp_path / "a", seed=11, days=2, actions_per_day=25)
    generate(tmp_path / "b", seed=11, days=2, actions_per_day=25)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_another_seed_gives_other_data(tmp_path):
    generate(tmp_path / "a", seed=11, days=1, actions_per_day=25)
    generate(tmp_path / "b", seed=12, days=1, actions_per_day=25)
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert a["agent_actions/2026-10-01.csv"] != b["agent_actions/2026-10-01.csv"]


def test_committed_samples_equal_a_fresh_generation(tmp_path):
    generate(tmp_path, **SAMPLE_ARGS)
    fresh, committed = files(tmp_path), files(DATA_SAMPLES)
    assert sorted(fresh) == sorted(committed)
    assert [name for name in fresh if fresh[name] != committed[name]] == []
    assert filecmp.cmp(
        tmp_path / "model_prices" / "prices.csv",
        DATA_SAMPLES / "model_prices" / "prices.csv",
        shallow=False,
    )


def test_counts_returned_match_the_rows_written(tmp_path):
    counts = generate(tmp_path, seed=3, days=2, actions_per_day=30, defects=False)
    for source, expected in counts.items():
        rows = 0
        for path in (tmp_path / source).rglob("*.*"):
            if path.suffix == ".csv":
                rows += pl.read_csv(path, infer_schema=False).height
            elif path.suffix == ".jsonl":
                rows += pl.read_ndjson(path).height
            elif path.suffix == ".parquet":
                rows += pl.read_parquet(path).height
        assert rows == expected, source


def test_every_outcome_event_kind_is_generated(tmp_path):
    generate(tmp_path, seed=5, days=1, actions_per_day=200, formats=("csv",), defects=False)
    kinds = set(pl.read_csv(tmp_path / "action_events" / "2026-10-01.csv")["event_type"])
    assert {
        "accepted",
        "approved",
        "auto_accepted",
        "escalated",
        "run_error",
        "reverted",
        "overridden",
        "rerun",
    } <= kinds


def test_the_generator_scales_without_row_loops(tmp_path):
    counts = generate(tmp_path, seed=1, days=1, actions_per_day=20_000, defects=False)
    assert counts["agent_actions"] == 20_000
    assert counts["llm_requests"] > 60_000
