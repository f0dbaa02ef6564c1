"""Seeded generator of realistic input files for every source, at any size.

``generate(out_dir, seed=7, days=3, actions_per_day=40)`` writes one file per source and day in
the layout the ingest assets read (``<source>/<day>.<ext>``), rotating CSV, JSONL and Parquet so
every reader is exercised; the same arguments always give byte-identical files. Everything is
vectorised (numpy arrays into polars frames): no loop runs over rows, so the same code writes a
large fleet's day.

What the data holds: 3 teams, 6 agents, 4 task types, risk grades G0-G3 with some ungraded;
every outcome kind (accepted, approved, auto-accepted, correct and failure escalations, run
errors, reverts / overrides / re-runs inside the 30-day window, a revert after it, pending);
LLM requests with retries and sub-agent runs (requests that carry only a session and its parent
session), cached and reasoning tokens, reported cost on about half; tool calls metered as a cost
or as units x unit price; hourly FOCUS billing lines tagged to teams / agents / tasks, shared
untagged lines (cluster, vector store, observability) and a credit; time entries for review,
approval, monitoring, rollback, redo and planning, naming an action, a task, or only an agent or
a team; consequences (refunds in cents, credits, SLA penalties in EUR, ...) booked days after
the failures they follow, some naming only a team; a price catalogue with a price change; loaded
rates with a person override and a rate change; and a small LiteLLM spend-log file.

Defects planted when ``defects=True`` (all on the first day's files unless said otherwise):
- agent_actions: one row missing team_id, one with a bad timestamp;
- action_events: one ragged CSV line (an extra column), one escalation with no kind, and on day 2
  an exact duplicate of a day-1 event (a late duplicate);
- llm_requests (JSONL): one line that is not JSON, one blank line, one row with non-numeric
  input_tokens, one request for an unknown model ('acme-llm-9', no price), and on the last day a
  late row dated two days earlier plus an exact duplicate of a day-1 request;
- tool_calls: one row with a non-numeric cost_usd;
- billing_lines: one row with a non-numeric BilledCost, one line spanning two days, one Tags
  object whose key differs only by a leading space (" team");
- time_entries: one row with negative hours;
- consequence_records: one record in GBP, a currency with no declared rate.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

TEAMS = np.array(["support", "billing-ops", "platform"])
AGENTS = np.array(
    ["triage-bot", "refund-agent", "kb-writer", "billing-fixer", "deploy-agent", "sre-helper"]
)
AGENT_TEAM = np.array([0, 0, 1, 1, 2, 2])
TASK_TYPES = np.array(["ticket_triage", "refund_request", "code_fix", "data_cleanup"])
AGENT_TASK_TYPE = np.array([0, 1, 0, 3, 2, 2])
MODELS = np.array(["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3"])
PROVIDERS = np.array(["openai", "openai", "anthropic", "openai"])
# USD per million tokens: input, cached input, output
MODEL_PRICES = np.array([[2.5, 1.25, 10.0], [0.15, 0.075, 0.6], [3.0, 0.3, 15.0], [2.0, 0.5, 8.0]])
TOOLS = np.array(["web_search", "code_exec", "vector_query", "crm_api"])
VENDORS = np.array(["searchco", "sandboxio", "vectordb", "crmcloud"])

# outcome kinds and their shares of actions
OUTCOMES = np.array(
    [
        "accepted",
        "approved",
        "auto_accepted",
        "correct_escalation",
        "failure_escalation",
        "run_error",
        "reverted",
        "overridden",
        "rerun",
        "late_revert",
        "pending",
    ]
)
OUTCOME_P = np.array([0.40, 0.10, 0.06, 0.05, 0.05, 0.08, 0.09, 0.04, 0.03, 0.04, 0.06])
FORMATS = ("csv", "jsonl", "parquet")


def _iso(ts: np.ndarray) -> np.ndarray:
    """Epoch milliseconds -> ISO 8601 UTC text with a Z."""
    return (
        pl.Series(ts.astype("int64"))
        .cast(pl.Datetime("ms"))
        .dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_numpy()
    )


def _decimal_text(micro: np.ndarray, scale: int = 6) -> np.ndarray:
    values = micro.astype("int64")
    sign = np.where(values < 0, "-", "")
    whole = np.abs(values) // 10**scale
    frac = np.abs(values) % 10**scale
    return np.char.add(
        np.char.add(np.char.add(sign, whole.astype(str)), "."),
        np.char.zfill(frac.astype(str), scale),
    )


def _with_nulls(frame: pl.DataFrame) -> pl.DataFrame:
    """Numpy arrays carry missing text as ''; the files carry it as null."""
    return frame.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def _write(frame: pl.DataFrame, folder: Path, stem: str, fmt: str, null: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{fmt}"
    if fmt == "csv":
        frame.write_csv(path, null_value=null)
    elif fmt == "jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_parquet(path, statistics=False)
    return path


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a") as handle:
        handle.write("".join(line + "\n" for line in lines))


def _day_frames(rng: np.random.Generator, day: date, index: int, n: int, rpa: float, tpa: float):
    day_ms = int(datetime(day.year, day.month, day.day).timestamp() * 1000)
    tag = day.strftime("%Y%m%d")
    i = np.arange(n)
    agent = rng.integers(0, len(AGENTS), n)
    team = AGENT_TEAM[agent]
    attempted = day_ms + np.sort(rng.integers(0, 86_400_000 - 3_600_000, n))
    task_no = i // 2  # two actions per task
    grade = np.array(["G0", "G1", "G2", "G3", ""])[rng.choice(5, n, p=[0.3, 0.3, 0.2, 0.1, 0.1])]
    action_id = np.char.add(f"act-{tag}-", np.char.zfill(i.astype(str), 6))
    task_id = np.char.add(f"task-{tag}-", np.char.zfill(task_no.astype(str), 6))
    session_id = np.char.add(f"ses-{tag}-", np.char.zfill(i.astype(str), 6))
    actions = pl.DataFrame(
        {
            "action_id": action_id,
            "attempted_at": _iso(attempted),
            "task_id": task_id,
            "session_id": session_id,
            "parent_session_id": np.full(n, ""),
            "agent_id": AGENTS[agent],
            "team_id": TEAMS[team],
            "task_type": TASK_TYPES[AGENT_TASK_TYPE[agent]],
            "risk_grade": grade,
        }
    )

    # outcome events
    kind = OUTCOMES[rng.choice(len(OUTCOMES), n, p=OUTCOME_P)]
    accept_type = np.where(kind == "approved", "approved", "accepted")
    accept_type = np.where(kind == "auto_accepted", "auto_accepted", accept_type)
    first_type = np.select(
        [kind == "correct_escalation", kind == "failure_escalation", kind == "run_error"],
        ["escalated", "escalated", "run_error"],
        accept_type,
    )
    first_kind = np.select(
        [kind == "correct_escalation", kind == "failure_escalation"], ["correct", "failure"], ""
    )
    first_at = attempted + rng.integers(60_000, 3_600_000, n)
    has_first = kind != "pending"
    follow = np.isin(kind, ["reverted", "overridden", "rerun", "late_revert"])
    follow_type = np.where(kind == "late_revert", "reverted", kind)
    follow_days = np.where(kind == "late_revert", 40, rng.integers(1, 20, n))
    follow_at = first_at + follow_days * 86_400_000
    events = pl.concat(
        [
            pl.DataFrame(
                {
                    "event_id": np.char.add("evt-a-", action_id[has_first]),
                    "action_id": action_id[has_first],
                    "event_type": first_type[has_first],
                    "escalation_kind": first_kind[has_first],
                    "occurred_at": _iso(first_at[has_first]),
                }
            ),
            pl.DataFrame(
                {
                    "event_id": np.char.add("evt-b-", action_id[follow]),
                    "action_id": action_id[follow],
                    "event_type": follow_type[follow],
                    "escalation_kind": np.full(follow.sum(), "", dtype=object),
                    "occurred_at": _iso(follow_at[follow]),
                }
            ),
        ]
    )

    # LLM requests: retries / loop steps per action, some from sub-agent runs
    per_action = np.maximum(1, rng.poisson(rpa, n))
    owner = np.repeat(i, per_action)
    m = len(owner)
    model = rng.choice(len(MODELS), m, p=[0.4, 0.3, 0.2, 0.1])
    input_tokens = rng.integers(200, 8000, m)
    cached = (input_tokens * rng.uniform(0, 0.6, m)).astype("int64")
    output_tokens = rng.integers(50, 1500, m)
    reasoning = np.where(model == 3, (output_tokens * 0.7).astype("int64"), 0)
    price = MODEL_PRICES[model]
    cost_micro = np.rint(
        (input_tokens - cached) * price[:, 0] + cached * price[:, 1] + output_tokens * price[:, 2]
    ).astype("int64")  # USD per million tokens x tokens = micro-dollars
    reported = rng.random(m) < 0.5
    sub = rng.random(m) < 0.2
    requested = attempted[owner] + rng.integers(1_000, 3_000_000, m)
    requests = pl.DataFrame(
        {
            "request_id": np.char.add(f"req-{tag}-", np.char.zfill(np.arange(m).astype(str), 7)),
            "requested_at": _iso(requested),
            "model": MODELS[model],
            "provider": PROVIDERS[model],
            "input_tokens": input_tokens,
            "cached_input_tokens": cached,
            "cache_write_input_tokens": np.zeros(m, dtype="int64"),
            "output_tokens": output_tokens,
            "reasoning_tokens": reasoning,
            "reported_cost_usd": np.where(reported, _decimal_text(cost_micro), ""),
            "status": np.where(kind[owner] == "run_error", "error", "success"),
            "action_id": np.where(sub, "", action_id[owner]),
            "task_id": np.where(sub, "", task_id[owner]),
            "session_id": np.where(sub, np.char.add(session_id[owner], "-sub"), session_id[owner]),
            "parent_session_id": np.where(sub, session_id[owner], ""),
            "agent_id": np.where(sub, "research-subagent", AGENTS[agent[owner]]),
            "team_id": np.where(sub, "", TEAMS[team[owner]]),
        }
    )

    # tool calls
    calls_per = rng.poisson(tpa, n)
    call_owner = np.repeat(i, calls_per)
    k = len(call_owner)
    tool = rng.integers(0, len(TOOLS), k)
    metered = rng.random(k) < 0.5
    units = rng.integers(1, 20, k)
    unit_price_micro = np.array([5_000, 20_000, 1_000, 50_000])[tool]
    tools = pl.DataFrame(
        {
            "call_id": np.char.add(f"call-{tag}-", np.char.zfill(np.arange(k).astype(str), 7)),
            "called_at": _iso(attempted[call_owner] + rng.integers(1_000, 3_000_000, k)),
            "tool_name": TOOLS[tool],
            "vendor": VENDORS[tool],
            "units": np.where(metered, "", units.astype(str)),
            "unit_price_usd": np.where(metered, "", _decimal_text(unit_price_micro)),
            "cost_usd": np.where(metered, _decimal_text(units * unit_price_micro), ""),
            "status": np.where(kind[call_owner] == "run_error", "error", "success"),
            "action_id": action_id[call_owner],
            "task_id": task_id[call_owner],
            "session_id": session_id[call_owner],
            "parent_session_id": np.full(k, ""),
            "agent_id": AGENTS[agent[call_owner]],
            "team_id": TEAMS[team[call_owner]],
        }
    )

    # FOCUS billing: hourly compute per agent (tagged), shared lines untagged, one credit
    hours = np.arange(24)
    per_agent = np.repeat(np.arange(len(AGENTS)), 24)
    hour = np.tile(hours, len(AGENTS))
    shared_kind = np.repeat(np.arange(3), 24)
    shared_hour = np.tile(hours, 3)
    starts = np.concatenate([hour, shared_hour, [0]]) * 3_600_000 + day_ms
    ends = starts + np.concatenate([np.full(len(hour) + len(shared_hour), 3_600_000), [86_400_000]])
    cost = np.concatenate(
        [
            rng.integers(50_000, 400_000, len(hour)),
            rng.integers(100_000, 900_000, len(shared_hour)),
            [-2_500_000],
        ]
    )
    tags = np.concatenate(
        [
            np.char.add(
                np.char.add(
                    np.char.add('{"team": "', TEAMS[AGENT_TEAM[per_agent]]), '", "agent": "'
                ),
                np.char.add(AGENTS[per_agent], '", "environment": "prod"}'),
            ),
            np.where(shared_kind == 2, '{"environment": "prod"}', ""),
            [""],
        ]
    )
    service = np.concatenate(
        [
            np.full(len(hour), "Agent Runtime"),
            np.array(["Kubernetes Cluster", "Vector Store", "Observability"])[shared_kind],
            ["Agent Runtime"],
        ]
    )
    b = len(cost)
    billing = pl.DataFrame(
        {
            "BilledCost": _decimal_text(cost),
            "EffectiveCost": _decimal_text(cost),
            "ListCost": _decimal_text(np.abs(cost) + 10_000),
            "ContractedCost": _decimal_text(cost),
            "BillingCurrency": np.full(b, "USD"),
            "BillingAccountId": np.full(b, "acct-001"),
            "BillingPeriodStart": np.full(b, f"{day:%Y-%m}-01 00:00:00"),
            "BillingPeriodEnd": np.full(
                b, f"{(day.replace(day=28) + timedelta(days=4)).replace(day=1):%Y-%m-%d} 00:00:00"
            ),  # noqa: E501
            "ChargePeriodStart": pl.Series(starts)
            .cast(pl.Datetime("ms"))
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .to_numpy(),  # noqa: E501
            "ChargePeriodEnd": pl.Series(ends)
            .cast(pl.Datetime("ms"))
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .to_numpy(),  # noqa: E501
            "ChargeCategory": np.where(cost < 0, "Credit", "Usage"),
            "ChargeClass": np.full(b, ""),
            "ChargeFrequency": np.where(np.arange(b) % 2 == 0, "Usage-Based", "Usage-based"),
            "ChargeDescription": service,
            "ProviderName": np.full(b, "AWS"),
            "PublisherName": np.full(b, "AWS"),
            "InvoiceIssuerName": np.full(b, "AWS"),
            "ServiceName": service,
            "ServiceCategory": np.full(b, "Compute"),
            "RegionId": np.full(b, "us-east-1"),
            "ResourceId": np.char.add(
                "res-", np.concatenate([per_agent, 10 + shared_kind, [99]]).astype(str)
            ),  # noqa: E501
            "ResourceName": service,
            "ResourceType": np.full(b, "Instance"),
            "SkuId": np.full(b, "sku-1"),
            "SubAccountId": np.full(b, "sub-1"),
            "SubAccountName": np.full(b, "agents-prod"),
            "ConsumedQuantity": np.full(b, "1.000000"),
            "ConsumedUnit": np.full(b, "Hours"),
            "PricingQuantity": np.full(b, "1.000000"),
            "PricingUnit": np.full(b, "Hours"),
            "Tags": tags,
        }
    )

    # time entries: review of accepted work, remediation of failures, agent/team-only monitoring
    reviewed = np.flatnonzero(np.isin(kind, ["accepted", "approved"]))[::3]
    fixed = np.flatnonzero(np.isin(kind, ["reverted", "overridden", "failure_escalation"]))
    e_action = np.concatenate([reviewed, fixed])
    e_n = len(e_action)
    entries = pl.DataFrame(
        {
            "entry_id": np.char.add(f"te-{tag}-", np.char.zfill(np.arange(e_n + 3).astype(str), 5)),
            "person_id": np.concatenate(
                [np.where(np.arange(e_n) % 2 == 0, "p-ana", "p-ben"), ["p-cy", "p-cy", "p-dee"]]
            ),
            "role": np.concatenate(
                [
                    np.full(len(reviewed), "reviewer"),
                    np.full(len(fixed), "engineer"),
                    ["reviewer", "reviewer", "engineer"],
                ]
            ),
            "work_date": np.full(e_n + 3, day.isoformat()),
            "hours": np.concatenate(
                [
                    np.full(len(reviewed), "0.25"),
                    np.full(len(fixed), "1.50"),
                    ["2.00", "1.00", "3.00"],
                ]  # noqa: E501
            ),
            "activity": np.concatenate(
                [
                    np.where(np.arange(len(reviewed)) % 4 == 0, "approval", "review"),
                    np.where(np.arange(len(fixed)) % 2 == 0, "rollback", "redo"),
                    ["monitoring", "monitoring", "planning"],
                ]
            ),
            "action_id": np.concatenate([action_id[e_action], ["", "", ""]]),
            "task_id": np.full(e_n + 3, ""),
            "agent_id": np.concatenate([np.full(e_n, ""), [AGENTS[index % 6], "", ""]]),  # noqa: E501
            "team_id": np.concatenate([np.full(e_n, ""), ["", TEAMS[index % 3], TEAMS[2]]]),  # noqa: E501
        }
    )

    # consequences of failures, booked 1-10 days later; a few naming only a team
    failed = np.flatnonzero(
        np.isin(kind, ["reverted", "overridden", "failure_escalation", "rerun"])
    )
    c_n = len(failed)
    record_type = np.array(["refund", "credit", "sla_penalty", "escalation", "lost_revenue"])[
        rng.integers(0, 5, c_n)
    ]
    minor = record_type == "refund"
    amount_cents = rng.integers(500, 25_000, c_n)
    consequences = pl.DataFrame(
        {
            "record_id": np.char.add(
                f"cq-{tag}-", np.char.zfill(np.arange(c_n + 1).astype(str), 5)
            ),  # noqa: E501
            "record_type": np.concatenate([record_type, ["sla_penalty"]]),
            "amount": np.concatenate(
                [
                    np.where(minor, amount_cents.astype(str), _decimal_text(amount_cents, 2)),
                    ["150.00"],
                ]  # noqa: E501
            ),
            "currency": np.concatenate(
                [
                    np.where(
                        record_type == "sla_penalty",
                        "EUR",
                        np.where(np.arange(c_n) % 7 == 0, "usd", "USD"),
                    ),
                    ["EUR"],
                ]
            ),  # noqa: E501
            "amount_unit": np.concatenate([np.where(minor, "minor", "major"), ["major"]]),
            "occurred_at": np.concatenate(
                [
                    _iso(follow_at[failed] + rng.integers(1, 10, c_n) * 86_400_000),
                    _iso(np.array([day_ms + 80_000_000])),
                ]  # noqa: E501
            ),
            "action_id": np.concatenate([action_id[failed], [""]]),
            "task_id": np.full(c_n + 1, ""),
            "agent_id": np.full(c_n + 1, ""),
            "team_id": np.concatenate([np.full(c_n, ""), [TEAMS[index % 3]]]),
            "description": np.concatenate([np.char.add("after ", kind[failed]), ["missed SLA"]]),
        }
    )
    frames = {
        "agent_actions": actions,
        "action_events": events,
        "llm_requests": requests,
        "tool_calls": tools,
        "billing_lines": billing,
        "time_entries": entries,
        "consequence_records": consequences,
    }
    return {source: _with_nulls(frame) for source, frame in frames.items()}


def _reference_files(out: Path, start: date) -> dict[str, int]:
    prices = [("model", "provider", "token_kind", "usd_per_million_tokens", "effective_from")]
    for name, provider, (inp, cached, output) in zip(MODELS, PROVIDERS, MODEL_PRICES, strict=True):
        for kind, value in (("input", inp), ("cached_input", cached), ("output", output)):
            prices.append((name, provider, kind, f"{value:.3f}", "2025-01-01"))
    # a price change inside the generated range
    prices.append(
        ("gpt-4o-mini", "openai", "output", "0.500", (start + timedelta(days=1)).isoformat())
    )
    rates = [
        ("role", "person_id", "loaded_hourly_rate", "currency", "effective_from"),
        ("reviewer", "", "85.00", "USD", "2025-01-01"),
        ("engineer", "", "120.00", "USD", "2025-01-01"),
        ("engineer", "", "126.00", "USD", (start + timedelta(days=1)).isoformat()),
        ("", "p-ben", "95.00", "USD", "2025-01-01"),
    ]
    for folder, name, rows in (
        ("model_prices", "prices.csv", prices),
        ("loaded_rates", "rates.csv", rates),
    ):  # noqa: E501
        (out / folder).mkdir(parents=True, exist_ok=True)
        (out / folder / name).write_text("".join(",".join(r) + "\n" for r in rows))
    return {"model_prices": len(prices) - 1, "loaded_rates": len(rates) - 1}


def generate(
    out_dir: Path,
    *,
    seed: int = 7,
    start_date: date = date(2026, 10, 1),
    days: int = 3,
    actions_per_day: int = 40,
    requests_per_action: float = 4.0,
    tool_calls_per_action: float = 1.5,
    formats: tuple[str, ...] = FORMATS,
    defects: bool = True,
) -> dict[str, int]:
    """Write every source's files under out_dir; returns the data rows written per source."""
    out = Path(out_dir)
    rng = np.random.default_rng(seed)
    counts = _reference_files(out, start_date)
    first_frames = None
    for index in range(days):
        day = start_date + timedelta(days=index)
        frames = _day_frames(
            rng, day, index, actions_per_day, requests_per_action, tool_calls_per_action
        )
        if first_frames is None:
            first_frames = frames
        elif defects and index == days - 1:
            # a late duplicate event, a duplicate request and a request dated two days earlier
            first_request = first_frames["llm_requests"].head(1)
            frames["action_events"] = pl.concat(
                [frames["action_events"], first_frames["action_events"].head(1)]
            )
            frames["llm_requests"] = pl.concat(
                [
                    frames["llm_requests"],
                    first_request,
                    first_request.with_columns(
                        pl.lit("req-late-1").alias("request_id"),
                        pl.lit(f"{start_date.isoformat()}T23:00:00.000Z").alias("requested_at"),
                    ),
                ]
            )
        for offset, (source, frame) in enumerate(frames.items()):
            allowed = [f for f in formats if source != "billing_lines" or f != "jsonl"]
            fmt = allowed[(index + offset) % len(allowed)]
            if defects and index == 0:  # the first day's files take text defects
                fmt = "jsonl" if source == "llm_requests" else "csv"
            null = "NULL" if source == "billing_lines" else ""
            path = _write(frame, out / source, day.isoformat(), fmt, null)
            counts[source] = counts.get(source, 0) + frame.height
            if defects:
                counts[source] += _plant(source, path, index, first_frames)
    counts["llm_requests"] += _litellm_file(out, first_frames["llm_requests"])
    return counts


