"""Seeded, deterministic generator of realistic raw input files for every source.

``generate(out_dir, seed=7, start_date=date(2026, 10, 1), days=3, actions_per_day=40, ...)``
writes one folder per source (folder name = ``Source.name`` in ``pipeline/sources.py``) with one
file per day, ``<source>/<YYYY-MM-DD>.<csv|jsonl|parquet>``, plus:

- ``model_prices/prices.csv``, ``loaded_rates/rates.csv`` and ``budgets/budgets.csv`` (reference
  files, always CSV);
- ``llm_requests/litellm/<first day>.jsonl``: 15 LiteLLM SpendLogs rows tied to day-0 actions;
- ``action_events/<last day + 40 days>.<fmt>``: the outcome events that happen after the last
  generated day (acceptances after midnight of the last day, reversals days or weeks later, among
  them the revert 35 days after acceptance that falls outside the 30-day window).

It returns the number of data records written per source, over every file of the source's folder
(sub-folders included): planted defect lines count as records; CSV headers and blank lines do not.

Determinism: every random draw comes from ``Generator(PCG64(SeedSequence([seed, stream, day])))``;
nothing reads the clock; ids are built from the day and a sequence number; Parquet bytes depend on
the installed polars/pyarrow versions only. Generation is vectorised (numpy arrays -> polars frames
-> ``write_csv`` / ``write_ndjson`` / pyarrow Parquet); Python loops run only over days, sources,
chunks of ``CHUNK_ACTIONS`` actions and the handful of planted defect rows, so one day of millions
of LLM requests is written chunk by chunk (10.8M requests in one day: ~30 s as Parquet, 2.4 GB
RAM; 1M requests as JSONL: ~13 s). Money is generated as integers (nano-dollars, 1e-10 dollars,
cents, hundredths of an hour) and written through polars ``Decimal``: every amount is exact
decimal text, never a float rendering (LiteLLM's ``spend`` alone is a JSON float, as in LiteLLM).

Formats per day (day ``i`` uses ``rotation[i % len(rotation)]``, restricted to ``formats``; a source
left with no rotation format uses the first allowed format it supports): billing_lines csv,
parquet; llm_requests jsonl, csv, parquet; tool_calls and agent_actions csv, jsonl, parquet;
action_events and consequence_records csv, jsonl; time_entries csv. CSV nulls are empty fields,
except billing_lines (FOCUS) where they are the bare token ``NULL`` and text is quoted as in real
FOCUS exports. JSONL omits keys whose value is null. Parquet columns are typed (Int64 tokens and
units, Decimal money and hours) but timestamps are the same text as in CSV/JSONL.

Conventions: ``input_tokens`` includes ``cached_input_tokens`` and ``cache_write_input_tokens``;
``output_tokens`` includes ``reasoning_tokens``; ``reported_cost_usd`` (about half the requests) is
the catalogue price of the request on its day, except ~3 % that are 10 % higher (a disagreement to
report). Sub-agent sessions are ``<root session>-sub`` with ``parent_session_id`` = the root
session of the same task; the first action of such a task also has 1+ sub-agent requests carrying
only ``session_id`` + ``parent_session_id``.

Outcomes: the 10 earliest actions of day 0 get, in order: accepted, auto_accepted, approved,
accepted then ``reverted`` 26 h later (within the window), accepted then ``reverted`` 35 days later
(outside it; in the follow-up file), overridden, escalated/correct, escalated/failure, run_error
(all its requests have status error) and pending (no event). Other actions are drawn at random
(reversals also as rolled_back, redone, rerun, reopened).

Planted defects (only with ``defects=True``)
--------------------------------------------

Text defects go into the first CSV or JSONL file of each source, right after its 3rd data record
(``DEFECT_AT``); defect rows copy that file's first record and change one thing; in sources with
an id column their id is ``<prefix>-<YYYYMMDD>-defect-<n>``. Positions are for the committed
sample (``--seed 7 --start-date 2026-10-01 --days 3 --actions-per-day 40``); CSV line numbers
count the header as line 1.

1. Value defects (``VALUE_DEFECTS``), in the source's first text file (day 0 for every source):

   ===================  ==============================  ====================  ======================
   source               non-numeric / invalid value     missing required      bad timestamp
   ===================  ==============================  ====================  ======================
   llm_requests         input_tokens ``12k``            model absent          requested_at T25:61
   tool_calls           units ``three``                 tool_name blank       called_at 10/01/2026
   billing_lines        EffectiveCost ``n/a``           BillingCurrency NULL  ChargePeriodStart 25h
   model_prices         usd_per_million_tokens ``TBD``  token_kind blank      effective_from 02-30
   loaded_rates         loaded_hourly_rate ``ninety``   effective_from blank  effective_from 01/10
   time_entries         hours ``1h30``                  person_id blank       work_date 2026-10-32
   consequence_records  amount ``12,50``                currency blank        occurred_at yesterday
   agent_actions        risk_grade ``G9`` (invalid)     agent_id blank        attempted_at month 13
   action_events        event_type ``acepted``          action_id blank       occurred_at garbage
   ===================  ==============================  ====================  ======================

   plus, right after them: time_entries a row with hours ``-1.50`` (negative hours) and
   consequence_records a well-formed refund of ``25.00`` ``GBP`` (no declared exchange rate).
   Sample lines: ``llm_requests/2026-10-01.jsonl`` 4-6; ``tool_calls/2026-10-01.csv``,
   ``billing_lines/2026-10-01.csv``, ``model_prices/prices.csv``, ``loaded_rates/rates.csv``,
   ``agent_actions/2026-10-01.csv`` and ``action_events/2026-10-01.csv`` 5-7;
   ``time_entries/2026-10-01.csv`` 5-8 (8 = negative hours); ``consequence_records/2026-10-01.csv``
   5-8 (8 = GBP).
2. Ragged line (the file's first record plus a trailing ``,unexpected_extra_column``), in the
   first CSV file of every source, after the value defects: line 8 of tool_calls, billing_lines,
   model_prices, loaded_rates, agent_actions and action_events day-0 files; line 9 of the
   time_entries and consequence_records day-0 files; line 5 of ``llm_requests/2026-10-02.csv``.
3. A line that is not JSON (the first half of a record) followed by a blank line, in the first
   JSONL file of every source that has one: ``llm_requests/2026-10-01.jsonl`` lines 7-8;
   ``tool_calls/2026-10-02.jsonl``, ``agent_actions/2026-10-02.jsonl`` and
   ``action_events/2026-10-02.jsonl`` lines 4-5; ``consequence_records/2026-10-02.jsonl`` lines
   3-4 (that file has only 2 records, so the block goes at its end).

Record-level defects (every format, Parquet included):

4. Late duplicates: the last 3 llm_requests, the last 2 tool_calls and the last 2 action_events of
   day ``d``'s file are delivered again, unchanged, at the end of day ``d + 1``'s file (same
   request_id / call_id / event_id). Sample: 3 + 3 requests, 2 + 2 calls, 2 + 2 events.
5. Late rows: data records 21-24 (llm_requests), 21-22 (tool_calls) and 21 (billing_lines) of day
   ``d`` are left out of day ``d``'s file and delivered at the end of day ``d + 2``'s file, before
   the duplicates, with their original (two days earlier) timestamps. Sample: day-0 rows at the
   end of ``llm_requests/2026-10-03.parquet`` (4 rows, then 3 duplicates),
   ``tool_calls/2026-10-03.parquet`` (2, then 2) and ``billing_lines/2026-10-03.csv`` (last line).
6. Unknown model: every request of action ``act-<first day>-00010`` uses model ``acme-llm-9``
   (provider ``acme``, no reported cost), which has no row in ``model_prices`` (4 in the sample).

Realistic features that are not defects (with and without ``defects``): ChargeFrequency spelled
``Usage-Based`` and ``Usage-based`` (CloudWatch lines); a daily Credit line with negative cost; a
savings-plan node group with BilledCost 0 and EffectiveCost > 0; shared lines with Tags NULL or
only ``{"environment": "prod"}``; on day 0 one storage line whose charge period runs 26 h across
midnight and one Fargate line whose Tags key is ``" team"`` (leading space); consequences in
``USD``, ``EUR``, lower-case ``usd`` and minor units, some booked days after the failure, some
naming only an agent or a team; a price change (gpt-4o input and cached_input) and a reviewer rate
change on the middle day; a person-specific rate (p-002).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from pipeline.sources import FOCUS_COLUMNS, SOURCES

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
DEFECT_AT = 3  # text defects are inserted after this many data records of a file
LATE_AT = 20  # late rows are taken from this data record (0-based) of a day's file
CHUNK_ACTIONS = 100_000  # requests and tool calls are generated for this many actions at a time
FOLLOW_UP_DAYS = 40  # the follow-up action_events file is dated last day + this many days
UNKNOWN_MODEL = "acme-llm-9"
UNKNOWN_MODEL_ACTION = 10  # index (within day 0) of the action whose requests use UNKNOWN_MODEL
ACCOUNT = "111122223333"

TEAMS = ("team-payments", "team-support", "team-platform", "team-data")
TASK_TYPES = ("refund_request", "ticket_triage", "code_fix", "data_cleanup")
MODELS = ("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3", UNKNOWN_MODEL)
PROVIDERS = ("openai", "openai", "anthropic", "openai", "acme")
TOKEN_KINDS = ("input", "cached_input", "cache_write_input", "output", "reasoning")

# agent_id, team index, task type index, primary model index, share of tasks
AGENTS = (
    ("agt-refund-bot", 0, 0, 0, 0.14),
    ("agt-refund-review", 0, 0, 2, 0.08),
    ("agt-triage-1", 1, 1, 1, 0.22),
    ("agt-triage-2", 1, 1, 1, 0.16),
    ("agt-coder", 2, 2, 2, 0.12),
    ("agt-coder-o3", 2, 2, 3, 0.06),
    ("agt-cleaner", 3, 3, 0, 0.12),
    ("agt-dq-checker", 3, 3, 1, 0.10),
)
AGENT_IDS = tuple(a[0] for a in AGENTS)
AGENT_TEAM = np.array([a[1] for a in AGENTS])
AGENT_TYPE = np.array([a[2] for a in AGENTS])
AGENT_MODEL = np.array([a[3] for a in AGENTS])
AGENT_P = np.array([a[4] for a in AGENTS]) / sum(a[4] for a in AGENTS)

# risk grade probabilities per task type: G0, G1, G2, G3, ungraded (blank)
GRADES = ("G0", "G1", "G2", "G3", None)
GRADE_P = np.array(
    [
        [0.00, 0.10, 0.50, 0.32, 0.08],  # refund_request
        [0.55, 0.35, 0.02, 0.00, 0.08],  # ticket_triage
        [0.05, 0.45, 0.35, 0.07, 0.08],  # code_fix
        [0.10, 0.50, 0.30, 0.02, 0.08],  # data_cleanup
    ]
)

# Outcome kinds of an action (internal codes).
ACC, AUTO, APPR, REV_IN, REV_OUT, OVR, ESC_OK, ESC_FAIL, RUN_ERR, PENDING = range(10)
OUTCOME_P = np.array([0.36, 0.14, 0.10, 0.07, 0.02, 0.04, 0.05, 0.05, 0.05, 0.12])
FIRST_EVENT = (
    "accepted",
    "auto_accepted",
    "approved",
    "accepted",
    "accepted",
    "overridden",
    "escalated",
    "escalated",
    "run_error",
    None,
)
REVERSAL_EVENTS = ("reverted", "rolled_back", "redone", "rerun", "reopened")

# Prices in milli-dollars per million tokens (= nano-dollars per token).
PRICES = {
    "gpt-4o": {"input": 2500, "cached_input": 1250, "output": 10000},
    "gpt-4o-mini": {"input": 150, "cached_input": 75, "output": 600},
    "claude-sonnet-4-5": {
        "input": 3000,
        "cached_input": 300,
        "cache_write_input": 3750,
        "output": 15000,
        "reasoning": 15000,
    },
    "o3": {"input": 2000, "cached_input": 500, "output": 8000, "reasoning": 8000},
}
PRICE_CHANGE = ("gpt-4o", {"input": 2000, "cached_input": 1000})

# person_id, role
PEOPLE = (
    ("p-001", "reviewer"),
    ("p-002", "reviewer"),
    ("p-003", "reviewer"),
    ("p-004", "sre"),
    ("p-005", "sre"),
    ("p-006", "engineer"),
    ("p-007", "engineer"),
    ("p-008", "support_lead"),
    ("p-009", "ops_manager"),
)
# role, cents per hour; the reviewer rate changes inside the range; p-002 has an override
ROLE_RATES = (
    ("engineer", 12500),
    ("ops_manager", 14000),
    ("reviewer", 8500),
    ("sre", 11000),
    ("support_lead", 7000),
)
RATE_CHANGE = ("reviewer", 9250)
RATE_OVERRIDE = ("reviewer", "p-002", 9900)

# tool_name, vendor, style ("cost" = cost_usd only, "units" = units + unit_price_usd)
TOOLS = (
    ("web_search", "tavily", "cost"),
    ("code_exec", "e2b", "units"),
    ("vector_query", "pinecone", "units"),
    ("crm_api", "salesforce", "cost"),
)
TOOL_P = np.array(
    [
        [0.20, 0.00, 0.30, 0.50],  # refund_request
        [0.30, 0.00, 0.50, 0.20],  # ticket_triage
        [0.35, 0.50, 0.15, 0.00],  # code_fix
        [0.10, 0.40, 0.50, 0.00],  # data_cleanup
    ]
)

CONSEQUENCE_TEXT = {
    "refund": "Refund issued after the agent's decision was reverted",
    "credit": "Service credit granted, customer contacted",
    "sla_penalty": 'SLA penalty: response "breached" contractual target',
    "escalation": "Escalation handled by tier-2 support, customer waited",
    "lost_revenue": "Order cancelled after wrong change; revenue lost",
    "incident": "Incident: agent run failed, batch reprocessed by on-call",
}

# Filler billing lines (``billing_lines_per_day``): one small usage line per short-lived resource
# and hour. ChargeDescription, ServiceName, ServiceCategory, ResourceType, SkuId, ConsumedUnit,
# PricingUnit, ResourceId prefix, price in 1e-10 dollars per unit, quantity range in millionths of
# a unit, share of the lines. Tags: volumes name the team, agent, task and session of an action of
# the day, Fargate tasks the team, agent and action; snapshots are untagged (shared cost).
BILLING_FILL = (
    (
        "$0.08 per GB-month of General Purpose (gp3) provisioned storage",
        "Amazon Elastic Compute Cloud",
        "Storage",
        "Volume",
        "EBS-GP3-STORAGE",
        "GB-Hours",
        "GB-Month",
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-",
        1_095_890,  # 0.08 / 730 $ per GB-hour
        (8_000_000, 200_000_000),
        0.5,
    ),
    (
        "$0.04048 per vCPU-hour for AWS Fargate in US East (N. Virginia)",
        "Amazon Elastic Container Service",
        "Compute",
        "ECS Task",
        "FARGATE-VCPU-HOURS",
        "vCPU-Hours",
        "Hours",
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/agents-prod/",
        404_800_000,
        (50_000, 500_000),
        0.3,
    ),
    (
        "$0.05 per GB-month of snapshot data stored",
        "Amazon Elastic Compute Cloud",
        "Storage",
        "Snapshot",
        "EBS-SNAPSHOT-STORAGE",
        "GB-Hours",
        "GB-Month",
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:snapshot/snap-",
        684_932,  # 0.05 / 730 $ per GB-hour
        (1_000_000, 100_000_000),
        0.2,
    ),
)

STREAMS = {
    "actions": 1,
    "events": 2,
    "requests": 3,
    "tools": 4,
    "billing": 5,
    "time": 6,
    "consequences": 7,
    "litellm": 8,
    "time_cap": 9,
    "cons_cap": 10,
    "billing_fill": 11,
    "time_fill": 12,
    "cons_fill": 13,
}

ROTATION = {
    "billing_lines": ("csv", "parquet"),
    "llm_requests": ("jsonl", "csv", "parquet"),
    "tool_calls": ("csv", "jsonl", "parquet"),
    "agent_actions": ("csv", "jsonl", "parquet"),
    "action_events": ("csv", "jsonl"),
    "consequence_records": ("csv", "jsonl"),
    "time_entries": ("csv",),
}
ALL_FORMATS = ("csv", "jsonl", "parquet")

# Value defects per source: (defect category, changed fields). None = field missing / blank.
# "{day}" is replaced by the file's day (YYYY-MM-DD).
VALUE_DEFECTS: dict[str, list[tuple[str, dict[str, str | None]]]] = {
    "llm_requests": [
        ("non_numeric", {"input_tokens": "12k"}),
        ("missing_required", {"model": None}),
        ("bad_timestamp", {"requested_at": "{day}T25:61:00Z"}),
    ],
    "tool_calls": [
        ("non_numeric", {"units": "three"}),
        ("missing_required", {"tool_name": None}),
        ("bad_timestamp", {"called_at": "10/01/2026 09:15"}),
    ],
    "billing_lines": [
        ("non_numeric", {"EffectiveCost": "n/a"}),
        ("missing_required", {"BillingCurrency": None}),
        ("bad_timestamp", {"ChargePeriodStart": "{day} 25:00:00"}),
    ],
    "model_prices": [
        ("non_numeric", {"usd_per_million_tokens": "TBD"}),
        ("missing_required", {"token_kind": None}),
        ("bad_timestamp", {"effective_from": "2026-02-30"}),
    ],
    "loaded_rates": [
        ("non_numeric", {"loaded_hourly_rate": "ninety"}),
        ("missing_required", {"effective_from": None}),
        ("bad_timestamp", {"effective_from": "01/10/2026"}),
    ],
    "time_entries": [
        ("non_numeric", {"hours": "1h30"}),
        ("missing_required", {"person_id": None}),
        ("bad_timestamp", {"work_date": "2026-10-32"}),
        ("negative_hours", {"hours": "-1.50"}),
    ],
    "consequence_records": [
        ("non_numeric", {"amount": "12,50"}),
        ("missing_required", {"currency": None}),
        ("bad_timestamp", {"occurred_at": "yesterday"}),
        (
            "unknown_currency",
            {
                "currency": "GBP",
                "amount": "25.00",
                "amount_unit": "major",
                "record_type": "refund",
                "description": "Refund booked by the UK desk in sterling",
            },
        ),
    ],
    "agent_actions": [
        ("invalid_value", {"risk_grade": "G9"}),
        ("missing_required", {"agent_id": None}),
        ("bad_timestamp", {"attempted_at": "2026-13-01T00:00:00Z"}),
    ],
    "action_events": [
        ("invalid_value", {"event_type": "acepted"}),
        ("missing_required", {"action_id": None}),
        ("bad_timestamp", {"occurred_at": "not-a-timestamp"}),
    ],
}

ID_COLUMN = {
    "llm_requests": ("request_id", "req"),
    "tool_calls": ("call_id", "call"),
    "time_entries": ("entry_id", "te"),
    "consequence_records": ("record_id", "cr"),
    "agent_actions": ("action_id", "act"),
    "action_events": ("event_id", "evt"),
}

MONEY = pl.Decimal(38, 10)
STR = pl.String
INT = pl.Int64

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "llm_requests": {
        "request_id": STR,
        "requested_at": STR,
        "model": STR,
        "provider": STR,
        "input_tokens": INT,
        "cached_input_tokens": INT,
        "cache_write_input_tokens": INT,
        "output_tokens": INT,
        "reasoning_tokens": INT,
        "reported_cost_usd": pl.Decimal(38, 9),
        "status": STR,
        **{c: STR for c in SOURCES["llm_requests"].columns[11:] if c != "work_type"},
    },
    "tool_calls": {
        "call_id": STR,
        "called_at": STR,
        "tool_name": STR,
        "vendor": STR,
        "units": INT,
        "unit_price_usd": pl.Decimal(38, 8),
        "cost_usd": pl.Decimal(38, 6),
        "status": STR,
        **{c: STR for c in SOURCES["tool_calls"].columns[8:]},
    },
    "billing_lines": {
        c: (MONEY if c.endswith("Cost") else pl.Decimal(38, 6) if c.endswith("Quantity") else STR)
        for c in FOCUS_COLUMNS
        if c not in ("ServiceProviderName", "HostProviderName")
    },
    "model_prices": {c: STR for c in SOURCES["model_prices"].columns},
    "loaded_rates": {c: STR for c in SOURCES["loaded_rates"].columns},
    "time_entries": {
        **{c: STR for c in SOURCES["time_entries"].columns if c != "work_type"},
        "hours": pl.Decimal(38, 2),
    },
    "consequence_records": {c: STR for c in SOURCES["consequence_records"].columns},
    "agent_actions": {c: STR for c in SOURCES["agent_actions"].columns},
    "action_events": {c: STR for c in SOURCES["action_events"].columns},
}


@dataclass(frozen=True)
class _Cfg:
    out: Path
    seed: int
    start: date
    days: int
    apd: int
    rpa: float
    tpa: float
    formats: tuple[str, ...]
    defects: bool
    billing_lines_target: int | None = None
    time_entries_target: int | None = None
    consequences_target: int | None = None

    def day(self, d: int) -> date:
        return self.start + timedelta(days=d)

    def day_ms(self, d: int) -> int:
        return (self.day(d) - date(1970, 1, 1)).days * DAY_MS

    @property
    def change_day(self) -> int:
        """Day index on which the price and rate changes take effect (inside the range)."""
        return min(self.days - 1, max(1, self.days // 2))

    @property
    def base_from(self) -> date:
        jan1 = date(self.start.year, 1, 1)
        return jan1 if self.start > jan1 else date(self.start.year - 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _rng(seed: int, stream: str, *keys: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, STREAMS[stream], *keys]))
    )


def _dec(expr: pl.Expr, scale: int) -> pl.Expr:
    """Integer count of 10**-scale units -> exact Decimal(38, scale)."""
    unit = pl.lit(Decimal(1).scaleb(-scale), dtype=pl.Decimal(38, scale))
    return (expr.cast(pl.Decimal(38, 0)) * unit).cast(pl.Decimal(38, scale))


def _dec_series(values: np.ndarray, scale: int) -> pl.Series:
    return pl.select(_dec(pl.lit(pl.Series(values, dtype=pl.Int64)), scale)).to_series()


def _iso_ms(expr: pl.Expr) -> pl.Expr:
    return pl.from_epoch(expr, time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")


def _focus_ts(expr: pl.Expr) -> pl.Expr:
    return pl.from_epoch(expr, time_unit="ms").dt.strftime("%Y-%m-%d %H:%M:%S")


def _seq_ids(prefix: str, start: int, n: int, width: int) -> pl.Series:
    return prefix + pl.Series(np.arange(start, start + n, dtype=np.int64)).cast(STR).str.zfill(
        width
    )


def _pick(values: Sequence[str | None], idx: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=STR).gather(idx)


def _segmented_offsets(counts: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``gaps`` restarting at every segment of ``counts`` rows."""
    starts = np.cumsum(counts) - counts
    cs = np.cumsum(gaps)
    seg = np.repeat(np.arange(len(counts)), counts)
    return cs - (cs[starts] - gaps[starts])[seg]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return df.select(
        [
            pl.col(c).cast(t) if c in df.columns else pl.lit(None, t).alias(c)
            for c, t in schema.items()
        ]
    )


