"""Agent telemetry as teams emit it: OpenTelemetry GenAI spans (OTLP/JSON) and Langfuse
observations exports reach requests, tool calls, the agent-run tree and the ledger."""

import csv
import gzip
import json
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import OUTSIDE_DATA, needs_outside_data, write

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
            "4 record(s) of other kinds than inference (by record_kind, or unreadable) are not "
            "llm_requests rows",
        ),
        (
            "tool_calls",
            1,
            1,
            0,
            "5 record(s) of other kinds than tool (by record_kind, or unreadable) are not "
            "tool_calls rows",
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


# --- Langfuse observations export ------------------------------------------------------------

LANGFUSE_FIELDS = (
    OUTSIDE_DATA / "llm-logs" / "langfuse" / "langfuse_blob_export_observations_v2_columns.csv"
)
LANGFUSE_COLUMNS = (
    [line.split(",", 1)[0] for line in LANGFUSE_FIELDS.read_text().splitlines()[1:]]
    if LANGFUSE_FIELDS.exists()
    else []
)


def observation(**fields) -> dict:
    """One observations_v2 row with every exported field, as the blob export writes it."""
    row = {column: None for column in LANGFUSE_COLUMNS}
    row.update(
        {
            "trace_id": "trace-9",
            "project_id": "proj-1",
            "environment": "default",
            "session_id": "sess-9",
            "level": "DEFAULT",
            **fields,
        }
    )
    return row


# A writer agent (task-9, team-b) makes one OpenAI generation: Langfuse's usage types are disjoint
# (input without its 400 cached tokens, output without its 20 reasoning tokens), and a tool call.
OBSERVATIONS = [
    observation(
        id="obs-agent",
        type="AGENT",
        name="writer",
        parent_observation_id="",
        start_time="2026-10-01 09:00:00.000000",
        end_time="2026-10-01 09:00:09.000000",
        metadata={
            "finops.task_id": "task-9",
            "finops.team_id": "team-b",
            "finops.agent_id": "writer",
        },
    ),
    observation(
        id="obs-gen",
        type="GENERATION",
        name="draft",
        parent_observation_id="obs-agent",
        start_time="2026-10-01 09:00:01.250000",
        end_time="2026-10-01 09:00:03.000000",
        provided_model_name="gpt-4o",
        usage_details={
            "input": 600,
            "input_cached_tokens": 400,
            "output": 180,
            "output_reasoning_tokens": 20,
            "total": 1200,
        },
        cost_details={"input": 0.002, "output": 0.002},
        total_cost=0.004,
        metadata={},
    ),
    observation(
        id="obs-tool",
        type="TOOL",
        name="web_search",
        parent_observation_id="obs-agent",
        start_time="2026-10-01 09:00:04.000000",
        end_time="2026-10-01 09:00:05.000000",
        level="ERROR",
        status_message="timeout",
        metadata={},
    ),
]


def write_langfuse(data_dir, file_format: str) -> None:
    write(data_dir, "model_prices/prices.csv", PRICES)
    path = data_dir / "agent_spans" / f"observations_2026-10-01.{file_format}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in OBSERVATIONS))
    elif file_format == "csv":
        # objects are JSON-encoded strings in CSV, and a null is an empty field
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, LANGFUSE_COLUMNS)
            writer.writeheader()
            for row in OBSERVATIONS:
                writer.writerow(
                    {
                        k: json.dumps(v) if isinstance(v, dict) else ("" if v is None else v)
                        for k, v in row.items()
                    }
                )
    else:  # Parquet: maps typed as maps, times as timestamps
        table = pa.Table.from_pylist(
            [
                {
                    **{k: v for k, v in row.items() if not isinstance(v, dict)},
                    "start_time": datetime.fromisoformat(row["start_time"]),
                    "end_time": datetime.fromisoformat(row["end_time"]),
                    "usage_details": list((row.get("usage_details") or {}).items()),
                    "metadata": list((row.get("metadata") or {}).items()),
                    "total_cost": row.get("total_cost"),
                }
                for row in OBSERVATIONS
            ],
            schema=pa.schema(
                [
                    (c, pa.string())
                    for c in LANGFUSE_COLUMNS
                    if c
                    not in ("start_time", "end_time", "usage_details", "metadata", "total_cost")
                ]
                + [
                    ("start_time", pa.timestamp("us")),
                    ("end_time", pa.timestamp("us")),
                    ("usage_details", pa.map_(pa.string(), pa.int64())),
                    ("metadata", pa.map_(pa.string(), pa.string())),
                    ("total_cost", pa.float64()),
                ]
            ),
        )
        pq.write_table(table, path)


