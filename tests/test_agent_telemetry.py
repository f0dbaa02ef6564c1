"""Agent telemetry as teams emit it: OpenTelemetry GenAI spans (OTLP/JSON) and Langfuse
observations exports reach requests, tool calls, the agent-run tree and the ledger."""

import gzip
import json
from datetime import datetime
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import write

DAY = "2026-10-01"
PRICES = (
    "model,provider,token_kind,usd_per_million_tokens,effective_from\n"
    "gpt-4o,openai,input,2.50,2025-01-01\n"
    "gpt-4o,openai,cached_input,1.25,2025-01-01\n"
    "gpt-4o,openai,output,10.00,2025-01-01\n"
    "claude-sonnet-4,anthropic,input,3.00,2025-01-01\n"
    "claude-sonnet-4,anthropic,cached_input,0.30,2025-01-01\n"
    "claude-sonnet-4,anthropic,cache_write_input,3.75,2025-01-01\n"
    "claude-sonnet-4,anthropic,output,15.00,2025-01-01\n"
)
# 2026-10-01T09:00:00Z in Unix nanoseconds, and one second
T0 = 1_790_845_200_000_000_000
SECOND = 1_000_000_000


def attribute(key: str, value) -> dict:
    """An OTLP/JSON attribute: 64-bit integers are strings in proto3 JSON."""
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def span(span_id, parent, name, start, attributes, error=False) -> dict:
    return {
        "traceId": "5B8EFFF798038103D269B633813FC60C",
        "spanId": span_id,
        "parentSpanId": parent,
        "name": name,
        "kind": 1,
        "startTimeUnixNano": str(T0 + start * SECOND),
        "endTimeUnixNano": str(T0 + (start + 1) * SECOND),
        "attributes": [attribute(k, v) for k, v in attributes.items()],
        "status": {"code": 2, "message": "rate limited"} if error else {},
    }


# An agent run as an instrumented framework exports it: the triage agent (task-1) calls gpt-4o,
# then invokes a research sub-agent that calls Claude with cache reads and writes, runs a tool,
# and makes one call that fails before any output. The Collector writes two batches (lines).
ROOT = span(
    "a000000000000001",
    "",
    "invoke_agent triage",
    0,
    {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.id": "triage-agent",
        "gen_ai.conversation.id": "conv-1",
        "finops.task_id": "task-1",
    },
)
CHAT_1 = span(
    "c000000000000001",
    "a000000000000001",
    "chat gpt-4o",
    1,
    {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o",
        "gen_ai.response.id": "chatcmpl-1",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.cache_read.input_tokens": 400,
        "gen_ai.usage.output_tokens": 200,
    },
)
SUB_AGENT = span(
    "a000000000000002",
    "a000000000000001",
    "invoke_agent research",
    2,
    {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "research-agent"},
)
# the older convention's names: gen_ai.system, prompt / completion tokens
CHAT_2 = span(
    "c000000000000002",
    "a000000000000002",
    "chat claude-sonnet-4",
    3,
    {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4",
        "gen_ai.response.id": "msg_2",
        "gen_ai.usage.prompt_tokens": 3000,
        "gen_ai.usage.cache_read.input_tokens": 1000,
        "gen_ai.usage.cache_creation.input_tokens": 500,
        "gen_ai.usage.completion_tokens": 100,
    },
)
TOOL = span(
    "d000000000000001",
    "a000000000000002",
    "execute_tool web_search",
    4,
    {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "web_search",
        "gen_ai.tool.call.id": "call_1",
    },
)
FAILED = span(
    "c000000000000003",
    "a000000000000002",
    "chat claude-sonnet-4",
    5,
    {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4",
    },
    error=True,
)


def traces(*batches: list[dict]) -> str:
    """OTLP/JSON as the Collector's file exporter writes it: one TracesData per line."""
    return "".join(
        json.dumps(
            {
                "resourceSpans": [
                    {
                        "resource": {
                            "attributes": [
                                attribute("service.name", "support-bot"),
                                attribute("finops.team_id", "team-a"),
                            ]
                        },
                        "scopeSpans": [
                            {"scope": {"name": "agent-framework"}, "spans": batch},
                        ],
                    }
                ]
            }
        )
        + "\n"
        for batch in batches
    )


def write_otlp(data_dir, relpath="agent_spans/2026-10-01/traces.jsonl"):
    write(data_dir, "model_prices/prices.csv", PRICES)
    # children end first, so the Collector exports them in an earlier batch than their parents
    text = traces([CHAT_1, CHAT_2, TOOL, FAILED], [SUB_AGENT, ROOT])
    path = data_dir / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if relpath.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


