"""The runtime caps as an LLM gateway's budget settings (asset ``serving/runtime_caps_export``):
the latest month of ``serving.runtime_caps`` written as LiteLLM takes it, so the batch's
measurements feed the runtime's enforcement (seed 003: measure, attribute, optimize, enforce).

The file (``ServingSettings.runtime_caps_path``) is one JSON document:

- ``tags``: one body of LiteLLM's ``POST /tag/new`` per agent with a daily cap:
  ``{"name": "agent:<agent_id>", "description", "max_budget", "budget_duration": "1d"}``. The
  gateway enforces it on requests tagged ``agent:<agent_id>``.
- ``agents``: one agent setting per agent that served a task type with a per-task cap:
  ``{"agent_name", "litellm_params": {"require_trace_id_on_calls_by_agent": true,
  "max_budget_per_session": <the largest per-task cap of the task types it served>}}``. LiteLLM
  counts a session by its ``x-litellm-trace-id``: send the task id as the trace id and the
  session cap is a per-task cap.
- ``month``, ``as_of`` and ``caps``: what the caps were read from, every row (caps and the
  reasons for no cap) as published.

LiteLLM takes budgets as numbers of dollars: each cap is rounded up to the cent, so the exported
budget is never below the measured percentile; the exact figure stays in ``serving.runtime_caps``.
"""

import json
import os
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, asset

from pipeline.assets.serving.publishing import published_rows, read_published
from pipeline.resources import ServingSettings
from pipeline.warehouse import WAREHOUSE_POOL, Warehouse

CENT = Decimal("0.01")


def gateway_budget(amount: Decimal) -> float:
    """A cap as the gateway takes it: dollars rounded up to the cent (a float with at most two
    decimals, which JSON writes exactly)."""
    return float(amount.quantize(CENT, rounding=ROUND_CEILING))


def litellm_budgets(conn) -> dict:
    """The latest month's caps of a published database as LiteLLM's budget settings."""
    month = conn.execute("SELECT MAX(month) FROM serving.runtime_caps").fetchone()[0]
    caps = published_rows(
        conn,
        "SELECT * FROM serving.runtime_caps WHERE month = $month ORDER BY scope, scope_id",
        {"month": month},
    )
    # the task types each agent served that month, for its per-session cap
    served = published_rows(
        conn,
        "SELECT DISTINCT agent_id, task_type FROM serving.showback_by_task_monthly "
        "WHERE month = $month AND attempted_actions > 0 AND agent_id <> 'unallocated'",
        {"month": month},
    )
    task_caps = {
        c["scope_id"]: c["cap_usd"]
        for c in caps
        if c["scope"] == "task_type" and c["cap_usd"] is not None
    }
    session_caps: dict[str, Decimal] = {}
    for row in served:
        cap = task_caps.get(row["task_type"])
        if cap is not None:
            session_caps[row["agent_id"]] = max(cap, session_caps.get(row["agent_id"], cap))
    as_of = conn.execute("SELECT MAX(as_of) FROM serving.publication").fetchone()[0]
    return {
        "month": month.isoformat() if month else None,
        "as_of": as_of.isoformat() if as_of else None,
        "tags": [
            {
                "name": f"agent:{c['scope_id']}",
                "description": f"Daily cap of agent {c['scope_id']}: {c['basis']}",
                "max_budget": gateway_budget(c["cap_usd"]),
                "budget_duration": "1d",
            }
            for c in caps
            if c["scope"] == "agent" and c["cap_usd"] is not None
        ],
        "agents": [
            {
                "agent_name": agent,
                "litellm_params": {
                    "require_trace_id_on_calls_by_agent": True,
                    "max_budget_per_session": gateway_budget(cap),
                },
            }
            for agent, cap in sorted(session_caps.items())
        ],
        "caps": [
            {
                **{k: c[k] for k in ("scope", "scope_id", "cap_period", "status", "basis")},
                "cap_usd": None if c["cap_usd"] is None else str(c["cap_usd"]),
                "sample_size": c["sample_size"],
                "above_cap": c["above_cap"],
            }
            for c in caps
        ],
    }


@asset(
    key=AssetKey(["serving", "runtime_caps_export"]),
    description="The latest month's recommended runtime caps (serving.runtime_caps) as LiteLLM's "
    "budget settings: a daily tag budget per agent and a per-session (per-task) budget per "
    "agent, one JSON file an operator or a deploy script applies to the gateway.",
    group_name="serving",
    backfill_policy=BackfillPolicy.single_run(),
    deps=[AssetKey(["serving", "published"])],
    kinds={"json"},
    # it reads the published file under the warehouse's limits, so it takes that resource and
    # its pool (one slot per run: no wait inside a run)
    pool=WAREHOUSE_POOL,
)
def runtime_caps_export(
    context: AssetExecutionContext, serving_settings: ServingSettings, warehouse: Warehouse
) -> MaterializeResult:
    with read_published(serving_settings, warehouse) as conn:
        budgets = litellm_budgets(conn)
    path = Path(serving_settings.runtime_caps_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(budgets, indent=2) + "\n")
    os.replace(partial, path)  # readers see the old file or the new one
    return MaterializeResult(
        metadata={
            "path": str(path.resolve()),
            "month": str(budgets["month"]),
            "agent_daily_caps": len(budgets["tags"]),
            "agent_session_caps": len(budgets["agents"]),
        }
    )
