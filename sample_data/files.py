"""Writing a source's files: the column types per source, the planted value defects, seeded
random numbers, exact-decimal columns, the CSV / JSONL / Parquet writer, the text defects and late
and duplicate rows of a day's file (``_write_daily``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from pipeline.sources import FOCUS_COLUMNS, RULE_TEXT_COLUMNS, SOURCES
from sample_data.fleet import ALL_FORMATS, DEFECT_AT, LATE_AT, ROTATION, STREAMS, _Cfg

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
        **{
            c: STR
            for c in SOURCES["time_entries"].columns
            if c not in ("work_type", "duration_seconds", *RULE_TEXT_COLUMNS)
        },
        "hours": pl.Decimal(38, 2),
    },
    "consequence_records": {c: STR for c in SOURCES["consequence_records"].columns},
    "agent_actions": {c: STR for c in SOURCES["agent_actions"].columns},
    "action_events": {c: STR for c in SOURCES["action_events"].columns},
}


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


def _capped(df: pl.DataFrame, cap: int | None, seed: int, stream: str, d: int) -> pl.DataFrame:
    """At most `cap` rows of one day's frame: a seeded sample that keeps the rows' order."""
    if cap is None or df.height <= cap:
        return df
    keep = np.sort(_rng(seed, stream, d).choice(df.height, size=cap, replace=False))
    return df[keep]


def _money_text(units: int, scale: int) -> str:
    """Exact decimal text with at least two decimals (static reference tables only)."""
    text = format(Decimal(units).scaleb(-scale), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"