@needs_outside_data
@pytest.mark.parametrize("file_format", ["csv", "jsonl", "parquet"])
def test_a_langfuse_generation_becomes_a_request_in_our_token_convention(
    data_dir, build_models, query, file_format
):
    write_langfuse(data_dir, file_format)
    build_models("core/cost_ledger", days=DAY, tool_prices_usd={"web_search": "0.001"})
    assert query(
        "SELECT request_id, requested_at, model, input_tokens, cached_input_tokens, "
        "output_tokens, reasoning_tokens, reported_cost_usd, status, session_id "
        "FROM staging.llm_requests"
    ) == [
        (
            "obs-gen",
            datetime(2026, 10, 1, 9, 0, 1, 250000),
            "gpt-4o",
            1000,
            400,
            200,
            20,
            Decimal("0.004000000000"),
            "success",
            "obs-agent",
        )
    ]
    # the reported cost agrees with the catalogue: 600 x 2.50 + 400 x 1.25 + 200 x 10 per million
    assert query(
        "SELECT cost_usd, computed_cost_usd, reported_differs_from_catalogue "
        "FROM core.llm_request_costs"
    ) == [(Decimal("0.004000000000"), Decimal("0.004000000000"), False)]
    assert query(
        "SELECT source, task_id, agent_id, team_id, amount_usd FROM core.cost_ledger "
        "ORDER BY source"
    ) == [
        ("llm_requests", "task-9", "writer", "team-b", Decimal("0.004000000000")),
        ("tool_calls", "task-9", "writer", "team-b", Decimal("0.001000000000")),
    ]
    assert query("SELECT call_id, status FROM staging.tool_calls") == [("obs-tool", "error")]


# --- one request logged twice ----------------------------------------------------------------


def test_a_request_traced_and_in_litellms_spend_log_is_counted_once(data_dir, build_models, query):
    write_otlp(data_dir)
    write(
        data_dir,
        "llm_requests/litellm/2026-10-01.jsonl",
        json.dumps(
            {
                "request_id": "chatcmpl-1",
                "startTime": "2026-10-01 09:00:01",
                "model": "gpt-4o",
                "custom_llm_provider": "openai",
                "prompt_tokens": 1000,
                "completion_tokens": 200,
                "spend": 0.004,
                "metadata": json.dumps(
                    {"usage_object": {"prompt_tokens_details": {"cached_tokens": 400}}}
                ),
            }
        )
        + "\n",
    )
    build_models("core/cost_ledger", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert query(
        "SELECT COUNT(*), SUM(amount_usd) FROM core.cost_ledger WHERE record_id = 'chatcmpl-1'"
    ) == [(1, Decimal("0.004000000000"))]
    # the copy that differs is kept in quarantine, naming the key, never summed again
    assert query(
        "SELECT source, column_name, reason LIKE '%duplicate key with different content%' "
        "FROM audit.quarantine"
    ) == [("llm_requests", "request_id", True)]


# --- an adapter declared in configuration ----------------------------------------------------

GATEWAY = {
    "source": "llm_requests",
    "recognised_by": ["id", "ts", "usage"],
    "columns": {
        "request_id": {"field": "id"},
        "requested_at": {"field": "ts", "convert": "unix_millis"},
        "model": {"field": "llm", "path": ["$.name"]},
        "provider": {"field": "llm", "path": ["$.vendor"]},
        "input_tokens": {"field": "usage", "path": ["$.in", "$.prompt"]},
        "cached_input_tokens": {"field": "usage", "path": ["$.cache"]},
        "output_tokens": {"field": "usage", "path": ["$.out", "$.completion"]},
        "reported_cost_usd": {"field": "cost_cents", "convert": "hundredths"},
        "status": {"field": "outcome", "values": {"OK": "success", "FAILED": "error"}},
        "task_id": {"field": "task", "or_fields": ["job"]},
    },
}


def test_an_adapter_declared_in_configuration_reads_an_export_of_ones_own(
    data_dir, build_models, query
):
    write(
        data_dir,
        "llm_requests/gateway/2026-10-01.jsonl",
        json.dumps(
            {
                "id": "g1",
                "ts": 1790845201500,
                "llm": {"name": "gpt-4o", "vendor": "openai"},
                "usage": {"prompt": 1000, "cache": 400, "out": 200},
                "cost_cents": "0.4",
                "outcome": "OK",
                "job": "task-7",
            }
        )
        + "\n",
    )
    build_models("core/llm_request_costs", days=DAY, declared_adapters={"gateway": GATEWAY})
    assert query(
        "SELECT request_id, requested_at, model, provider, input_tokens, cached_input_tokens, "
        "output_tokens, reported_cost_usd, status, task_id FROM staging.llm_requests"
    ) == [
        (
            "g1",
            datetime(2026, 10, 1, 9, 0, 1, 500000),
            "gpt-4o",
            "openai",
            1000,
            400,
            200,
            Decimal("0.004000000000"),
            "success",
            "task-7",
        )
    ]
    assert query("SELECT adapter FROM audit.load_ledger WHERE source = 'llm_requests'") == [
        ("gateway",)
    ]


def test_a_declared_adapter_naming_an_unknown_column_is_refused(data_dir, build_models):
    write(data_dir, "llm_requests/gateway/2026-10-01.jsonl", '{"id": "g1"}\n')
    wrong = {**GATEWAY, "columns": {**GATEWAY["columns"], "tokens_in": {"field": "x"}}}
    with pytest.raises(ValueError, match=r"declared_adapters\.gateway: tokens_in not column"):
        build_models("core/llm_request_costs", days=DAY, declared_adapters={"gateway": wrong})


# --- a traced run that ended in error ----------------------------------------------------------

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
    "act-1,2026-10-01T09:00:00Z,task-1,,,triage-agent,team-a,triage,G1\n"
)


