"""Agent actions, their outcome events and the consequence records of failed actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import polars as pl

from sample_data.files import (
    SCHEMAS,
    STR,
    _capped,
    _dec,
    _iso_ms,
    _pick,
    _rng,
    _rotation,
    _seq_ids,
    _write_daily,
    _Writer,
)
from sample_data.fleet import (
    AGENT_IDS,
    AGENT_P,
    AGENT_TEAM,
    AGENT_TYPE,
    AGENTS,
    AUTO,
    CONSEQUENCE_TEXT,
    DAY_MS,
    ESC_FAIL,
    ESC_OK,
    FIRST_EVENT,
    FOLLOW_UP_DAYS,
    GRADE_P,
    GRADES,
    HOUR_MS,
    OUTCOME_P,
    OVR,
    REV_IN,
    REV_OUT,
    REVERSAL_EVENTS,
    RUN_ERR,
    TASK_TYPES,
    TEAMS,
    _Cfg,
)


def _actions(cfg: _Cfg) -> pl.DataFrame:
    width = max(5, len(str(cfg.apd - 1)))
    frames = []
    for d in range(cfg.days):
        rng = _rng(cfg.seed, "actions", d)
        n = cfg.apd
        sizes = rng.choice(np.array([1, 2, 3]), size=n, p=[0.55, 0.30, 0.15])
        cum = np.cumsum(sizes)
        n_tasks = int(np.searchsorted(cum, n)) + 1
        task_of = np.repeat(np.arange(n_tasks), sizes[:n_tasks])[:n]
        pos = np.arange(n) - (cum[:n_tasks] - sizes[:n_tasks])[task_of]
        task_base = np.sort(rng.integers(0, 22 * HOUR_MS, n_tasks))
        task_agent = rng.choice(len(AGENTS), size=n_tasks, p=AGENT_P)
        task_sub = rng.random(n_tasks) < 0.25
        gap = rng.integers(2 * 60_000, 30 * 60_000, n)
        outcome = rng.choice(len(OUTCOME_P), size=n, p=OUTCOME_P)
        grade_draw = rng.random(n)

        t = cfg.day_ms(d) + task_base[task_of] + pos * gap
        order = np.lexsort((np.arange(n), t))
        t, task_of, pos = t[order], task_of[order], pos[order]
        if d == 0:
            k = min(10, n)
            outcome[:k] = np.arange(k)  # the forced outcomes, in code order ACC..PENDING
        agent = task_agent[task_of]
        ttype = AGENT_TYPE[agent]
        grade = (grade_draw[:, None] > np.cumsum(GRADE_P, axis=1)[ttype]).sum(axis=1)
        grade = np.minimum(grade, len(GRADES) - 1)
        sub = task_sub[task_of] & (pos > 0)
        ymd = cfg.day(d).strftime("%Y%m%d")
        root = f"ses-{ymd}-" + pl.Series(task_of).cast(STR).str.zfill(width)
        frames.append(
            pl.DataFrame(
                {
                    "day": np.full(n, d),
                    "idx": np.arange(n),
                    "attempted_ms": t,
                    "pos": pos,
                    "agent_idx": agent,
                    "has_sub": task_sub[task_of],
                    "outcome": outcome,
                    "action_id": _seq_ids(f"act-{ymd}-", 0, n, width),
                    "task_id": f"tsk-{ymd}-" + pl.Series(task_of).cast(STR).str.zfill(width),
                    "root_session_id": root,
                    "agent_id": _pick(AGENT_IDS, agent),
                    "team_id": _pick(TEAMS, AGENT_TEAM[agent]),
                    "task_type": _pick(TASK_TYPES, ttype),
                    "risk_grade": _pick(GRADES, grade),
                    "is_sub": sub,
                }
            ).with_columns(
                session_id=pl.when("is_sub")
                .then(pl.col("root_session_id") + "-sub")
                .otherwise(pl.col("root_session_id")),
                parent_session_id=pl.when("is_sub").then(pl.col("root_session_id")),
                attempted_at=_iso_ms(pl.col("attempted_ms")),
            )
        )
    return pl.concat(frames)


def _events(cfg: _Cfg, acts: pl.DataFrame) -> pl.DataFrame:
    """All outcome events (any date), with the failure time of each action."""
    rng = _rng(cfg.seed, "events")
    n = acts.height
    out = acts["outcome"].to_numpy()
    t = acts["attempted_ms"].to_numpy()
    forced = (acts["day"].to_numpy() == 0) & (acts["idx"].to_numpy() < 10)
    minute = 60_000
    d_acc = rng.integers(20 * minute, 6 * HOUR_MS, n)
    d_auto = rng.integers(15 * minute, 25 * minute, n)
    d_ovr = rng.integers(20 * minute, 4 * HOUR_MS, n)
    d_esc = rng.integers(20 * minute, 2 * HOUR_MS, n)
    d_err = rng.integers(15 * minute, 25 * minute, n)
    d_rev_in = rng.integers(2 * HOUR_MS, 20 * DAY_MS, n)
    d_rev_out = rng.integers(31 * DAY_MS, 38 * DAY_MS, n)
    rev_type = rng.integers(0, len(REVERSAL_EVENTS), n)
    d_rev_in = np.where(forced, 26 * HOUR_MS, d_rev_in)
    d_rev_out = np.where(forced, 35 * DAY_MS, d_rev_out)
    rev_type = np.where(forced, 0, rev_type)

    delay1 = np.select(
        [out == AUTO, out == OVR, np.isin(out, (ESC_OK, ESC_FAIL)), out == RUN_ERR],
        [d_auto, d_ovr, d_esc, d_err],
        d_acc,
    )
    t1 = t + delay1
    t2 = t1 + np.where(out == REV_IN, d_rev_in, d_rev_out)
    type1 = _pick(FIRST_EVENT, out)
    kind1 = _pick((None,) * 6 + ("correct", "failure", None, None), out)
    suffix = acts["action_id"].str.slice(4)
    base = acts.select("day", "idx", "action_id", "task_id", "outcome")
    ev1 = base.with_columns(
        event_id="evt-" + suffix + "-1",
        event_type=type1,
        escalation_kind=kind1,
        occurred_ms=pl.Series(t1),
    ).filter(pl.col("event_type").is_not_null())
    ev2 = base.with_columns(
        event_id="evt-" + suffix + "-2",
        event_type=_pick(REVERSAL_EVENTS, rev_type),
        escalation_kind=pl.lit(None, STR),
        occurred_ms=pl.Series(t2),
    ).filter(pl.col("outcome").is_in([REV_IN, REV_OUT]))
    return (
        pl.concat([ev1, ev2])
        .with_columns(
            occurred_at=_iso_ms(pl.col("occurred_ms")),
            event_day=((pl.col("occurred_ms") - cfg.day_ms(0)) // DAY_MS),
            failing=(
                (
                    pl.col("outcome").is_in([OVR, ESC_FAIL, RUN_ERR])
                    & pl.col("event_id").str.ends_with("-1")
                )
                | ((pl.col("outcome") == REV_IN) & pl.col("event_id").str.ends_with("-2"))
            ),
        )
        .sort("occurred_ms", "event_id")
    )


def _write_actions(cfg: _Cfg, acts: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield acts.filter(pl.col("day") == d)

    return _write_daily(cfg, "agent_actions", chunks)


def _write_events(cfg: _Cfg, events: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield events.filter(pl.col("event_day") == d)

    rows = _write_daily(cfg, "action_events", chunks, dups=2)
    fmts = _rotation(cfg, "action_events")
    fmt = fmts[cfg.days % len(fmts)]
    follow = cfg.day(cfg.days - 1) + timedelta(days=FOLLOW_UP_DAYS)
    w = _Writer(
        cfg.out / "action_events" / f"{follow.isoformat()}.{fmt}", fmt, SCHEMAS["action_events"]
    )
    w.frame(events.filter(pl.col("event_day") >= cfg.days))
    return rows + w.close()


def _consequences(cfg: _Cfg, acts: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    rng = _rng(cfg.seed, "consequences")
    fail = events.filter("failing").select("action_id", fail_ms="occurred_ms")
    df = acts.join(fail, on="action_id", how="inner", maintain_order="left")
    n = df.height
    out = df["outcome"].to_numpy()
    forced = (df["day"].to_numpy() == 0) & (df["idx"].to_numpy() < 10)
    keep = (rng.random(n) < 0.7) | forced
    draw = rng.random(n)
    rtype = np.select(
        [out == REV_IN, out == OVR, out == ESC_FAIL],
        [
            np.select([draw < 0.5, draw < 0.75], [0, 1], 4),
            np.ones(n, int),
            np.where(draw < 0.6, 3, 2),
        ],
        5,
    )  # 0 refund, 1 credit, 2 sla_penalty, 3 escalation, 4 lost_revenue, 5 incident
    types = ("refund", "credit", "sla_penalty", "escalation", "lost_revenue", "incident")
    lo = np.array([1_000, 500, 10_000, 2_000, 5_000, 20_000])[rtype]
    hi = np.array([40_000, 10_000, 200_000, 15_000, 300_000, 500_000])[rtype]
    cents = rng.integers(lo, hi)
    late = rng.random(n) < 0.6
    delay = np.where(
        late, rng.integers(12 * HOUR_MS, 4 * DAY_MS, n), rng.integers(0, 2 * HOUR_MS, n)
    )
    eur = rng.random(n) < 0.10
    minor = (rtype == 0) & (rng.random(n) < 0.3)
    who = rng.random(n)
    # forced records: escalated/failure -> sla_penalty in lower-case 'usd'; run_error -> incident
    # in minor units naming only the team; overridden -> credit in EUR naming only the agent;
    # reverted -> booked 20 h after the reversal
    fo = np.where(forced, out, -1)
    rtype = np.where(fo == ESC_FAIL, 2, rtype)
    delay = np.where(np.isin(fo, (OVR, ESC_FAIL, RUN_ERR)), 30 * 60_000, delay)
    delay = np.where(fo == REV_IN, 20 * HOUR_MS, delay)
    eur = np.where(forced, fo == OVR, eur)
    minor = np.where(forced, fo == RUN_ERR, minor)
    who = np.where(forced, np.select([fo == OVR, fo == RUN_ERR], [0.85, 0.95], 0.0), who)
    currency = np.where(eur, "EUR", np.where(fo == ESC_FAIL, "usd", "USD"))
    t = df["fail_ms"].to_numpy() + delay
    rec = df.with_columns(
        record_id="cr-" + pl.col("action_id").str.slice(4),
        record_type=_pick(types, rtype),
        cents=pl.Series(cents),
        minor=pl.Series(minor),
        currency=pl.Series(currency),
        occurred_ms=pl.Series(t),
        who=pl.Series(np.select([who < 0.8, who < 0.9], [0, 1], 2)),
        keep=pl.Series(keep),
    ).filter("keep")
    return rec.with_columns(
        amount=pl.when("minor")
        .then(pl.col("cents").cast(STR))
        .otherwise(_dec(pl.col("cents"), 2).cast(STR)),
        amount_unit=pl.when("minor").then(pl.lit("minor")).otherwise(pl.lit("major")),
        occurred_at=_iso_ms(pl.col("occurred_ms")),
        event_day=(pl.col("occurred_ms") - cfg.day_ms(0)) // DAY_MS,
        action_id=pl.when(pl.col("who") == 0).then(pl.col("action_id")),
        task_id=pl.when(pl.col("who") == 0).then(pl.col("task_id")),
        agent_id=pl.when(pl.col("who") == 1).then(pl.col("agent_id")),
        team_id=pl.when(pl.col("who") == 2).then(pl.col("team_id")),
        description=pl.col("record_type").replace_strict(CONSEQUENCE_TEXT),
    ).sort("occurred_ms", "record_id")


def _write_consequences(cfg: _Cfg, acts: pl.DataFrame, events: pl.DataFrame) -> int:
    rec = _consequences(cfg, acts, events)

    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield _consequence_day(cfg, rec, d)

    return _write_daily(cfg, "consequence_records", chunks)


def _consequence_day(cfg: _Cfg, rec: pl.DataFrame, d: int) -> pl.DataFrame:
    """The records booked on day ``d`` (records after the range are not booked yet), sampled or
    topped up to ``consequences_per_day``. Top-up records copy a random record (type,
    amount, currency, what it names) of a failure that happened by the end of the day and are
    booked at a random time of the day after that failure, with ids ``cr-<YYYYMMDD>-t<seq>``."""
    day = rec.filter(pl.col("event_day") == d)
    target = cfg.consequences_target
    if target is None or day.height >= target:
        return _capped(day, target, cfg.seed, "cons_cap", d)
    end = cfg.day_ms(d + 1)
    pool = rec.filter(pl.col("fail_ms") < end)
    if not pool.height:
        return day  # no failure yet: nothing a consequence could name
    rng = _rng(cfg.seed, "cons_fill", d)
    k = target - day.height
    extra = pool[rng.integers(0, pool.height, k)]
    start = np.maximum(extra["fail_ms"].to_numpy(), cfg.day_ms(d))
    t = start + (rng.random(k) * (end - start)).astype(np.int64)
    extra = extra.with_columns(
        record_id=_seq_ids(f"cr-{cfg.day(d).strftime('%Y%m%d')}-t", 1, k, 5),
        occurred_ms=pl.Series(t),
    ).with_columns(
        occurred_at=_iso_ms(pl.col("occurred_ms")),
        event_day=(pl.col("occurred_ms") - cfg.day_ms(0)) // DAY_MS,
    )
    return pl.concat([day, extra.select(day.columns)]).sort("occurred_ms", "record_id")
