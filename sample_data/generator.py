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

Modules: this one holds the entry points (``generate``, ``main``) and this description; the
sources are written by ``sample_data.outcomes`` (actions, events, consequences),
``sample_data.usage`` (LLM requests, LiteLLM rows, tool calls), ``sample_data.billing`` (FOCUS
lines), ``sample_data.labour`` (time entries), ``sample_data.reference`` (prices, rates, budgets)
and ``sample_data.development`` (pull requests and their costs), on top of ``sample_data.fleet``
(the simulated fleet, the streams, ``_Cfg``) and ``sample_data.files`` (schemas, value defects,
the writer and the defects of a day's file). Underscored names are internal to the package.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pipeline.sources import SOURCES
from sample_data.billing import _write_billing
from sample_data.development import _write_development
from sample_data.files import VALUE_DEFECTS
from sample_data.fleet import ALL_FORMATS, _Cfg
from sample_data.labour import _write_time_entries
from sample_data.outcomes import (
    _actions,
    _events,
    _write_actions,
    _write_consequences,
    _write_events,
)
from sample_data.reference import _write_budgets, _write_prices, _write_rates
from sample_data.usage import _write_requests, _write_tool_calls

__all__ = ["VALUE_DEFECTS", "generate", "main"]


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