def write_failed_run(data_dir, events: str = "") -> None:
    write(data_dir, "agent_actions/2026-10-01.csv", ACTIONS)
    write(
        data_dir,
        "action_events/2026-10-01.csv",
        "event_id,action_id,event_type,escalation_kind,occurred_at\n" + events,
    )
    run = span(
        "a000000000000009",
        "",
        "invoke_agent triage",
        2,
        {"gen_ai.operation.name": "invoke_agent", "finops.action_id": "act-1"},
        error=True,
    )
    write(data_dir, "agent_spans/2026-10-01.jsonl", traces([run]))


def test_an_agent_span_ending_in_error_fails_the_run_of_its_action(data_dir, build_models, query):
    write_failed_run(data_dir)
    build_models("core/action_outcomes", days=DAY, metric={"as_of": "2026-12-31T00:00:00"})
    assert query(
        "SELECT action_id, outcome, failure_reason, failed_at FROM core.action_outcomes"
    ) == [("act-1", "failed_run", "run_error", datetime(2026, 10, 1, 9, 0, 3))]


def test_an_agent_span_in_error_does_not_fail_an_accepted_action(data_dir, build_models, query):
    write_failed_run(data_dir, "e1,act-1,accepted,,2026-10-01T10:00:00Z\n")
    build_models("core/action_outcomes", days=DAY, metric={"as_of": "2026-12-31T00:00:00"})
    assert query("SELECT action_id, outcome FROM core.action_outcomes") == [
        ("act-1", "accepted_confirmed")
    ]


def test_a_tool_spans_cost_attribute_wins_over_the_price_list(data_dir, build_models, query):
    write(data_dir, "model_prices/prices.csv", PRICES)
    priced = span(
        "d000000000000002",
        "",
        "execute_tool web_search",
        1,
        {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "web_search",
            "finops.cost_usd": "0.012",
        },
    )
    write(data_dir, "agent_spans/2026-10-01.jsonl", traces([priced]))
    build_models("core/session_roots", days=DAY, tool_prices_usd=TOOL_PRICES)
    # no gen_ai.tool.call.id: the span id identifies the call
    assert query("SELECT call_id, cost_usd, cost_basis FROM staging.tool_calls") == [
        ("d000000000000002", Decimal("0.012000000000"), "logged")
    ]


@needs_outside_data
def test_a_langfuse_trace_tag_names_the_task_when_metadata_does_not(data_dir, build_models, query):
    write(data_dir, "model_prices/prices.csv", PRICES)
    generation = {
        **OBSERVATIONS[1],
        "parent_observation_id": "",
        "tags": ["env:prod", "task:task-5"],
    }
    write(data_dir, "agent_spans/observations.jsonl", json.dumps(generation) + "\n")
    build_models("core/llm_request_costs", days=DAY)
    # a root generation's run is its Langfuse session
    assert query("SELECT request_id, task_id, session_id FROM staging.llm_requests") == [
        ("obs-gen", "task-5", "sess-9")
    ]


