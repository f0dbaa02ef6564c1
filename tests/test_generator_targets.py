"""The generator's per-day targets (billing lines, time entries, consequence records a day): what
the benchmark asks for to shape a day; each target samples real rows below the natural count and
tops up rows of real actions above it, leaving the other sources unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from sample_data.generator import generate
from tests.test_generator import files, read_records


def test_daily_targets_below_the_natural_count_sample_real_rows(tmp_path):
    kwargs = dict(
        seed=5, days=2, actions_per_day=400, formats=("parquet",), defects=False, development=False
    )
    full = generate(tmp_path / "full", **kwargs)
    capped = generate(
        tmp_path / "capped", time_entries_per_day=30, consequences_per_day=4, **kwargs
    )
    assert full["time_entries"] > 60 and full["consequence_records"] > 8
    assert capped["time_entries"] == 60
    assert capped["consequence_records"] == 8
    for source in ("time_entries", "consequence_records"):
        kept, every = (
            pl.concat(
                [
                    pl.read_parquet(f) if f.suffix == ".parquet" else pl.read_csv(f)
                    for f in sorted((tmp_path / run / source).iterdir())
                ],
                how="diagonal_relaxed",
            )
            for run in ("capped", "full")
        )
        key = "action_id"
        # the capped rows are a sample of the full rows: they name the same actions
        assert set(kept[key].drop_nulls()) <= set(every[key].drop_nulls()), source
    assert capped["llm_requests"] == full["llm_requests"]


# Per-day targets (billing_lines_per_day, time_entries_per_day, consequences_per_day): a few
# thousand actions over two days, every file format of the rotation.
TARGET_ARGS = dict(seed=5, days=2, actions_per_day=2_000, defects=False, development=False)
FAILING_EVENTS = {
    "overridden",
    "run_error",
    "reverted",
    "rolled_back",
    "redone",
    "rerun",
    "reopened",
}


def day_frames(root: Path, source: str) -> dict[str, pl.DataFrame]:
    """Each day's main file of a source (development files left out) as text, nulls as null."""
    frames = {}
    for path in sorted((root / source).glob("*.*")):
        if "development" in path.name:
            continue
        rows = [
            {k: (None if v in ("", "NULL") else v) for k, v in r.items()}
            for r in read_records(path)[0]
        ]
        frames[path.name[:10]] = pl.from_dicts(rows, infer_schema_length=None).cast(pl.String)
    return frames


def other_sources_unchanged(root: Path, base: Path, source: str) -> bool:
    """Every file outside `source`'s folder is byte-identical in both generations."""
    mine, theirs = files(root), files(base)
    return {k: v for k, v in mine.items() if not k.startswith(source + "/")} == {
        k: v for k, v in theirs.items() if not k.startswith(source + "/")
    }


def test_billing_lines_per_day_adds_distinct_lines_tagged_with_the_days_actions(tmp_path):
    counts = generate(tmp_path / "target", billing_lines_per_day=1_500, **TARGET_ARGS)
    generate(tmp_path / "low", billing_lines_per_day=10, **TARGET_ARGS)
    generate(tmp_path / "none", **TARGET_ARGS)
    assert counts["billing_lines"] == 2 * 1_500
    # a target below the day's fixed lines (265-278) changes nothing
    assert files(tmp_path / "low") == files(tmp_path / "none")
    assert other_sources_unchanged(tmp_path / "target", tmp_path / "none", "billing_lines")
    actions = day_frames(tmp_path / "target", "agent_actions")
    fixed = day_frames(tmp_path / "none", "billing_lines")
    for day, lines in day_frames(tmp_path / "target", "billing_lines").items():
        assert lines.height == 1_500, day  # exact
        assert lines.unique().height == lines.height, day  # no line is a duplicate
        assert fixed[day].height < 300
        added = lines.filter(pl.col("ResourceType").is_in(["Volume", "ECS Task", "Snapshot"]))
        assert added.height == 1_500 - fixed[day].height
        assert added["ResourceId"].n_unique() == added.height
        assert added["Tags"].null_count() > 0  # untagged shared lines too
        assert (added["EffectiveCost"].cast(pl.Decimal(38, 10)) > 0).all()
        assert added["ChargePeriodStart"].str.starts_with(day).all()
        acts = actions[day]
        named = {
            "task": set(acts["task_id"]),
            "action": set(acts["action_id"]),
            "session": set(acts["session_id"]) | set(acts["parent_session_id"].drop_nulls()),
        }
        owners = set(acts.select("team_id", "agent_id").rows())
        for text in lines["Tags"].drop_nulls():
            tags = {k.strip(): v for k, v in json.loads(text).items()}
            for key, ids in named.items():
                assert key not in tags or tags[key] in ids, (day, text)
            if "agent" in tags:
                assert (tags["team"], tags["agent"]) in owners, (day, text)
        kinds = {tuple(sorted(json.loads(t))) for t in added["Tags"].drop_nulls()}
        assert kinds == {("agent", "session", "task", "team"), ("action", "agent", "team")}