class _Writer:
    """Appends frames (and raw defect lines) to one CSV / JSONL / Parquet file; counts records."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        schema: dict[str, pl.DataType],
        *,
        null_value: str = "",
        quote_style: str = "necessary",
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.fmt, self.schema = path, fmt, schema
        self.null_value, self.quote_style = null_value, quote_style
        self.rows = 0
        self._header = False
        self._fh = open(path, "wb") if fmt in ("csv", "jsonl") else None
        self._pq: pq.ParquetWriter | None = None

    def frame(self, df: pl.DataFrame) -> None:
        df = _conform(df, self.schema)
        if self.fmt == "csv":
            text = df.write_csv(
                include_header=not self._header,
                null_value=self.null_value,
                quote_style=self.quote_style,
            )
            self._fh.write(text.encode())
            self._header = True
        elif self.fmt == "jsonl":
            if df.height:
                data = df.write_ndjson().encode()
                for col in df.columns:  # JSONL omits null-valued keys
                    if df[col].null_count():
                        data = data.replace(f'"{col}":null,'.encode(), b"")
                        data = data.replace(f',"{col}":null}}'.encode(), b"}")
                self._fh.write(data)
        else:
            table = df.to_arrow()
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._pq.write_table(table)
        self.rows += df.height

    def raw(self, line: str, record: bool = True) -> None:
        self._fh.write(line.encode() + b"\n")
        self.rows += int(record)

    def close(self) -> int:
        if self.fmt == "csv" and not self._header:
            self.frame(pl.DataFrame(schema=self.schema))
        if self._fh is not None:
            self._fh.close()
        elif self._pq is None:
            pl.DataFrame(schema=self.schema).write_parquet(self.path, compression="zstd")
        else:
            self._pq.close()
        return self.rows


def _csv_line(values: dict[str, object], w: _Writer) -> str:
    row = pl.DataFrame(
        {c: [_text(values.get(c))] for c in w.schema}, schema=dict.fromkeys(w.schema, STR)
    )
    return row.write_csv(
        include_header=False, null_value=w.null_value, quote_style=w.quote_style
    ).rstrip("\n")


def _json_line(values: dict[str, object]) -> str:
    clean = {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in values.items()}
    return json.dumps({k: v for k, v in clean.items() if v is not None}, separators=(",", ":"))


@dataclass(frozen=True)
class _Plan:
    value_day: int | None
    csv_day: int | None
    jsonl_day: int | None


def _plan(fmts: Sequence[str]) -> _Plan:
    def first(pred: Callable[[str], bool]) -> int | None:
        return next((i for i, f in enumerate(fmts) if pred(f)), None)

    return _Plan(
        first(lambda f: f != "parquet"), first(lambda f: f == "csv"), first(lambda f: f == "jsonl")
    )


def _rotation(cfg: _Cfg, name: str) -> tuple[str, ...]:
    rot = [f for f in ROTATION[name] if f in cfg.formats]
    if not rot:
        rot = [f for f in ALL_FORMATS if f in cfg.formats and f in SOURCES[name].formats]
    return tuple(rot or ["csv"])


def _defect_lines(
    cfg: _Cfg, name: str, d: int, fmt: str, plan: _Plan, base: dict, w: _Writer
) -> list[tuple[str, bool]]:
    """The text defect lines of one file (empty unless it is the source's first text file)."""
    if not cfg.defects or fmt == "parquet":
        return []
    day = cfg.day(d).isoformat()
    id_col, prefix = ID_COLUMN.get(name, (None, None))
    counter = iter(range(1, 100))

    def variant(changes: dict[str, str | None]) -> dict[str, object]:
        row = dict(base)
        if id_col:
            row[id_col] = f"{prefix}-{day.replace('-', '')}-defect-{next(counter)}"
        row.update(
            {k: (v.replace("{day}", day) if isinstance(v, str) else v) for k, v in changes.items()}
        )
        return row

    encode = (lambda r: _csv_line(r, w)) if fmt == "csv" else _json_line
    lines: list[tuple[str, bool]] = []
    if d == plan.value_day:
        lines += [(encode(variant(ch)), True) for _, ch in VALUE_DEFECTS[name]]
    if fmt == "csv" and d == plan.csv_day:
        lines.append((encode(variant({})) + ",unexpected_extra_column", True))
    if fmt == "jsonl" and d == plan.jsonl_day:
        whole = _json_line(variant({}))
        lines += [(whole[: len(whole) // 2], True), ("", False)]
    return lines


def _emit(w: _Writer, df: pl.DataFrame, lines: list[tuple[str, bool]]) -> None:
    if not lines:
        w.frame(df)
        return
    k = min(DEFECT_AT, df.height)
    w.frame(df.slice(0, k))
    for line, record in lines:
        w.raw(line, record)
    w.frame(df.slice(k))


def _write_daily(
    cfg: _Cfg,
    name: str,
    chunks: Callable[[int], Iterator[pl.DataFrame]],
    *,
    late: int = 0,
    dups: int = 0,
    null_value: str = "",
    quote_style: str = "necessary",
) -> int:
    """Write one file per day; plant text defects, late rows and late duplicates."""
    fmts = _rotation(cfg, name)
    plan = _plan([fmts[d % len(fmts)] for d in range(cfg.days)])
    carry: dict[int, list[pl.DataFrame]] = {}
    total = 0
    for d in range(cfg.days):
        fmt = fmts[d % len(fmts)]
        w = _Writer(
            cfg.out / name / f"{cfg.day(d).isoformat()}.{fmt}",
            fmt,
            SCHEMAS[name],
            null_value=null_value,
            quote_style=quote_style,
        )
        last: pl.DataFrame | None = None
        for i, chunk in enumerate(chunks(d)):
            chunk = _conform(chunk, SCHEMAS[name])
            if i == 0:
                if cfg.defects and late and d + 2 < cfg.days and chunk.height > LATE_AT + late:
                    held = chunk.slice(LATE_AT, late)
                    carry.setdefault(d + 2, []).append(held)
                    chunk = pl.concat([chunk.slice(0, LATE_AT), chunk.slice(LATE_AT + late)])
                base = chunk.row(0, named=True) if chunk.height else {}
                lines = _defect_lines(cfg, name, d, fmt, plan, base, w) if base else []
                _emit(w, chunk, lines)
            else:
                w.frame(chunk)
            last = chunk
        if cfg.defects and dups and d + 1 < cfg.days and last is not None and last.height:
            carry.setdefault(d + 1, []).append(last.tail(dups))
        for extra in carry.pop(d, []):
            w.frame(extra)
        total += w.close()
    return total


# ---------------------------------------------------------------------------------------------
# Actions and outcomes
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# LLM requests and tool calls
# ---------------------------------------------------------------------------------------------


def _price_table(cfg: _Cfg, d: int) -> np.ndarray:
    """Nano-dollars per token, shape (len(MODELS), len(TOKEN_KINDS)), for day ``d``."""
    table = np.zeros((len(MODELS), len(TOKEN_KINDS)), dtype=np.int64)
    for m, model in enumerate(MODELS):
        prices = dict(PRICES.get(model, {}))
        if model == PRICE_CHANGE[0] and d >= cfg.change_day:
            prices.update(PRICE_CHANGE[1])
        for k, kind in enumerate(TOKEN_KINDS):
            table[m, k] = prices.get(kind, 0)
    return table


def _tokens(
    rng: np.random.Generator, model: np.ndarray, error: np.ndarray
) -> dict[str, np.ndarray]:
    n = len(model)
    inp = np.clip(rng.lognormal(np.log(2500), 0.8, n), 50, 200_000).astype(np.int64)
    cached = np.where(rng.random(n) < 0.55, (inp * rng.uniform(0.2, 0.9, n)).astype(np.int64), 0)
    anthropic = model == 2
    write = np.where(
        anthropic & (rng.random(n) < 0.3),
        ((inp - cached) * rng.uniform(0.05, 0.5, n)).astype(np.int64),
        0,
    )
    out = np.clip(rng.lognormal(np.log(350), 0.9, n), 1, 30_000).astype(np.int64)
    out = np.where(model == 3, out * 3, out)
    share = rng.uniform(0.3, 0.85, n)
    thinking = anthropic & (rng.random(n) < 0.3)
    reasoning = np.where(model == 3, out * share, np.where(thinking, out * share * 0.6, 0))
    reasoning = reasoning.astype(np.int64)
    out = np.where(error, 0, out)
    reasoning = np.where(error, 0, reasoning)
    return {"input": inp, "cached": cached, "write": write, "output": out, "reasoning": reasoning}


def _cost_nano(tok: dict[str, np.ndarray], model: np.ndarray, prices: np.ndarray) -> np.ndarray:
    p = prices[model]
    return (
        (tok["input"] - tok["cached"] - tok["write"]) * p[:, 0]
        + tok["cached"] * p[:, 1]
        + tok["write"] * p[:, 2]
        + (tok["output"] - tok["reasoning"]) * p[:, 3]
        + tok["reasoning"] * p[:, 4]
    )


def _request_chunk(
    cfg: _Cfg, acts: pl.DataFrame, rng: np.random.Generator, d: int, seq: int
) -> pl.DataFrame:
    n = acts.height
    outcome = acts["outcome"].to_numpy()
    first_of_sub = (acts["pos"].to_numpy() == 0) & acts["has_sub"].to_numpy()
    n_main = np.clip(1 + rng.poisson(max(cfg.rpa - 1.0, 0.0), n), 1, 40)
    n_orphan = np.where(first_of_sub, 1 + rng.poisson(1.0, n), 0)
    per = n_main + n_orphan
    total = int(per.sum())
    a = np.repeat(np.arange(n), per)
    k = np.arange(total) - (np.cumsum(per) - per)[a]
    orphan = k >= n_main[a]
    gaps = rng.integers(500, 20_000, total)
    ts = acts["attempted_ms"].to_numpy()[a] + _segmented_offsets(per, gaps)

    primary = AGENT_MODEL[acts["agent_idx"].to_numpy()[a]]
    switch = rng.random(total) < 0.25
    model = np.where(switch, rng.integers(0, 4, total), primary)
    model = np.where(orphan, 1, model)
    if cfg.defects and d == 0:
        unknown = min(UNKNOWN_MODEL_ACTION, cfg.apd - 1)
        model = np.where(acts["idx"].to_numpy()[a] == unknown, 4, model)
    retry = (k < n_main[a] - 1) & ~orphan & (rng.random(total) < 0.04)
    error = (outcome[a] == RUN_ERR) | retry
    tok = _tokens(rng, model, error)
    cost = _cost_nano(tok, model, _price_table(cfg, d))
    reported = (rng.random(total) < 0.5) & (model != 4)
    cost = np.where(rng.random(total) < 0.03, cost * 11 // 10, cost)

    order = np.lexsort((k, a, ts))
    ids = acts.select(
        "action_id",
        "task_id",
        "session_id",
        "parent_session_id",
        "agent_id",
        "team_id",
        "root_session_id",
    )[a[order]]
    orph = pl.Series(orphan[order])
    frame = pl.DataFrame(
        {
            "request_id": _seq_ids(f"req-{cfg.day(d).strftime('%Y%m%d')}-", seq, total, 8),
            "requested_ms": ts[order],
            "model": _pick(MODELS, model[order]),
            "provider": _pick(PROVIDERS, model[order]),
            "input_tokens": tok["input"][order],
            "cached_input_tokens": tok["cached"][order],
            "cache_write_input_tokens": tok["write"][order],
            "output_tokens": tok["output"][order],
            "reasoning_tokens": tok["reasoning"][order],
            "cost": np.where(reported, cost, -1)[order],
            "status": _pick(("success", "error"), error[order].astype(np.int64)),
            "orphan": orph,
        }
    ).hstack(ids)
    nul = pl.lit(None, STR)
    return frame.with_columns(
        requested_at=_iso_ms(pl.col("requested_ms")),
        reported_cost_usd=pl.when(pl.col("cost") >= 0).then(_dec(pl.col("cost"), 9)),
        session_id=pl.when("orphan")
        .then(pl.col("root_session_id") + "-sub")
        .otherwise(pl.col("session_id")),
        parent_session_id=pl.when("orphan")
        .then(pl.col("root_session_id"))
        .otherwise(pl.col("parent_session_id")),
        **{
            c: pl.when("orphan").then(nul).otherwise(pl.col(c))
            for c in ("action_id", "task_id", "agent_id", "team_id")
        },
    )


def _chunks(acts: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for start in range(0, max(acts.height, 1), CHUNK_ACTIONS):
        yield acts.slice(start, CHUNK_ACTIONS)


def _write_requests(cfg: _Cfg, acts: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        rng = _rng(cfg.seed, "requests", d)
        seq = 0
        for chunk in _chunks(acts.filter(pl.col("day") == d)):
            frame = _request_chunk(cfg, chunk, rng, d, seq)
            seq += frame.height
            yield frame

    rows = _write_daily(cfg, "llm_requests", chunks, late=4, dups=3)
    return rows + _write_litellm(cfg, acts)


def _write_litellm(cfg: _Cfg, acts: pl.DataFrame) -> int:
    """One LiteLLM SpendLogs JSONL file of ~15 requests tied to day-0 actions."""
    rng = _rng(cfg.seed, "litellm")
    day0 = acts.filter((pl.col("day") == 0) & (pl.col("outcome") != RUN_ERR))
    subs = np.flatnonzero(day0["parent_session_id"].is_not_null().to_numpy())[:1]
    others = np.setdiff1d(np.arange(day0.height), subs)
    pick = np.sort(np.concatenate([subs, rng.permutation(others)[: 15 - len(subs)]]))
    rows = day0[pick]
    n = rows.height
    orphan = np.isin(pick, subs)
    model = AGENT_MODEL[rows["agent_idx"].to_numpy()]
    error = np.zeros(n, dtype=bool)
    error[n // 2 :][:1] = True  # one failed call in the middle of the file
    tok = _tokens(rng, model, error)
    spend = _cost_nano(tok, model, _price_table(cfg, 0))
    start_us = (rows["attempted_ms"].to_numpy() + rng.integers(1_000, 60_000, n)) * 1000
    start_us = start_us + rng.integers(0, 1000, n)
    dur_us = rng.integers(400_000, 9_000_000, n)
    hex_ids = [f"chatcmpl-{v:016x}" for v in rng.integers(0, 2**63, n)]  # a handful of rows
    ts = "%Y-%m-%dT%H:%M:%S%.6f+00:00"
    i_s = pl.Series(tok["input"]).cast(STR)
    o_s = pl.Series(tok["output"]).cast(STR)
    frame = pl.DataFrame(
        {
            "request_id": hex_ids,
            "session_id": rows["session_id"],
            "model": _pick(MODELS, model),
            "custom_llm_provider": _pick(PROVIDERS, model),
            "api_base": _pick(
                ("https://api.openai.com/v1", "https://api.anthropic.com/v1/messages"),
                (model == 2).astype(np.int64),
            ),
            "spend": pl.Series(spend, dtype=pl.Int64),
            "total_tokens": tok["input"] + tok["output"],
            "prompt_tokens": tok["input"],
            "completion_tokens": tok["output"],
            "start_us": start_us,
            "end_us": start_us + dur_us,
            "status": _pick(("success", "failure"), error.astype(np.int64)),
            "orphan": orphan,
        }
    ).with_columns(
        spend=(pl.col("spend").cast(pl.Float64) / 1e9),
        metadata=pl.concat_str(
            [
                pl.lit(
                    '{"applied_guardrails": [], "batch_models": null, "usage_object": '
                    '{"completion_tokens": '
                ),
                o_s,
                pl.lit(', "prompt_tokens": '),
                i_s,
                pl.lit(', "total_tokens": '),
                pl.col("total_tokens").cast(STR),
                pl.lit(', "completion_tokens_details": {"reasoning_tokens": '),
                pl.Series(tok["reasoning"]).cast(STR),
                pl.lit('}, "prompt_tokens_details": {"cached_tokens": '),
                pl.Series(tok["cached"]).cast(STR),
                pl.lit('}, "cache_creation_input_tokens": '),
                pl.Series(tok["write"]).cast(STR),
                pl.lit(', "cache_read_input_tokens": '),
                pl.Series(tok["cached"]).cast(STR),
                pl.lit('}, "model_map_information": {"model_map_key": "'),
                pl.col("model"),
                pl.lit('"}}'),
            ]
        ),
        call_type=pl.lit("acompletion"),
        api_key=pl.lit("88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"),
        cache_hit=pl.lit("None"),
        startTime=pl.from_epoch("start_us", time_unit="us").dt.strftime(ts),
        endTime=pl.from_epoch("end_us", time_unit="us").dt.strftime(ts),
        completionStartTime=pl.from_epoch("end_us", time_unit="us").dt.strftime(ts),
        user=pl.lit(""),
        team_id=rows["team_id"],
        cache_key=pl.lit("Cache OFF"),
        request_tags=pl.when("orphan")
        .then(
            pl.concat_str(
                [pl.lit('["parent_session:'), rows["parent_session_id"], pl.lit('", "env:prod"]')]
            )
        )
        .otherwise(
            pl.concat_str(
                [
                    pl.lit('["task:'),
                    rows["task_id"],
                    pl.lit('", "action:'),
                    rows["action_id"],
                    pl.when(rows["parent_session_id"].is_not_null())
                    .then(pl.lit('", "parent_session:') + rows["parent_session_id"])
                    .otherwise(pl.lit("")),
                    pl.lit('", "env:prod"]'),
                ]
            )
        ),
        end_user=pl.lit(""),
        model_group=pl.col("model"),
        model_id=pl.lit(""),
        requester_ip_address=pl.lit(None, STR),
        messages=pl.lit("{}"),
        response=pl.lit("{}"),
        proxy_server_request=pl.lit("{}"),
        mcp_namespaced_tool_name=pl.lit(None, STR),
        agent_id=rows["agent_id"],
    )
    # the orphan (sub-agent) row carries the sub-agent session, no task/action tag
    frame = frame.with_columns(
        session_id=pl.when("orphan")
        .then(rows["root_session_id"] + "-sub")
        .otherwise(pl.col("session_id"))
    ).drop("start_us", "end_us", "orphan")
    cols = [
        "request_id",
        "session_id",
        "model",
        "custom_llm_provider",
        "api_base",
        "spend",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "metadata",
        "call_type",
        "api_key",
        "cache_hit",
        "startTime",
        "endTime",
        "completionStartTime",
        "user",
        "team_id",
        "cache_key",
        "request_tags",
        "end_user",
        "model_group",
        "model_id",
        "requester_ip_address",
        "messages",
        "response",
        "proxy_server_request",
        "status",
        "mcp_namespaced_tool_name",
        "agent_id",
    ]
    path = cfg.out / "llm_requests" / "litellm" / f"{cfg.start.isoformat()}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(frame.select(cols).write_ndjson().encode())
    return frame.height


def _tool_chunk(
    cfg: _Cfg, acts: pl.DataFrame, rng: np.random.Generator, d: int, seq: int
) -> pl.DataFrame:
    n = acts.height
    per = rng.poisson(cfg.tpa, n)
    total = int(per.sum())
    a = np.repeat(np.arange(n), per)
    ttype = AGENT_TYPE[acts["agent_idx"].to_numpy()[a]]
    tool = (rng.random(total)[:, None] > np.cumsum(TOOL_P, axis=1)[ttype]).sum(axis=1)
    tool = np.minimum(tool, len(TOOLS) - 1)
    ts = acts["attempted_ms"].to_numpy()[a] + rng.integers(1_000, 300_000, total)
    units = np.where(tool == 1, rng.integers(1, 180, total), rng.integers(1, 40, total))
    deep = rng.random(total) < 0.2
    # micro-dollars per call (cost style) and 1e-8 dollars per unit (units style)
    cost_micro = np.select([tool == 0, tool == 3], [np.where(deep, 16_000, 8_000), 2_500], -1)
    unit_price = np.select([tool == 1, tool == 2], [1_400, 1_600], -1)
    error = (acts["outcome"].to_numpy()[a] == RUN_ERR) | (rng.random(total) < 0.03)
    order = np.lexsort((np.arange(total), ts))
    ids = acts.select(
        "action_id", "task_id", "session_id", "parent_session_id", "agent_id", "team_id"
    )[a[order]]
    frame = pl.DataFrame(
        {
            "call_id": _seq_ids(f"call-{cfg.day(d).strftime('%Y%m%d')}-", seq, total, 7),
            "ms": ts[order],
            "tool_name": _pick([t[0] for t in TOOLS], tool[order]),
            "vendor": _pick([t[1] for t in TOOLS], tool[order]),
            "u": units[order],
            "p": unit_price[order],
            "c": cost_micro[order],
            "status": _pick(("success", "error"), error[order].astype(np.int64)),
        }
    ).hstack(ids)
    return frame.with_columns(
        called_at=_iso_ms(pl.col("ms")),
        units=pl.when(pl.col("p") >= 0).then(pl.col("u")),
        unit_price_usd=pl.when(pl.col("p") >= 0).then(_dec(pl.col("p"), 8)),
        cost_usd=pl.when(pl.col("c") >= 0).then(_dec(pl.col("c"), 6)),
    )


def _write_tool_calls(cfg: _Cfg, acts: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        rng = _rng(cfg.seed, "tools", d)
        seq = 0
        for chunk in _chunks(acts.filter(pl.col("day") == d)):
            frame = _tool_chunk(cfg, chunk, rng, d, seq)
            seq += frame.height
            yield frame

    return _write_daily(cfg, "tool_calls", chunks, late=2, dups=2)


# ---------------------------------------------------------------------------------------------
# Billing (FOCUS 1.0)
# ---------------------------------------------------------------------------------------------


def _focus_block(
    n: int,
    start_ms: np.ndarray,
    end_ms: np.ndarray,
    cost: dict[str, np.ndarray],
    qty_micro: np.ndarray | None,
    **cols: object,
) -> pl.DataFrame:
    """A block of FOCUS rows: costs in 1e-10 dollars, quantities in millionths."""
    data: dict[str, object] = {"_s": start_ms, "_e": end_ms}
    for name, values in cost.items():
        data[f"_{name}"] = values
    data["_q"] = qty_micro if qty_micro is not None else np.full(n, -1)
    for name, value in cols.items():
        data[name] = value if isinstance(value, (pl.Series, np.ndarray)) else [value] * n
    df = pl.DataFrame(data, strict=False)
    q = pl.when(pl.col("_q") >= 0).then(_dec(pl.col("_q"), 6))
    return df.with_columns(
        ChargePeriodStart=_focus_ts(pl.col("_s")),
        ChargePeriodEnd=_focus_ts(pl.col("_e")),
        BilledCost=_dec(pl.col("_billed"), 10),
        EffectiveCost=_dec(pl.col("_effective"), 10),
        ListCost=_dec(pl.col("_list"), 10),
        ContractedCost=_dec(pl.col("_contracted"), 10),
        ConsumedQuantity=q,
        PricingQuantity=q,
    )


def _same(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"billed": x, "effective": x, "list": x, "contracted": x}


def _billing_fill(
    cfg: _Cfg, d: int, acts: pl.DataFrame, k: int, common: dict[str, str]
) -> pl.DataFrame:
    """``k`` filler lines of day ``d`` (``BILLING_FILL``): one hour of one resource each, every
    ResourceId new (``<prefix><YYYYMMDD><seq>``), so no two lines are duplicates; tagged lines
    name a random action of the day and sit in the hour it was attempted."""
    rng = _rng(cfg.seed, "billing_fill", d)
    spec = list(zip(*BILLING_FILL, strict=True))
    kind = rng.choice(len(BILLING_FILL), size=k, p=np.array(spec[10]) / sum(spec[10]))
    lo, hi = (np.array([r[i] for r in spec[9]])[kind] for i in (0, 1))
    q = rng.integers(lo, hi)
    cost = q * np.array(spec[8], dtype=np.int64)[kind] // 1_000_000
    row = acts[rng.integers(0, acts.height, k)]
    s = np.where(
        kind == 2,
        cfg.day_ms(d) + rng.integers(0, 24, k) * HOUR_MS,
        row["attempted_ms"].to_numpy() // HOUR_MS * HOUR_MS,
    )
    ids = _seq_ids(cfg.day(d).strftime("%Y%m%d"), 1, k, 7)
    kinds = pl.Series(kind)
    team_agent = '{"team": "' + row["team_id"] + '", "agent": "' + row["agent_id"]
    tags = (
        pl.select(
            pl.when(kinds == 0)
            .then(
                team_agent
                + '", "task": "'
                + row["task_id"]
                + '", "session": "'
                + row["root_session_id"]
                + '"}'
            )
            .when(kinds == 1)
            .then(team_agent + '", "action": "' + row["action_id"] + '"}')
        )
        .to_series()
        .cast(STR)
    )
    names = (
        pl.select(
            pl.when(kinds == 0)
            .then("scratch-" + row["task_id"])
            .when(kinds == 1)
            .then(row["agent_id"])
            .otherwise("snap-" + ids)
        )
        .to_series()
        .cast(STR)
    )
    return _focus_block(
        k,
        s,
        s + HOUR_MS,
        _same(cost),
        q,
        **common,
        ChargeDescription=_pick(spec[0], kind),
        ServiceName=_pick(spec[1], kind),
        ServiceCategory=_pick(spec[2], kind),
        ResourceId=_pick(spec[7], kind) + ids,
        ResourceName=names,
        ResourceType=_pick(spec[3], kind),
        SkuId=_pick(spec[4], kind),
        ConsumedUnit=_pick(spec[5], kind),
        PricingUnit=_pick(spec[6], kind),
        Tags=tags,
    )


def _billing_day(cfg: _Cfg, d: int, acts: pl.DataFrame) -> pl.DataFrame:
    rng = _rng(cfg.seed, "billing", d)
    day = cfg.day(d)
    d0 = cfg.day_ms(d)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    common = {
        "BillingCurrency": "USD",
        "BillingAccountId": ACCOUNT,
        "BillingPeriodStart": f"{month.isoformat()} 00:00:00",
        "BillingPeriodEnd": f"{next_month.isoformat()} 00:00:00",
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services, Inc.",
        "InvoiceIssuerName": "Amazon Web Services, Inc.",
        "RegionId": "us-east-1",
        "SubAccountId": "444455556666",
        "SubAccountName": "agents-prod",
    }
    hours = np.arange(24)
    blocks = []

    # 1. per-agent runtime (AWS Fargate), tagged team + agent
    na = len(AGENTS)
    ag = np.repeat(np.arange(na), 24)
    s = d0 + np.tile(hours, na) * HOUR_MS
    q = rng.integers(250_000, 2_000_000, na * 24)  # vCPU-hours, millionths
    cost = q * 4_048_000 // 10_000  # 0.04048 $/vCPU-h
    agent_ids = _pick(AGENT_IDS, ag)
    teams = _pick(TEAMS, AGENT_TEAM[ag])
    team_key = np.where((np.arange(na * 24) == 0) & (d == 0), " team", "team")
    tags = '{"' + pl.Series(team_key) + '": "' + teams + '", "agent": "' + agent_ids + '"}'
    blocks.append(
        _focus_block(
            na * 24,
            s,
            s + HOUR_MS,
            _same(cost),
            q,
            **common,
            ChargeDescription="$0.04048 per vCPU-hour for AWS Fargate in US East (N. Virginia)",
            ServiceName="Amazon Elastic Container Service",
            ServiceCategory="Compute",
            ResourceId=f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/agents-prod/" + agent_ids,
            ResourceName=agent_ids,
            ResourceType="ECS Service",
            SkuId="FARGATE-VCPU-HOURS",
            ConsumedUnit="vCPU-Hours",
            PricingUnit="Hours",
            Tags=tags,
        )
    )

    # 2. per-task sandboxes for code_fix / data_cleanup tasks, tagged team, agent, task, session
    firsts = acts.filter((pl.col("pos") == 0) & pl.col("task_type").is_in(TASK_TYPES[2:])).head(12)
    nt = firsts.height
    if nt:
        s = firsts["attempted_ms"].to_numpy() // HOUR_MS * HOUR_MS
        q = rng.integers(100_000, 1_000_000, nt)  # instance-hours
        cost = q * 3_328_000 // 10_000  # t3.large spot 0.03328 $/h
        tags = (
            '{"team": "'
            + firsts["team_id"]
            + '", "agent": "'
            + firsts["agent_id"]
            + '", "task": "'
            + firsts["task_id"]
            + '", "session": "'
            + firsts["root_session_id"]
            + '"}'
        )
        blocks.append(
            _focus_block(
                nt,
                s,
                s + HOUR_MS,
                _same(cost),
                q,
                **common,
                ChargeDescription="$0.03328 per On Demand Linux t3.large Spot Instance Hour",
                ServiceName="Amazon Elastic Compute Cloud",
                ServiceCategory="Compute",
                ResourceId=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/sandbox-" + firsts["task_id"],
                ResourceName="sandbox-" + firsts["task_id"],
                ResourceType="Instance",
                SkuId="T3LARGE-SPOT",
                ConsumedUnit="Hours",
                PricingUnit="Hours",
                Tags=tags,
            )
        )

    # 3. shared EKS node group, covered by a savings plan: BilledCost 0, EffectiveCost amortised
    s = d0 + hours * HOUR_MS
    lst = np.full(24, 11_520_000_000)  # 3 x m6i.2xlarge x 0.384 $/h
    eff = np.full(24, 7_603_200_000)
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            {"billed": np.zeros(24, np.int64), "effective": eff, "list": lst, "contracted": eff},
            np.full(24, 3_000_000),
            **common,
            ChargeDescription="m6i.2xlarge covered by Compute Savings Plan",
            ServiceName="Amazon Elastic Compute Cloud",
            ServiceCategory="Compute",
            ResourceId=f"arn:aws:eks:us-east-1:{ACCOUNT}:nodegroup/agents-prod/ng-general",
            ResourceName="eks-agents-prod-ng-general",
            ResourceType="Node Group",
            SkuId="M6I2XL-SP",
            ConsumedUnit="Hours",
            PricingUnit="Hours",
            Tags='{"environment": "prod"}',
        )
    )

    # 4. shared vector store (OpenSearch Serverless), untagged
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            _same(np.full(24, 4_800_000_000)),
            np.full(24, 2_000_000),
            **common,
            ChargeDescription="$0.24 per OCU-hour for OpenSearch Serverless vector search",
            ServiceName="Amazon OpenSearch Service",
            ServiceCategory="Databases",
            ResourceId=f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/agents-vectors",
            ResourceName="agents-vectors",
            ResourceType="Collection",
            SkuId="AOSS-OCU",
            ConsumedUnit="OCU-Hours",
            PricingUnit="Hours",
            Tags=None,
        )
    )

    # 5. shared observability (CloudWatch logs), untagged, ChargeFrequency spelled Usage-based
    q = rng.integers(200_000, 3_000_000, 24)  # GB
    blocks.append(
        _focus_block(
            24,
            s,
            s + HOUR_MS,
            _same(q * 5_000),
            q,
            **{**common, "ChargeFrequency": "Usage-based"},
            ChargeDescription="$0.50 per GB of log data ingested",
            ServiceName="AmazonCloudWatch",
            ServiceCategory="Management and Governance",
            ResourceId=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/agents/prod",
            ResourceName="/agents/prod",
            ResourceType="Log Group",
            SkuId="CW-LOGS-INGEST",
            ConsumedUnit="GB",
            PricingUnit="GB",
            Tags=None,
        )
    )

    # 6. a credit on the vector store (negative cost), daily period
    credit = -rng.integers(10_000_000_000, 30_000_000_000, 1)
    blocks.append(
        _focus_block(
            1,
            np.array([d0]),
            np.array([d0 + DAY_MS]),
            _same(credit),
            None,
            **{**common, "ChargeCategory": "Credit"},
            ChargeDescription="AWS Activate credits",
            ServiceName="Amazon OpenSearch Service",
            ServiceCategory="Databases",
            ResourceId=None,
            ResourceName=None,
            ResourceType=None,
            SkuId=None,
            ConsumedUnit=None,
            PricingUnit=None,
            Tags=None,
        )
    )

    # 7. day 0 only: storage line whose charge period spans 26 h across midnight
    if d == 0:
        blocks.append(
            _focus_block(
                1,
                np.array([d0 + 6 * HOUR_MS]),
                np.array([d0 + DAY_MS + 8 * HOUR_MS]),
                _same(np.array([3_466_666_667])),
                np.array([150_720_000]),
                **common,
                ChargeDescription="$0.023 per GB-Month of storage used in Standard",
                ServiceName="Amazon Simple Storage Service",
                ServiceCategory="Storage",
                ResourceId="arn:aws:s3:::agents-data-cleaner-staging",
                ResourceName="agents-data-cleaner-staging",
                ResourceType="Bucket",
                SkuId="S3-STD-TIMEDSTORAGE",
                ConsumedUnit="GB-Hours",
                PricingUnit="GB-Month",
                Tags='{"team": "team-data", "agent": "agt-cleaner"}',
            )
        )
    # 8. billing_lines_per_day: small per-resource lines up to the day's target
    fill = (cfg.billing_lines_target or 0) - sum(b.height for b in blocks)
    if fill > 0:
        blocks.append(_billing_fill(cfg, d, acts, fill, common))
    df = pl.concat(blocks, how="diagonal_relaxed")
    return df.sort("_s", "ResourceId", "ChargeCategory", nulls_last=True, maintain_order=True)


def _write_billing(cfg: _Cfg, acts: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield _billing_day(cfg, d, acts.filter(pl.col("day") == d))

    return _write_daily(
        cfg, "billing_lines", chunks, late=1, null_value="NULL", quote_style="non_numeric"
    )


# ---------------------------------------------------------------------------------------------
# Actions, events, consequences, time entries, reference files
# ---------------------------------------------------------------------------------------------


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


def _capped(df: pl.DataFrame, cap: int | None, seed: int, stream: str, d: int) -> pl.DataFrame:
    """At most `cap` rows of one day's frame: a seeded sample that keeps the rows' order."""
    if cap is None or df.height <= cap:
        return df
    keep = np.sort(_rng(seed, stream, d).choice(df.height, size=cap, replace=False))
    return df[keep]


def _write_time_entries(cfg: _Cfg, acts: pl.DataFrame, events: pl.DataFrame) -> int:
    def chunks(d: int) -> Iterator[pl.DataFrame]:
        yield _time_day(cfg, d, acts.filter(pl.col("day") == d), events)

    return _write_daily(cfg, "time_entries", chunks)


def _money_text(units: int, scale: int) -> str:
    """Exact decimal text with at least two decimals (static reference tables only)."""
    text = format(Decimal(units).scaleb(-scale), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def _write_reference(cfg: _Cfg, name: str, rows: list[dict[str, str | None]], file: str) -> int:
    w = _Writer(cfg.out / name / file, "csv", SCHEMAS[name])
    df = pl.DataFrame(rows, schema=SCHEMAS[name])
    plan = _plan(["csv"])
    _emit(w, df, _defect_lines(cfg, name, 0, "csv", plan, df.row(0, named=True), w))
    return w.close()


def _write_prices(cfg: _Cfg) -> int:
    rows = []
    change = cfg.day(cfg.change_day).isoformat()
    for model, prices in PRICES.items():
        provider = PROVIDERS[MODELS.index(model)]
        for kind in TOKEN_KINDS:
            if kind not in prices:
                continue
            rows.append(
                {
                    "model": model,
                    "provider": provider,
                    "token_kind": kind,
                    "usd_per_million_tokens": _money_text(prices[kind], 3),
                    "effective_from": cfg.base_from.isoformat(),
                }
            )
            if model == PRICE_CHANGE[0] and kind in PRICE_CHANGE[1]:
                rows.append(
                    {
                        **rows[-1],
                        "effective_from": change,
                        "usd_per_million_tokens": _money_text(PRICE_CHANGE[1][kind], 3),
                    }
                )
    return _write_reference(cfg, "model_prices", rows, "prices.csv")


def _write_rates(cfg: _Cfg) -> int:
    base = cfg.base_from.isoformat()
    rows: list[dict[str, str | None]] = []
    for role, cents in ROLE_RATES:
        rows.append(
            {
                "role": role,
                "person_id": None,
                "loaded_hourly_rate": _money_text(cents, 2),
                "currency": "USD",
                "effective_from": base,
            }
        )
        if role == RATE_CHANGE[0]:
            rows.append(
                {
                    **rows[-1],
                    "loaded_hourly_rate": _money_text(RATE_CHANGE[1], 2),
                    "effective_from": cfg.day(cfg.change_day).isoformat(),
                }
            )
    rows.append(
        {
            "role": RATE_OVERRIDE[0],
            "person_id": RATE_OVERRIDE[1],
            "loaded_hourly_rate": _money_text(RATE_OVERRIDE[2], 2),
            "currency": "USD",
            "effective_from": base,
        }
    )
    return _write_reference(cfg, "loaded_rates", rows, "rates.csv")


# ---------------------------------------------------------------------------------------------
# Development work (cost per accepted change)
# ---------------------------------------------------------------------------------------------

# repository -> team; northwind/infra-tools is deliberately not mapped
REPOSITORIES = (
    ("northwind/payments-api", "team-payments"),
    ("northwind/support-bot", "team-support"),
)
UNMAPPED_REPOSITORY = "northwind/infra-tools"

# A three-day cycle of merged pull requests: (day in cycle, repository, number, title, files
# as (path, lines added), body). Numbers grow by 10 each cycle. {n:k} is the number of the
# cycle's pull request k; {sha:k} its merge commit.
DEV_PULL_REQUESTS = (
    (
        0,
        "northwind/payments-api",
        1,
        "Add refund limits",
        (("src/refunds/limits.py", 120), ("tests/test_limits.py", 60)),
        "Caps refunds per day.",
    ),
    (
        0,
        "northwind/payments-api",
        2,
        "Bump dependencies",
        (("poetry.lock", 2400), ("src/payments/__init__.py", 2)),
        "",
    ),
    (0, "northwind/support-bot", 3, "Triage by sentiment", (("bot/triage.py", 640),), ""),
    (0, "northwind/support-bot", 4, "Change greeting", (("bot/greeting.py", 30),), ""),
    (1, "northwind/payments-api", 5, "Add payout export", (("src/payouts/export.py", 1800),), ""),
    (
        1,
        "northwind/payments-api",
        6,
        'Revert "Add refund limits"',
        (("src/refunds/limits.py", 120), ("tests/test_limits.py", 60)),
        "Reverts northwind/payments-api#{n:1}",
    ),
    (1, "northwind/support-bot", 7, "fix: sentiment threshold", (("bot/triage.py", 12),), ""),
    (2, UNMAPPED_REPOSITORY, 8, "Add CI cache", ((".github/workflows/ci.yml", 40),), ""),
    (
        2,
        "northwind/support-bot",
        9,
        "Back out greeting change",
        (("bot/greeting.py", 30),),
        "This reverts commit {sha:4}.\n\nCustomers found it too informal.",
    ),
)
# per day: (team, LLM spend of development requests in cents, engineering / review / rework
# hours in hundredths) and the CI runner bill in cents per team-tagged and untagged line
DEV_DAILY = (
    ("team-payments", 1875, 600, 150, 200),
    ("team-support", 940, 450, 100, 0),
)
CI_LINE_CENTS = (3600, 1200)


def _sha(cycle: int, k: int) -> str:
    return f"{cycle:04x}{k:04x}" + "5eed" * 8


def _write_development(cfg: _Cfg) -> dict[str, int]:
    """Merged pull requests (GitHub CLI JSON), the repository -> team map and the day's
    development-tagged LLM requests, CI billing and engineering time: a handful of fixed records
    per day, in their own files (``<day>.development.<ext>``) beside the agent sources'."""
    counts = dict.fromkeys(
        ("pull_requests", "repository_teams", "llm_requests", "billing_lines", "time_entries"), 0
    )
    team_map = cfg.out / "repository_teams" / "repositories.csv"
    team_map.parent.mkdir(parents=True, exist_ok=True)
    team_map.write_text("repository,team_id\n" + "".join(f"{r},{t}\n" for r, t in REPOSITORIES))
    counts["repository_teams"] = len(REPOSITORIES)
    for d in range(cfg.days):
        day, cycle = cfg.day(d).isoformat(), d // 3
        number = {k: 100 + 10 * cycle + k for k in range(1, 10)}
        prs = []
        for _, repo, k, title, files, body in (p for p in DEV_PULL_REQUESTS if p[0] == d % 3):
            text = body.replace("{n:1}", str(number[1])).replace("{sha:4}", _sha(cycle, 4))
            prs.append(
                {
                    "additions": sum(lines for _, lines in files),
                    "author": {"is_bot": False, "login": f"dev-{k % 3 + 1}"},
                    "body": text,
                    "deletions": 0,
                    "files": [{"path": f, "additions": n, "deletions": 0} for f, n in files],
                    "labels": [],
                    "mergeCommit": {"oid": _sha(cycle, k)},
                    "mergedAt": f"{day}T{9 + k:02d}:30:00Z",
                    "number": number[k],
                    "title": title,
                    "url": f"https://github.com/{repo}/pull/{number[k]}",
                }
            )
        path = cfg.out / "pull_requests" / f"{day}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(prs, indent=2) + "\n")
        counts["pull_requests"] += len(prs)

        stamp = cfg.day(d).strftime("%Y%m%d")
        requests = [
            {
                "request_id": f"req-{stamp}-dev-{i}",
                "requested_at": f"{day}T{10 + i:02d}:00:00Z",
                "model": "claude-sonnet-4-5",
                "provider": "anthropic",
                "input_tokens": 20000,
                "output_tokens": 1500,
                "reported_cost_usd": format(Decimal(cents).scaleb(-2), ".9f"),
                "team_id": team,
                "work_type": "development",
            }
            for i, (team, cents, *_) in enumerate(DEV_DAILY)
        ]
        path = cfg.out / "llm_requests" / f"{day}.development.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in requests))
        counts["llm_requests"] += len(requests)

        focus = "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        focus += "ChargeCategory,ServiceName,ResourceId,Tags\n"
        tags = ('{"team": "team-payments", "work_type": "ci"}', '{"work_type": "ci"}')
        for i, (cents, tag) in enumerate(zip(CI_LINE_CENTS, tags, strict=True)):
            money = format(Decimal(cents).scaleb(-2), ".10f")
            tag_text = tag.replace('"', '""')
            focus += (
                f"{money},{money},USD,{day} 00:00:00,{cfg.day(d + 1).isoformat()} 00:00:00,"
                f'Usage,CI Runners,ci-runner-{i},"{tag_text}"\n'
            )
        path = cfg.out / "billing_lines" / f"{day}.development.csv"
        path.write_text(focus)
        counts["billing_lines"] += len(CI_LINE_CENTS)

        entries = "entry_id,person_id,role,work_date,hours,activity,team_id,work_type\n"
        n = 0
        for team, _, *hours in DEV_DAILY:
            person = "p-006" if team == "team-payments" else "p-007"
            for activity, hundredths in zip(
                ("development", "code_review", "rework"), hours, strict=True
            ):
                if hundredths:
                    entries += (
                        f"te-{stamp}-dev-{n},{person},engineer,{day},"
                        f"{_money_text(hundredths, 2)},{activity},{team},development\n"
                    )
                    n += 1
        path = cfg.out / "time_entries" / f"{day}.development.csv"
        path.write_text(entries)
        counts["time_entries"] += n
    return counts


def _write_budgets(cfg: _Cfg) -> int:
    """A declared budget file: the fleet's monthly spend, team-support's spend for the first
    month (set below what the sample spends, so the sample shows a breach) and team-payments'
    cost per accepted action."""
    month = cfg.start.replace(day=1).isoformat()[:7]
    path = cfg.out / "budgets" / "budgets.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "scope,scope_id,month,budget_usd,max_cost_per_accepted_action_usd\n"
        "fleet,,,50000.00,\n"
        f"team,team-support,{month},10000.00,\n"
        "team,team-payments,,,150.00\n"
    )
    return 3


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def generate(
    out_dir: Path,
    *,
    seed: int = 7,
    start_date: date = date(2026, 10, 1),
    days: int = 3,
    actions_per_day: int = 40,
    requests_per_action: float = 4.0,
    tool_calls_per_action: float = 1.5,
    formats: Sequence[str] = ("csv", "jsonl", "parquet"),
    defects: bool = True,
    development: bool = True,
    billing_lines_per_day: int | None = None,
    time_entries_per_day: int | None = None,
    consequences_per_day: int | None = None,
) -> dict[str, int]:
    """Write the raw files of every source under ``out_dir``; return data records per source.

    ``billing_lines_per_day``, ``time_entries_per_day`` and ``consequences_per_day`` set the
    number of rows each day's generated data of that source has (the benchmark's large-fleet day:
    200,000 billing lines, 20,000 time entries and 5,000 consequence records per 10 million
    requests); None (the default) leaves the source exactly as without the argument.

    - billing_lines: the fixed lines of the day (265-278: hourly per-agent Fargate, 0-12 task
      sandboxes, the shared, credit and day-0 lines) are kept, and small per-resource usage lines
      are added up to the target (``BILLING_FILL``: task-tagged scratch volumes, action-tagged
      Fargate tasks, untagged snapshots, all naming actions of that day). Exact when the target
      is at least the fixed lines; a smaller target leaves the fixed lines (never fewer).
    - time_entries: a seeded sample of the day's entries when there are more, else topped up
      with copies of random entries of that day (same person, activity and
      action/task/agent/team) with new hours and entry ids. Always exact.
    - consequence_records: a seeded sample of the day's records when there are more, else
      topped up with copies of random records of failures that happened by the end of the day,
      booked later that day than the failure, new ids. Exact, unless no action has failed by the
      end of the day (then the day's own records).

    Counts are of each day's main file (``<day>.<fmt>``) before planted defects: with
    ``defects=True`` the defect lines (day 0 / first text file) and the late rows moved to two
    days later change a file by a few rows; the ``<day>.development.*`` files come on top."""
    formats = tuple(formats)
    unknown = sorted(set(formats) - set(ALL_FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {ALL_FORMATS}, got {formats}")
    if seed < 0 or days < 1 or actions_per_day < 1:
        raise ValueError("seed must be >= 0, days and actions_per_day >= 1")
    if requests_per_action < 1 or tool_calls_per_action < 0:
        raise ValueError("requests_per_action must be >= 1 and tool_calls_per_action >= 0")
    targets = (billing_lines_per_day, time_entries_per_day, consequences_per_day)
    if any(t is not None and t < 0 for t in targets):
        raise ValueError("billing_lines, time_entries and consequences per day must be >= 0")
    cfg = _Cfg(
        Path(out_dir),
        seed,
        start_date,
        days,
        actions_per_day,
        requests_per_action,
        tool_calls_per_action,
        formats,
        defects,
        billing_lines_per_day,
        time_entries_per_day,
        consequences_per_day,
    )
    cfg.out.mkdir(parents=True, exist_ok=True)
    acts = _actions(cfg)
    events = _events(cfg, acts)
    counts = {
        "billing_lines": _write_billing(cfg, acts),
        "llm_requests": _write_requests(cfg, acts),
        "tool_calls": _write_tool_calls(cfg, acts),
        "model_prices": _write_prices(cfg),
        "time_entries": _write_time_entries(cfg, acts, events),
        "loaded_rates": _write_rates(cfg),
        "consequence_records": _write_consequences(cfg, acts, events),
        "agent_actions": _write_actions(cfg, acts),
        "action_events": _write_events(cfg, events),
        "budgets": _write_budgets(cfg),
    }
    if development:
        for name, n in _write_development(cfg).items():
            counts[name] = counts.get(name, 0) + n
    return {name: counts[name] for name in SOURCES if name in counts}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generator",
        description="Write deterministic sample input files for every source.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output data directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2026, 10, 1))
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--actions-per-day", type=int, default=40)
    parser.add_argument("--requests-per-action", type=float, default=4.0)
    parser.add_argument("--tool-calls-per-action", type=float, default=1.5)
    parser.add_argument(
        "--formats", default="csv,jsonl,parquet", help="comma-separated subset of csv,jsonl,parquet"
    )
    for source in ("billing-lines", "time-entries", "consequences"):
        parser.add_argument(
            f"--{source}-per-day", type=int, default=None, help=f"{source} rows per day (target)"
        )
    parser.add_argument("--no-defects", action="store_true", help="write clean data only")
    parser.add_argument(
        "--no-development",
        action="store_true",
        help="leave out pull requests and development-tagged costs",
    )
    args = parser.parse_args(argv)
    counts = generate(
        args.out,
        seed=args.seed,
        start_date=args.start_date,
        days=args.days,
        actions_per_day=args.actions_per_day,
        requests_per_action=args.requests_per_action,
        tool_calls_per_action=args.tool_calls_per_action,
        formats=tuple(f.strip() for f in args.formats.split(",") if f.strip()),
        defects=not args.no_defects,
        development=not args.no_development,
        billing_lines_per_day=args.billing_lines_per_day,
        time_entries_per_day=args.time_entries_per_day,
        consequences_per_day=args.consequences_per_day,
    )
    json.dump(counts, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