def _plant(source: str, path: Path, index: int, first_frames) -> int:
    """Append the first day's documented text defects; returns the rows added (a blank line is
    not a row)."""
    if index == 0:
        rows = {
            "agent_actions": [
                "act-bad-1,2026-10-01T10:00:00Z,task-bad,ses-bad,,triage-bot,,ticket_triage,G1",
                "act-bad-2,not-a-time,task-bad,ses-bad,,triage-bot,support,ticket_triage,G1",
            ],
            "action_events": [
                "evt-bad-1,act-bad-1,accepted,,2026-10-01T11:00:00Z,EXTRA",
                "evt-bad-2,act-bad-1,escalated,,2026-10-01T11:00:00Z",
            ],
            "llm_requests": [
                "{not json",
                "",
                '{"request_id": "req-bad-1", "requested_at": "2026-10-01T12:00:00Z", '
                '"model": "gpt-4o", "input_tokens": "lots", "output_tokens": 10}',
                '{"request_id": "req-unknown-model", "requested_at": "2026-10-01T12:00:00Z", '
                '"model": "acme-llm-9", "provider": "acme", "input_tokens": 1200, '
                '"output_tokens": 300, "action_id": "'
                + first_frames["agent_actions"]["action_id"][0]
                + '", "task_id": "'
                + first_frames["agent_actions"]["task_id"][0]
                + '"}',
            ],
            "tool_calls": [
                "call-bad-1,2026-10-01T12:00:00Z,web_search,searchco,,,twelve,success,,,,,,"
            ],
            "billing_lines": [
                "abc,1.000000,10.000000,1.000000,USD,acct-001,2026-10-01 00:00:00,"
                "2026-11-01 00:00:00,2026-10-01 05:00:00,2026-10-01 06:00:00,Usage,NULL,"
                "Usage-Based,bad,AWS,AWS,AWS,Agent Runtime,Compute,us-east-1,res-1,x,Instance,"
                "sku-1,sub-1,agents-prod,1,Hours,1,Hours,NULL",
                "7.200000,7.200000,7.200000,7.200000,USD,acct-001,2026-10-01 00:00:00,"
                "2026-11-01 00:00:00,2026-10-01 12:00:00,2026-10-02 12:00:00,Usage,NULL,"
                "Usage-Based,nightly batch,AWS,AWS,AWS,Batch,Compute,us-east-1,res-77,batch,"
                'Instance,sku-1,sub-1,agents-prod,24,Hours,24,Hours,"{""team"": ""platform""}"',
                "0.900000,0.900000,0.900000,0.900000,USD,acct-001,2026-10-01 00:00:00,"
                "2026-11-01 00:00:00,2026-10-01 03:00:00,2026-10-01 04:00:00,Usage,NULL,"
                "Usage-Based,tag drift,AWS,AWS,AWS,Agent Runtime,Compute,us-east-1,res-78,x,"
                'Instance,sku-1,sub-1,agents-prod,1,Hours,1,Hours,"{"" team"": ""support""}"',
            ],
            "time_entries": ["te-bad-1,p-ana,reviewer,2026-10-01,-1.5,review,,,,support"],
            "consequence_records": [
                "cq-bad-1,credit,40.00,GBP,major,2026-10-02T09:00:00Z,,,,support,uk customer"
            ],
        }.get(source, [])
        _append(path, rows)
        return sum(1 for r in rows if r)
    return 0