TOOL_PRICES = {"web_search": "0.005"}


def test_inference_spans_become_requests_in_our_token_convention(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models("core/llm_request_costs", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT request_id, requested_at, model, provider, input_tokens, cached_input_tokens, "
        "cache_write_input_tokens, output_tokens, status, session_id, team_id "
        "FROM staging.llm_requests ORDER BY request_id"
    ) == [
        (
            "chatcmpl-1",
            datetime(2026, 10, 1, 9, 0, 1),
            "gpt-4o",
            "openai",
            1000,
            400,
            0,
            200,
            "success",
            "a000000000000001",
            "team-a",
        ),
        (
            "msg_2",
            datetime(2026, 10, 1, 9, 0, 3),
            "claude-sonnet-4",
            "anthropic",
            3000,
            1000,
            500,
            100,
            "success",
            "a000000000000002",
            "team-a",
        ),
    ]
    # 600 x 2.50 + 400 x 1.25 + 200 x 10 per million; 1500 x 3 + 1000 x 0.30 + 500 x 3.75 + 100 x 15
    assert query(
        "SELECT request_id, cost_usd, cost_status FROM core.llm_request_costs ORDER BY request_id"
    ) == [
        ("chatcmpl-1", Decimal("0.004000000000"), "computed"),
        ("msg_2", Decimal("0.008175000000"), "computed"),
    ]


def test_the_other_spans_of_a_trace_are_counted_not_read_as_requests(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models("core/llm_request_costs", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT source, rows_read, rows_staged, rows_quarantined, status_reason "
        "FROM audit.load_ledger WHERE source_file LIKE 'agent_spans/%' ORDER BY source"
    ) == [
        ("agent_spans", 6, 6, 0, None),
        (
            "llm_requests",
            2,
            2,
            0,
            "4 record(s) of other kinds than inference (by record_kind) are not llm_requests rows",
        ),
        (
            "tool_calls",
            1,
            1,
            0,
            "5 record(s) of other kinds than tool (by record_kind) are not tool_calls rows",
        ),
    ]


def test_a_failed_call_with_no_output_is_a_span_not_a_request(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models("core/session_roots", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT span_kind, status, agent_id FROM staging.agent_spans WHERE span_id = $id",
        {"id": "c000000000000003"},
    ) == [("failed_inference", "error", None)]
    assert query("SELECT COUNT(*) FROM audit.quarantine") == [(0,)]


def test_tool_spans_are_priced_from_the_declared_tool_prices(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models("core/session_roots", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT call_id, called_at, tool_name, cost_usd, cost_basis, session_id "
        "FROM staging.tool_calls"
    ) == [
        (
            "call_1",
            datetime(2026, 10, 1, 9, 0, 4),
            "web_search",
            Decimal("0.005000000000"),
            "units_x_unit_price",
            "a000000000000002",
        )
    ]


def test_a_tool_span_without_a_price_is_quarantined_naming_it(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models("core/session_roots", days=DAY)
    # source_line numbers the file's spans: the tool span is its third
    assert query("SELECT source, source_line, reason FROM audit.quarantine") == [
        (
            "tool_calls",
            3,
            "cost_usd: missing, and no units with unit_price_usd to compute it",
        )
    ]


def test_a_sub_agents_costs_roll_up_to_the_root_task(data_dir, build_models, query):
    write_otlp(data_dir, "agent_spans/2026-10-01/traces.json.gz")
    build_models("core/cost_ledger", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT session_id, root_task_id, root_team_id, agent_id FROM core.session_roots "
        "WHERE session_id IN ('a000000000000001', 'a000000000000002') ORDER BY session_id"
    ) == [
        ("a000000000000001", "task-1", "team-a", "triage-agent"),
        ("a000000000000002", "task-1", "team-a", "research-agent"),
    ]
    assert query(
        "SELECT source, record_id, task_id, agent_id, team_id, attribution, SUM(amount_usd) "
        "FROM core.cost_ledger GROUP BY ALL ORDER BY record_id"
    ) == [
        (
            "tool_calls",
            "call_1",
            "task-1",
            "research-agent",
            "team-a",
            "session_tree",
            Decimal("0.005000000000"),
        ),
        (
            "llm_requests",
            "chatcmpl-1",
            "task-1",
            "triage-agent",
            "team-a",
            "session_tree",
            Decimal("0.004000000000"),
        ),
        (
            "llm_requests",
            "msg_2",
            "task-1",
            "research-agent",
            "team-a",
            "session_tree",
            Decimal("0.008175000000"),
        ),
    ]
