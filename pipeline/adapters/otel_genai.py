"""OpenTelemetry GenAI spans in OTLP/JSON: inference spans as requests, execute_tool spans as
tool calls, every span as a node of the agent-run tree."""

from pipeline.adapters.mapping import Adapter, FieldRef

# sql/landing/otlp_spans.sql flattens each TracesData line into one record per span: trace_id,
# span_id, parent_span_id, name, start/end Unix nanoseconds, status ('success' or 'error'),
# record_kind (inference, tool, agent, other), and its attributes and its resource's attributes
# as two JSON objects. Current attribute names first, then the names older conventions wrote.


def _attr(*names: str) -> tuple[str, ...]:
    return tuple(f'$."{n}"' for n in names)


def _span_attr(*names: str) -> FieldRef:
    return FieldRef("attributes", _attr(*names))


# a span's run: its parent span, else its conversation, else its trace
OTEL_SESSION = FieldRef(
    "parent_span_id",
    fallback=FieldRef("attributes", _attr("gen_ai.conversation.id"), fallback=FieldRef("trace_id")),
)
OTEL_IDS = {
    "action_id": FieldRef("attributes", attribute=("attributes", "resource")),
    "task_id": FieldRef("attributes", attribute=("attributes", "resource")),
    "team_id": FieldRef("attributes", attribute=("attributes", "resource")),
}
OTEL_AGENT = FieldRef(
    "attributes",
    attribute=("attributes", "resource"),
    fallback=_span_attr("gen_ai.agent.id", "gen_ai.agent.name"),
)

OTEL_REQUESTS = Adapter(
    name="otel_genai",
    description=(
        "OpenTelemetry GenAI inference spans (operation chat, text_completion, generate_content, "
        "embeddings, or any span with gen_ai token usage) in OTLP/JSON, as the Collector's file "
        "exporter writes them. Token convention as ours (cached tokens inside input tokens)."
    ),
    recognised_by=("resourceSpans",),
    records=("landing/otlp_spans.sql",),
    kind="record_kind",
    takes=("inference",),
    columns={
        "request_id": FieldRef(
            "attributes", _attr("gen_ai.response.id"), fallback=FieldRef("span_id")
        ),
        "requested_at": FieldRef("start_time_unix_nano", convert="unix_nanos"),
        "model": _span_attr("gen_ai.response.model", "gen_ai.request.model"),
        "provider": _span_attr("gen_ai.provider.name", "gen_ai.system"),
        "input_tokens": _span_attr("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
        "cached_input_tokens": _span_attr(
            "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"
        ),
        "cache_write_input_tokens": _span_attr(
            "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"
        ),
        "output_tokens": _span_attr("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
        "reasoning_tokens": _span_attr("gen_ai.usage.reasoning.output_tokens"),
        "reported_cost_usd": FieldRef("attributes", attribute=("attributes",)),
        "status": FieldRef("status"),
        "session_id": OTEL_SESSION,
        "agent_id": OTEL_AGENT,
        "work_type": FieldRef("attributes", attribute=("attributes", "resource")),
        **OTEL_IDS,
    },
)

OTEL_TOOLS = Adapter(
    name="otel_genai",
    description=(
        "OpenTelemetry GenAI execute_tool spans in OTLP/JSON: one call, priced by a cost "
        "attribute or by IngestSettings.tool_prices_usd."
    ),
    recognised_by=("resourceSpans",),
    records=("landing/otlp_spans.sql",),
    kind="record_kind",
    takes=("tool",),
    columns={
        "call_id": FieldRef(
            "attributes", _attr("gen_ai.tool.call.id"), fallback=FieldRef("span_id")
        ),
        "called_at": FieldRef("start_time_unix_nano", convert="unix_nanos"),
        "tool_name": _span_attr("gen_ai.tool.name"),
        "units": FieldRef("status", constant="1"),
        "unit_price_usd": FieldRef("attributes", _attr("gen_ai.tool.name"), lookup="tool_prices"),
        "cost_usd": FieldRef("attributes", attribute=("attributes",)),
        "status": FieldRef("status"),
        "session_id": OTEL_SESSION,
        "agent_id": OTEL_AGENT,
        **OTEL_IDS,
    },
)

OTEL_SPANS = Adapter(
    name="otel_genai",
    description="Every span of an OTLP/JSON trace export, as a node of the agent-run tree.",
    recognised_by=("resourceSpans",),
    records=("landing/otlp_spans.sql",),
    columns={
        "span_id": FieldRef("span_id"),
        "trace_id": FieldRef("trace_id"),
        "parent_span_id": FieldRef("parent_span_id"),
        "conversation_id": _span_attr("gen_ai.conversation.id"),
        "span_kind": FieldRef("record_kind"),
        "span_name": FieldRef("name"),
        "started_at": FieldRef("start_time_unix_nano", convert="unix_nanos"),
        "ended_at": FieldRef("end_time_unix_nano", convert="unix_nanos"),
        "status": FieldRef("status"),
        "agent_id": OTEL_AGENT,
        **OTEL_IDS,
    },
)