def _litellm_file(out: Path, requests: pl.DataFrame) -> int:
    """A LiteLLM SpendLogs-shaped JSONL file mirroring the first day's first 12 requests."""
    rows = requests.head(12).filter(pl.col("action_id").is_not_null())
    frame = rows.select(
        (pl.lit("litellm-") + pl.col("request_id")).alias("request_id"),
        pl.col("requested_at").str.replace("Z", "").alias("startTime"),
        pl.col("model"),
        pl.col("provider").alias("custom_llm_provider"),
        pl.col("input_tokens").alias("prompt_tokens"),
        pl.col("output_tokens").alias("completion_tokens"),
        pl.col("reported_cost_usd").fill_null("0.001").cast(pl.Float64).alias("spend"),
        pl.format(
            '{{"usage_object": {{"prompt_tokens_details": {{"cached_tokens": {}}}, '
            '"completion_tokens_details": {{"reasoning_tokens": {}}}}}}}',
            "cached_input_tokens",
            "reasoning_tokens",
        ).alias("metadata"),
        pl.format('["task:{}", "action:{}"]', "task_id", "action_id").alias("request_tags"),
        pl.col("session_id"),
        pl.col("agent_id"),
        pl.col("team_id"),
        pl.col("status"),
    )
    _write(frame, out / "llm_requests" / "litellm", "spend_logs", "jsonl")
    return frame.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2026, 10, 1))
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--actions-per-day", type=int, default=40)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--no-defects", action="store_true")
    args = parser.parse_args()
    counts = generate(
        args.out,
        seed=args.seed,
        start_date=args.start_date,
        days=args.days,
        actions_per_day=args.actions_per_day,
        formats=tuple(args.formats.split(",")),
        defects=not args.no_defects,
    )
    for source, rows in sorted(counts.items()):
        print(f"{source}: {rows} rows")


if __name__ == "__main__":
    main()
