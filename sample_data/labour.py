"""Time entries: people's engineering, review and rework hours tied to the day's actions."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from sample_data.files import (
    SCHEMAS,
    STR,
    _capped,
    _dec_series,
    _pick,
    _rng,
    _seq_ids,
    _write_daily,
)
from sample_data.fleet import AGENT_IDS, AGENTS, APPR, PEOPLE, TEAMS, _Cfg

TIME_ORDER = ("person_id", "activity", "action_id", "task_id", "agent_id", "team_id")


def _time_day(cfg: _Cfg, d: int, acts: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    rng = _rng(cfg.seed, "time", d)
    n = acts.height
    work_date = cfg.day(d).isoformat()
    grade = acts["risk_grade"].fill_null("").to_numpy()
    risky = np.isin(grade, ("G2", "G3", ""))
    review = rng.random(n) < np.where(risky, 0.6, 0.15)
    rev_hours = rng.integers(1, 5, n) * 25
    rev_task_only = rng.random(n) < 0.3
    reviewer = rng.integers(0, 3, n)
    approved = acts["outcome"].to_numpy() == APPR
    nul = pl.lit(None, STR)

    def entries(
        sel: pl.DataFrame,
        person: np.ndarray,
        hours: np.ndarray,
        activity: str | pl.Series,
        task_only: np.ndarray,
    ) -> pl.DataFrame:
        return sel.select(
            person_id=_pick([p[0] for p in PEOPLE], person),
            role=_pick([p[1] for p in PEOPLE], person),
            work_date=pl.lit(work_date),
            hours=_dec_series(hours, 2),
            activity=activity if isinstance(activity, pl.Series) else pl.lit(activity),
            action_id=pl.when(pl.Series(task_only)).then(nul).otherwise(pl.col("action_id")),
            task_id=pl.when(pl.Series(task_only)).then(pl.col("task_id")).otherwise(nul),
            agent_id=nul,
            team_id=nul,
        )

    parts = [
        entries(
            acts.filter(pl.Series(review)),
            reviewer[review],
            rev_hours[review],
            "review",
            rev_task_only[review],
        ),
        entries(
            acts.filter(pl.Series(approved)),
            np.full(int(approved.sum()), 1),  # approvals are signed off by p-002
            np.full(int(approved.sum()), 25),
            "approval",
            np.zeros(int(approved.sum()), bool),
        ),
    ]

    # remediation for failures that happen on this day
    fails = events.filter(pl.col("failing") & (pl.col("event_day") == d))
    m = fails.height
    act_map = {
        "reverted": "rollback",
        "rolled_back": "rollback",
        "redone": "redo",
        "rerun": "redo",
        "reopened": "redo",
        "overridden": "cleanup",
        "escalated": "incident_response",
        "run_error": "cleanup",
    }
    keep = rng.random(m) < 0.85
    activity = fails["event_type"].replace_strict(act_map)
    person = np.where(
        np.isin(activity.to_numpy(), ("rollback", "incident_response")),
        3 + rng.integers(0, 2, m),
        5 + rng.integers(0, 2, m),
    )
    hours = rng.integers(2, 17, m) * 25
    task_only = rng.random(m) < 0.2
    parts.append(
        entries(
            fails.filter(pl.Series(keep)),
            person[keep],
            hours[keep],
            activity.filter(pl.Series(keep)),
            task_only[keep],
        )
    )

    # monitoring (one agent-only, one team-only), cleanup naming an agent, planning and training
    ag = int(rng.integers(0, len(AGENTS)))
    tm = int(rng.integers(0, len(TEAMS)))
    h = rng.integers(4, 13, 5) * 25
    misc = pl.DataFrame(
        {
            "person_id": ["p-004", "p-005", "p-006", "p-009", "p-008"],
            "role": ["sre", "sre", "engineer", "ops_manager", "support_lead"],
            "work_date": [work_date] * 5,
            "hours": _dec_series(h, 2),
            "activity": ["monitoring", "monitoring", "cleanup", "planning", "training"],
            "action_id": [None] * 5,
            "task_id": [None] * 5,
            "agent_id": [AGENT_IDS[ag], None, AGENT_IDS[(ag + 3) % len(AGENTS)], None, None],
            "team_id": [None, TEAMS[tm], None, TEAMS[(tm + 1) % len(TEAMS)], TEAMS[1]],
        },
        schema={c: t for c, t in SCHEMAS["time_entries"].items() if c != "entry_id"},
    )
    parts.append(misc)
    df = pl.concat([p.select(misc.columns).cast(misc.schema) for p in parts])
    df = df.sort(*TIME_ORDER, nulls_last=True, maintain_order=True)
    ymd = cfg.day(d).strftime("%Y%m%d")
    target = cfg.time_entries_target
    if target is None or df.height >= target:
        df = _capped(df, target, cfg.seed, "time_cap", d)
    else:
        # top up: copies of random entries of the day (same person, activity and what they
        # name) with freshly drawn hours, sorted in among the others
        fill_rng = _rng(cfg.seed, "time_fill", d)
        k = target - df.height
        extra = df[fill_rng.integers(0, df.height, k)].with_columns(
            hours=_dec_series(fill_rng.integers(1, 17, k) * 25, 2)
        )
        df = pl.concat([df, extra]).sort(*TIME_ORDER, nulls_last=True, maintain_order=True)
    return df.with_columns(entry_id=_seq_ids(f"te-{ymd}-", 1, df.height, 5))


def _write_time_entries(cfg: _Cfg, acts: pl.DataFrame, events: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield _time_day(cfg, d, acts.filter(pl.col("day") == d), events)

    return _write_daily(cfg, "time_entries", chunks)