def test_time_entries_per_day_samples_or_tops_up_entries_of_real_actions(tmp_path):
    generate(tmp_path / "none", **TARGET_ARGS)
    natural = day_frames(tmp_path / "none", "time_entries")
    assert all(300 < frame.height < 3_000 for frame in natural.values())
    actions = pl.concat(day_frames(tmp_path / "none", "agent_actions").values(), how="diagonal")
    cols = ["person_id", "role", "activity", "action_id", "task_id", "agent_id", "team_id"]
    for target in (300, 3_000):  # fewer and more than the day's entries
        root = tmp_path / str(target)
        counts = generate(root, time_entries_per_day=target, **TARGET_ARGS)
        assert counts["time_entries"] == 2 * target
        assert other_sources_unchanged(root, tmp_path / "none", "time_entries")
        for day, entries in day_frames(root, "time_entries").items():
            assert entries.height == target, day  # exact
            assert entries["entry_id"].n_unique() == target
            assert set(entries["work_date"]) == {day}
            # every entry is one the day had (same person, activity and what it names)
            assert set(entries.select(cols).rows()) <= set(natural[day].select(cols).rows())
            assert set(entries["action_id"].drop_nulls()) <= set(actions["action_id"])
            assert set(entries["task_id"].drop_nulls()) <= set(actions["task_id"])


def test_consequences_per_day_samples_or_tops_up_records_of_failed_actions(tmp_path):
    generate(tmp_path / "none", **TARGET_ARGS)
    natural = day_frames(tmp_path / "none", "consequence_records")
    assert all(20 < frame.height < 300 for frame in natural.values())
    events = pl.concat(day_frames(tmp_path / "none", "action_events").values(), how="diagonal")
    failed_at = dict(
        events.filter(
            pl.col("event_type").is_in(FAILING_EVENTS)
            | ((pl.col("event_type") == "escalated") & (pl.col("escalation_kind") == "failure"))
        )
        .group_by("action_id")
        .agg(pl.col("occurred_at").min())
        .rows()
    )
    actions = pl.concat(day_frames(tmp_path / "none", "agent_actions").values(), how="diagonal")
    for target in (20, 300):  # fewer and more than the day's records
        root = tmp_path / str(target)
        counts = generate(root, consequences_per_day=target, **TARGET_ARGS)
        assert counts["consequence_records"] == 2 * target
        assert other_sources_unchanged(root, tmp_path / "none", "consequence_records")
        records = day_frames(root, "consequence_records")
        every = pl.concat(records.values(), how="diagonal")
        assert every["record_id"].n_unique() == every.height
        for day, rec in records.items():
            assert rec.height == target, day  # exact
            assert rec["occurred_at"].str.starts_with(day).all()
            named = rec.filter(pl.col("action_id").is_not_null())
            assert named.height
            for action_id, occurred_at in named.select("action_id", "occurred_at").rows():
                # a real failed action, booked after it failed
                assert occurred_at >= failed_at[action_id], (day, action_id)
            assert set(named["task_id"]) <= set(actions["task_id"])
            assert set(rec["agent_id"].drop_nulls()) <= set(actions["agent_id"])
            assert set(rec["team_id"].drop_nulls()) <= set(actions["team_id"])
        if target == 20:
            assert set(every["record_id"]) <= set(
                pl.concat(natural.values(), how="diagonal")["record_id"]
            )


def test_a_negative_per_day_target_is_refused(tmp_path):
    with pytest.raises(ValueError, match=">= 0"):
        generate(tmp_path, billing_lines_per_day=-1)
