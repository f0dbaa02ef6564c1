"""The reference files: model prices, loaded hourly rates and declared budgets."""

from __future__ import annotations

import polars as pl

from sample_data.files import SCHEMAS, _defect_lines, _emit, _money_text, _plan, _Writer
from sample_data.fleet import (
    MODELS,
    PRICE_CHANGE,
    PRICES,
    PROVIDERS,
    RATE_CHANGE,
    RATE_OVERRIDE,
    ROLE_RATES,
    TOKEN_KINDS,
    _Cfg,
)


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
