"""Langfuse observations exports (blob export observations_v2): GENERATION observations as
requests, TOOL observations as tool calls, every observation as a node of the agent-run tree."""

from pipeline.adapters.mapping import Adapter, FieldRef

# Langfuse's usage_details are disjoint usage types priced one by one (input excludes cache
# reads and writes; output excludes reasoning): canonical input and output are their sums.

LANGFUSE_INPUT = r"^input|input_tokens$|^cache_(read|creation)"
LANGFUSE_OUTPUT = r"^output|output_tokens$"
LANGFUSE_CACHE_READ = r"cache_read|cached"
LANGFUSE_CACHE_WRITE = r"cache_creation|cache_write"
LANGFUSE_REASONING = r"reasoning"
LANGFUSE_STATUS = {"ERROR": "error", "WARNING": "success", "DEFAULT": "success", "DEBUG": "success"}
# an observation's run: its parent observation, else its Langfuse session, else its trace
LANGFUSE_SESSION = FieldRef(
    "parent_observation_id",
    fallback=FieldRef("session_id", fallback=FieldRef("trace_id")),
)
# owners: the configured key in metadata, else a "key:value" trace tag under the tag key
LANGFUSE_IDS = {
    column: FieldRef("metadata", attribute=("metadata",), fallback=FieldRef("tags", tag_list=True))
    for column in ("action_id", "task_id", "team_id", "agent_id")
}
LANGFUSE_RECOGNISED_BY = ("id", "trace_id", "type", "start_time")

LANGFUSE_REQUESTS = Adapter(
    name="langfuse",
    description=(
        "Langfuse observations export (blob export observations_v2: CSV, JSONL or Parquet): "
        "GENERATION observations as requests, usage_details summed to our token convention."
    ),
    recognised_by=LANGFUSE_RECOGNISED_BY,
    kind="type",
    takes=("generation",),
    columns={
        "request_id": FieldRef("id"),
        "requested_at": FieldRef("start_time"),
        "model": FieldRef("provided_model_name"),
        "input_tokens": FieldRef("usage_details", sum_keys=LANGFUSE_INPUT),
        "cached_input_tokens": FieldRef("usage_details", sum_keys=LANGFUSE_CACHE_READ),
        "cache_write_input_tokens": FieldRef("usage_details", sum_keys=LANGFUSE_CACHE_WRITE),
        "output_tokens": FieldRef("usage_details", sum_keys=LANGFUSE_OUTPUT),
        "reasoning_tokens": FieldRef("usage_details", sum_keys=LANGFUSE_REASONING),
        "reported_cost_usd": FieldRef("total_cost"),
        "status": FieldRef("level", values=LANGFUSE_STATUS),
        "session_id": LANGFUSE_SESSION,
        "work_type": FieldRef(
            "metadata", attribute=("metadata",), fallback=FieldRef("tags", tag_list=True)
        ),
        **LANGFUSE_IDS,
    },
)

LANGFUSE_TOOLS = Adapter(
    name="langfuse",
    description=(
        "Langfuse TOOL observations as tool calls, priced by their total_cost or by "
        "IngestSettings.tool_prices_usd."
    ),
    recognised_by=LANGFUSE_RECOGNISED_BY,
    kind="type",
    takes=("tool",),
    columns={
        "call_id": FieldRef("id"),
        "called_at": FieldRef("start_time"),
        "tool_name": FieldRef("name"),
        "units": FieldRef("id", constant="1"),
        "unit_price_usd": FieldRef("name", lookup="tool_prices"),
        "cost_usd": FieldRef("total_cost"),
        "status": FieldRef("level", values=LANGFUSE_STATUS),
        "session_id": LANGFUSE_SESSION,
        **LANGFUSE_IDS,
    },
)

LANGFUSE_SPANS = Adapter(
    name="langfuse",
    description="Every Langfuse observation, as a node of the agent-run tree.",
    recognised_by=LANGFUSE_RECOGNISED_BY,
    columns={
        "span_id": FieldRef("id"),
        "trace_id": FieldRef("trace_id"),
        "parent_span_id": FieldRef("parent_observation_id"),
        "conversation_id": FieldRef("session_id"),
        "span_kind": FieldRef("type"),
        "span_name": FieldRef("name"),
        "started_at": FieldRef("start_time"),
        "ended_at": FieldRef("end_time"),
        "status": FieldRef("level", values=LANGFUSE_STATUS),
        **LANGFUSE_IDS,
    },
)
