"""The sample-data generator: deterministic, counted, every outcome kind and every planted defect.

The committed ``data_samples/`` must equal a fresh generation with the documented arguments byte for
byte, so the samples never drift from the generator.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipeline.sources import SOURCES
from sample_data.generator import VALUE_DEFECTS, generate, main

DATA_SAMPLES = Path(__file__).resolve().parent.parent / "data_samples"
SAMPLE_CLI = [
    "--out",
    "data_samples",
    "--seed",
    "7",
    "--start-date",
    "2026-10-01",
    "--days",
    "3",
    "--actions-per-day",
    "40",
]
SAMPLE_ARGS = {"seed": 7, "start_date": date(2026, 10, 1), "days": 3, "actions_per_day": 40}
EVENT_TYPES = {
    "accepted",
    "approved",
    "auto_accepted",
    "overridden",
    "reverted",
    "rolled_back",
    "redone",
    "rerun",
    "reopened",
    "escalated",
    "run_error",
}


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def read_records(path: Path) -> tuple[list[dict], dict[str, int]]:
    """Parsed records of one file, and counts of the malformed lines that could not be parsed."""
    bad = Counter()
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        return frame.cast(dict.fromkeys(frame.columns, pl.String)).to_dicts(), bad
    text = path.read_text()
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        header, records = rows[0], []
        for row in rows[1:]:
            if len(row) != len(header):
                bad["ragged"] += 1
            else:
                records.append(dict(zip(header, row, strict=True)))
        return records, bad
    if path.suffix == ".json":  # a JSON array of records (pull requests as gh prints them)
        return json.loads(text), bad
    records = []
    for line in text.split("\n")[:-1]:
        if not line.strip():
            bad["blank"] += 1
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            bad["not_json"] += 1
    return records, bad


def source_records(root: Path, source: str) -> dict[str, list[dict]]:
    return {
        p.relative_to(root).as_posix(): read_records(p)[0]
        for p in sorted((root / source).rglob("*.*"))
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("sample")
    return root, generate(root, **SAMPLE_ARGS)


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate(tmp_path / "a", seed=11, days=2, actions_per_day=25)
    generate(tmp_path / "b", seed=11, days=2, actions_per_day=25)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_another_seed_gives_other_data(tmp_path):
    generate(tmp_path / "a", seed=11, days=1, actions_per_day=25)
    generate(tmp_path / "b", seed=12, days=1, actions_per_day=25)
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys()
    same = [name for name in a if a[name] == b[name]]
    # no randomness in the reference files and the fixed development records
    assert same == [
        "billing_lines/2026-10-01.development.csv",
        "budgets/budgets.csv",
        "llm_requests/2026-10-01.development.jsonl",
        "loaded_rates/rates.csv",
        "model_prices/prices.csv",
        "pull_requests/2026-10-01.json",
        "repository_teams/repositories.csv",
        "time_entries/2026-10-01.development.csv",
    ]


def test_committed_samples_equal_a_fresh_generation_by_the_documented_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(SAMPLE_CLI) == 0
    fresh, committed = files(tmp_path / "data_samples"), files(DATA_SAMPLES)
    assert sorted(fresh) == sorted(committed)
    assert [name for name in fresh if fresh[name] != committed[name]] == []
    readme = (DATA_SAMPLES / "README.md").read_text()
    assert "python -m sample_data.generator " + " ".join(SAMPLE_CLI) in readme


def test_samples_stay_small():
    assert sum(len(b) for b in files(DATA_SAMPLES).values()) < 1_000_000


def test_counts_returned_equal_records_in_files(sample):
    root, counts = sample
    # every source but the providers' cost and usage reports (generated inference is priced per
    # request) and agent traces (the generator logs requests and tool calls, not spans)
    assert list(counts) == [
        name for name in SOURCES if name not in ("provider_costs", "provider_usage", "agent_spans")
    ]
    for source, expected in counts.items():
        rows = 0
        for path in (root / source).rglob("*.*"):
            records, bad = read_records(path)
            rows += len(records) + bad["ragged"] + bad["not_json"]  # blank lines are not records
        assert rows == expected, source


def test_counts_without_defects_match_polars_reads(tmp_path):
    counts = generate(tmp_path, seed=3, days=2, actions_per_day=30, defects=False)
    for source, expected in counts.items():
        rows = 0
        for path in (tmp_path / source).rglob("*.*"):
            read = {
                ".csv": pl.read_csv,
                ".jsonl": pl.read_ndjson,
                ".parquet": pl.read_parquet,
                ".json": pl.read_json,
            }
            rows += read[path.suffix](path).height if path.stat().st_size else 0
        assert rows == expected, source


def test_every_outcome_kind_is_in_the_sample(sample):
    root, _ = sample
    actions = [r for rs in source_records(root, "agent_actions").values() for r in rs]
    events = defaultdict(list)
    for rows in source_records(root, "action_events").values():
        for e in rows:
            if "defect" not in e["event_id"] and e.get("action_id"):
                events[e["action_id"]].append(e)
    requests = defaultdict(set)
    for rows in source_records(root, "llm_requests").values():
        for r in rows:
            if r.get("action_id"):
                requests[r["action_id"]].add(r.get("status"))

    def ts(e: dict) -> datetime:
        return datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00"))

    kinds = Counter()
    for a in actions:
        if "defect" in a["action_id"]:
            continue
        evs = {e["event_type"]: e for e in events[a["action_id"]]}
        if not evs:
            kinds["pending"] += 1
        for kind in ("approved", "auto_accepted", "overridden"):
            kinds[kind] += kind in evs
        if "escalated" in evs:
            kinds["escalated_" + evs["escalated"]["escalation_kind"]] += 1
        if "run_error" in evs:
            assert requests[a["action_id"]] == {"error"}
            kinds["run_error"] += 1
        if "accepted" in evs and "reverted" in evs:
            late = ts(evs["reverted"]) - ts(evs["accepted"]) > timedelta(days=30)
            kinds["reverted_after_30_days" if late else "reverted_within_30_days"] += 1
    assert set(kinds) == {
        "pending",
        "approved",
        "auto_accepted",
        "overridden",
        "escalated_correct",
        "escalated_failure",
        "run_error",
        "reverted_within_30_days",
        "reverted_after_30_days",
    }
    assert all(kinds.values())
    # the reversal after the window lives in a follow-up file dated after the range
    assert (root / "action_events" / "2026-11-12.jsonl").exists()


def test_every_event_type_appears_in_a_larger_run(tmp_path):
    generate(tmp_path, seed=5, days=1, actions_per_day=300, formats=("csv",), defects=False)
    types = set()
    for path in (tmp_path / "action_events").glob("*.csv"):
        types |= set(pl.read_csv(path, infer_schema=False)["event_type"])
    assert types == EVENT_TYPES


def matches(record: dict, changes: dict[str, str | None], day: str) -> bool:
    for key, value in changes.items():
        got = record.get(key)
        if value is None:
            if got not in (None, "", "NULL"):
                return False
        elif got != value.replace("{day}", day):
            return False
    return True


def test_every_planted_value_defect_is_present(sample):
    root, _ = sample
    for source, defects in VALUE_DEFECTS.items():
        records = [
            r for rows in source_records(root, source).values() for r in rows if r is not None
        ]
        for category, changes in defects:
            assert any(matches(r, changes, "2026-10-01") for r in records), (source, category)


def test_every_planted_line_and_record_defect_is_present(sample):
    root, _ = sample
    bad = {p.relative_to(root).as_posix(): read_records(p)[1] for p in root.rglob("*.*")}
    ragged = sorted(name for name, b in bad.items() if b["ragged"])
    not_json = sorted(name for name, b in bad.items() if b["not_json"])
    blank = sorted(name for name, b in bad.items() if b["blank"])
    assert ragged == [
        "action_events/2026-10-01.csv",
        "agent_actions/2026-10-01.csv",
        "billing_lines/2026-10-01.csv",
        "consequence_records/2026-10-01.csv",
        "llm_requests/2026-10-02.csv",
        "loaded_rates/rates.csv",
        "model_prices/prices.csv",
        "time_entries/2026-10-01.csv",
        "tool_calls/2026-10-01.csv",
    ]
    jsonl_firsts = [
        "action_events/2026-10-02.jsonl",
        "agent_actions/2026-10-02.jsonl",
        "consequence_records/2026-10-02.jsonl",
        "llm_requests/2026-10-01.jsonl",
        "tool_calls/2026-10-02.jsonl",
    ]
    assert not_json == jsonl_firsts and blank == jsonl_firsts
    assert all(sum(bad[name].values()) == 1 for name in ragged)

    # late duplicates: the same id delivered again in the next day's file
    for source, key, expected in (
        ("llm_requests", "request_id", 6),
        ("tool_calls", "call_id", 4),
        ("action_events", "event_id", 4),
    ):
        seen = Counter(r[key] for rows in source_records(root, source).values() for r in rows)
        assert sum(n - 1 for n in seen.values() if n > 1) == expected, source

    # late rows: day-3 files carry rows stamped two days earlier
    for source, column, expected in (
        ("llm_requests", "requested_at", 4),
        ("tool_calls", "called_at", 2),
        ("billing_lines", "ChargePeriodStart", 1),
    ):
        day3 = next(
            rows
            for name, rows in source_records(root, source).items()
            if "10-03" in name and "development" not in name
        )
        assert sum(r[column].startswith("2026-10-01") for r in day3) == expected, source

    requests = [r for rows in source_records(root, "llm_requests").values() for r in rows]
    unknown = [r for r in requests if r.get("model") == "acme-llm-9"]
    assert unknown and all(r["action_id"] == "act-20261001-00010" for r in unknown)
    assert "acme-llm-9" not in (root / "model_prices" / "prices.csv").read_text()


def test_no_defects_means_clean_files(tmp_path):
    generate(tmp_path, **SAMPLE_ARGS, defects=False)
    for path in tmp_path.rglob("*.*"):
        _, bad = read_records(path)
        assert not bad, path
        assert b"defect" not in path.read_bytes() and b"acme" not in path.read_bytes(), path
    for source, key in (("llm_requests", "request_id"), ("action_events", "event_id")):
        ids = [r[key] for rows in source_records(tmp_path, source).values() for r in rows]
        assert len(ids) == len(set(ids)), source


def test_money_is_exact_decimal_text(sample):
    root, _ = sample
    decimal = re.compile(r"^-?\d+\.\d+$")
    checks = {
        "llm_requests": ("reported_cost_usd", 9),
        "tool_calls": ("cost_usd", 6),
        "billing_lines": ("EffectiveCost", 10),
        "time_entries": ("hours", 2),
    }
    for source, (column, scale) in checks.items():
        values = [
            r[column]
            for rows in source_records(root, source).values()
            for r in rows
            if r.get(column) not in (None, "", "NULL") and "defect" not in str(r)
        ]
        values = [v for v in values if v not in ("n/a", "1h30")]
        assert values, source
        assert all(decimal.match(v) and len(v.split(".")[1]) == scale for v in values), source


def test_the_sample_has_the_documented_shapes(sample):
    root, _ = sample
    billing = (root / "billing_lines" / "2026-10-01.csv").read_text()
    assert '"Usage-Based"' in billing and '"Usage-based"' in billing and '"Credit"' in billing
    assert '{"" team"": ' in billing
    assert '"2026-10-01 06:00:00","2026-10-02 08:00:00"' in billing
    prices = pl.from_dicts(read_records(root / "model_prices" / "prices.csv")[0]).filter(
        pl.col("effective_from").str.contains(r"^\d{4}-\d{2}-\d{2}$")
        & (pl.col("token_kind") != "")
        & (pl.col("usd_per_million_tokens") != "TBD")
    )
    changed = prices.group_by("model", "token_kind").len().filter(pl.col("len") > 1)
    assert changed["model"].unique().to_list() == ["gpt-4o"]
    litellm = pl.read_ndjson(root / "llm_requests" / "litellm" / "2026-10-01.jsonl")
    assert 10 <= litellm.height <= 20
    meta = json.loads(litellm["metadata"][0])["usage_object"]
    assert {"prompt_tokens_details", "completion_tokens_details"} <= set(meta)
    tags = [json.loads(t) for t in litellm["request_tags"]]
    assert any(t[0].startswith("parent_session:") for t in tags)
    assert all(any(s.startswith(("task:", "parent_session:")) for s in t) for t in tags)
    actions = pl.concat(
        [
            pl.from_dicts(rows, infer_schema_length=None).cast(pl.String)
            for rows in source_records(root, "agent_actions").values()
        ],
        how="diagonal_relaxed",
    )
    assert actions["team_id"].n_unique() >= 3 and actions["agent_id"].n_unique() >= 6
    assert actions["task_type"].n_unique() >= 4
    assert actions["parent_session_id"].drop_nulls().str.len_chars().max() > 0


def test_the_generator_scales_without_row_loops(tmp_path):
    counts = generate(tmp_path, seed=1, days=1, actions_per_day=20_000, formats=("parquet",))
    assert counts["agent_actions"] == 20_000
    assert counts["llm_requests"] > 80_000
