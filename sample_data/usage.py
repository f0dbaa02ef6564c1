"""LLM requests (with LiteLLM SpendLogs rows) and tool calls, generated chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from sample_data.files import (
    STR,
    _dec,
    _iso_ms,
    _pick,
    _rng,
    _segmented_offsets,
    _seq_ids,
    _write_daily,
)
from sample_data.fleet import (
    AGENT_MODEL,
    AGENT_TYPE,
    CHUNK_ACTIONS,
    MODELS,
    PRICE_CHANGE,
    PRICES,
    PROVIDERS,
    RUN_ERR,
    TOKEN_KINDS,
    TOOL_P,
    TOOLS,
    UNKNOWN_MODEL_ACTION,
    _Cfg,
)


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