# --- files as they come --------------------------------------------------------------------


def test_a_pretty_printed_trace_document_is_read_whole(data_dir, build_models, query):
    write(data_dir, "model_prices/prices.csv", PRICES)
    document = json.loads(traces([CHAT_1]))
    write(data_dir, "agent_spans/2026-10-01/export.json", json.dumps(document, indent=2))
    build_models("core/llm_request_costs", days=DAY)
    assert query("SELECT request_id, input_tokens FROM staging.llm_requests") == [
        ("chatcmpl-1", 1000)
    ]


def test_an_unreadable_trace_line_is_quarantined_once(data_dir, build_models, query):
    write(data_dir, "model_prices/prices.csv", PRICES)
    write(data_dir, "agent_spans/2026-10-01.jsonl", traces([CHAT_1]) + '{"resourceSpans": [\n')
    build_models("core/llm_request_costs", days=DAY)
    assert query("SELECT source, source_line, reason FROM audit.quarantine") == [
        ("agent_spans", 2, "(row): not valid JSON")
    ]
    assert query("SELECT request_id FROM staging.llm_requests") == [("chatcmpl-1",)]


def test_a_declared_date_format_still_reads_traced_times(data_dir, build_models, query):
    write_otlp(data_dir)
    build_models(
        "core/llm_request_costs",
        days=DAY,
        tool_prices_usd=TOOL_PRICES,
        date_formats={"llm_requests": "%m/%d/%Y %H:%M"},
    )
    assert query("SELECT COUNT(*) FROM staging.llm_requests") == [(2,)]
    assert query("SELECT COUNT(*) FROM audit.quarantine") == [(0,)]


@needs_outside_data
def test_a_usage_count_that_is_not_whole_is_quarantined_not_rounded(data_dir, build_models, query):
    generation = {**OBSERVATIONS[1], "usage_details": {"input": 600.5, "output": 180}}
    write(data_dir, "agent_spans/observations.jsonl", json.dumps(generation) + "\n")
    build_models("core/llm_request_costs", days=DAY)
    assert query(
        "SELECT source, column_name, reason LIKE 'input_tokens: %' FROM audit.quarantine"
    ) == [("llm_requests", "input_tokens", True)]


# --- the whole pipeline ------------------------------------------------------------------------


def test_a_traced_fleet_reaches_the_showback_by_task_agent_and_team(
    data_dir, build_models, contract_failures, query
):
    write_otlp(data_dir, "agent_spans/2026-10-01/traces.json.gz")
    build_models("marts/showback", days=DAY, tool_prices_usd=TOOL_PRICES)
    assert contract_failures(tool_prices_usd=TOOL_PRICES) == {}
    # every dollar of the trace on the root task and its team; each agent's own (a task's rows
    # are per agent that worked on it)
    assert query(
        "SELECT grain, COALESCE(task_id, agent_id, team_id), agent_id, inference_cost_usd, "
        "tool_cost_usd, total_cost_usd FROM marts.showback "
        "WHERE period = 'day' AND grain <> 'task_type' ORDER BY grain, 2, 3"
    ) == [
        ("agent", "research-agent", "research-agent", *usd("0.008175", "0.005", "0.013175")),
        ("agent", "triage-agent", "triage-agent", *usd("0.004", "0", "0.004")),
        ("fleet", None, None, *usd("0.012175", "0.005", "0.017175")),
        ("task", "task-1", "research-agent", *usd("0.008175", "0.005", "0.013175")),
        ("task", "task-1", "triage-agent", *usd("0.004", "0", "0.004")),
        ("team", "team-a", None, *usd("0.012175", "0.005", "0.017175")),
    ]


def usd(*amounts: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(a).quantize(Decimal("1e-12")) for a in amounts)


def test_a_trace_line_over_32_mb_is_quarantined_and_the_others_load(data_dir, build_models, query):
    write(data_dir, "model_prices/prices.csv", PRICES)
    padded = dict(CHAT_2, name="x" * (33 << 20))
    write(data_dir, "agent_spans/2026-10-01.jsonl", traces([CHAT_1]) + traces([padded]))
    build_models("core/llm_request_costs", days=DAY)
    assert query("SELECT request_id FROM staging.llm_requests") == [("chatcmpl-1",)]
    assert query("SELECT source, source_line, reason LIKE '%line%' FROM audit.quarantine") == [
        ("agent_spans", 2, True)
    ]
