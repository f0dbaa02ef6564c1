"""Adapters: declared mappings from another tool's export to a source's canonical columns.

One mechanism reads every outside format. An adapter says, per canonical column, which field of
the tool's records feeds it (:class:`FieldRef`): a field, or a JSON path inside it (several paths:
the first that holds a value, so renamed attributes of two convention versions both read), the
value of a ``key:value`` tag, the sum of a usage map's keys, a configured attribute key, a price
looked up in a configured list, a unit conversion (Unix epoch times, minor units) and a value map.
An adapter may also say how a file's rows become records (``records``: a statement of
``sql/landing/`` that flattens a nested export, such as OpenTelemetry's spans) and which records it
takes (``kind`` and ``takes``: an inference span is a request, a tool span a tool call).

Built in: LiteLLM spend logs, OpenTelemetry GenAI spans (OTLP/JSON) and Langfuse observations. A
user declares an adapter of their own in configuration (``IngestSettings.declared_adapters``), with
the same fields and no Python: see the README's "Reading another tool's export".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dagster import Config
from pydantic import Field as PydanticField

# Unit conversions a field may declare: the text of the field's value becomes the canonical text.
CONVERSIONS = ("unix_nanos", "unix_micros", "unix_millis", "unix_seconds", "hundredths")


@dataclass(frozen=True)
class FieldRef:
    """Where a canonical column comes from in an adapter's records.

    ``name`` is the field (JSON key or CSV/Parquet column). ``json_path`` reads a value inside that
    field when it holds a JSON document, or a JSON-encoded string (LiteLLM's ``metadata``); a tuple
    of paths reads the first that holds a value. ``tag_list`` reads the value of a ``"key:value"``
    entry in a JSON array of strings (LiteLLM's ``request_tags``); the key is the configured tag
    key for that canonical column. ``attribute`` reads the configured span attribute key of the
    column (``IngestSettings.span_attribute_keys``) from each object of the field, in order (a
    span's own attributes, then its resource's). ``sum_keys`` sums the whole-number values of the
    keys of a JSON object field that match a regular expression (Langfuse's ``usage_details``).
    ``lookup`` names a settings mapping the value is looked up in (a tool's price per call).
    ``convert`` is one of :data:`CONVERSIONS`; ``values`` maps values (any case) to canonical
    ones, others kept. ``constant`` is a fixed value (one call is one unit). ``fallback`` is read
    when this field holds no value (a span's parent, else its conversation, else its trace).
    """

    name: str
    json_path: str | tuple[str, ...] | None = None
    tag_list: bool = False
    attribute: tuple[str, ...] = ()
    sum_keys: str | None = None
    lookup: str | None = None
    convert: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    constant: str | None = None
    fallback: FieldRef | None = None

    def paths(self) -> tuple[str, ...]:
        if self.json_path is None:
            return ()
        return (self.json_path,) if isinstance(self.json_path, str) else self.json_path


@dataclass(frozen=True)
class Adapter:
    """A declared mapping from another tool's export to a source's canonical columns."""

    name: str
    description: str
    columns: dict[str, FieldRef]
    # fields a file's rows carry when they are this adapter's (default: the fields feeding the
    # source's required columns); a file declared for a folder is read with it regardless
    recognised_by: tuple[str, ...] = ()
    # a statement of sql/landing/ turning each JSON document of a file into records (temp table
    # _records), for exports whose rows nest their records (OTLP: spans inside resource scopes)
    records: str | None = None
    # the record field naming its kind, and the kinds this source takes (any case); records of
    # other kinds belong to other sources and are counted in the file's ledger note
    kind: str | None = None
    takes: tuple[str, ...] = ()


# --- LiteLLM ---------------------------------------------------------------------------------

LITELLM_SPEND_LOGS = Adapter(
    name="litellm",
    description=(
        "LiteLLM proxy spend logs (LiteLLM_SpendLogs rows as JSONL, a JSON array, CSV, Parquet). "
        "prompt_tokens follows the OpenAI convention (cached tokens included); cache and reasoning "
        "token counts come from metadata.usage_object; ids from request_tags 'key:value' entries."
    ),
    columns={
        "request_id": FieldRef("request_id"),
        "requested_at": FieldRef("startTime"),
        "model": FieldRef("model"),
        "provider": FieldRef("custom_llm_provider"),
        "input_tokens": FieldRef("prompt_tokens"),
        "cached_input_tokens": FieldRef(
            "metadata", "$.usage_object.prompt_tokens_details.cached_tokens"
        ),
        "cache_write_input_tokens": FieldRef(
            "metadata", "$.usage_object.cache_creation_input_tokens"
        ),
        "output_tokens": FieldRef("completion_tokens"),
        "reasoning_tokens": FieldRef(
            "metadata", "$.usage_object.completion_tokens_details.reasoning_tokens"
        ),
        "reported_cost_usd": FieldRef("spend"),
        "status": FieldRef("status"),
        "action_id": FieldRef("request_tags", tag_list=True),
        "task_id": FieldRef("request_tags", tag_list=True),
        "session_id": FieldRef("session_id"),
        "parent_session_id": FieldRef("request_tags", tag_list=True),
        "agent_id": FieldRef("agent_id"),
        "team_id": FieldRef("team_id"),
        "work_type": FieldRef("request_tags", tag_list=True),
    },
)


# --- OpenTelemetry GenAI spans (OTLP/JSON) ---------------------------------------------------
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
    records="landing/otlp_spans.sql",
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
    records="landing/otlp_spans.sql",
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
    records="landing/otlp_spans.sql",
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


# --- Langfuse observations export ------------------------------------------------------------
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
LANGFUSE_IDS = {
    column: FieldRef("metadata", attribute=("metadata",))
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
        "work_type": FieldRef("metadata", attribute=("metadata",)),
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


# --- Adapters declared in configuration -------------------------------------------------------


class DeclaredField(Config):
    """One canonical column of a declared adapter: where its value is in the tool's records."""

    field: str | None = PydanticField(
        default=None, description="The record's field (JSON key or CSV/Parquet column)."
    )
    path: list[str] = PydanticField(
        default=[],
        description="JSON paths inside the field ('$.usage.input'); the first holding a value.",
    )
    or_fields: list[str] = PydanticField(
        default=[], description="Fields read, in order, when the field holds no value."
    )
    tag: bool = PydanticField(
        default=False, description="Read the configured tag key's 'key:value' entry of a list."
    )
    sum_keys: str | None = PydanticField(
        default=None, description="Sum the whole-number values of the object's matching keys."
    )
    convert: str | None = PydanticField(
        default=None, description=f"A unit conversion: one of {', '.join(CONVERSIONS)}."
    )
    values: dict[str, str] = PydanticField(
        default={}, description="Values (any case) mapped to canonical ones; others kept."
    )
    constant: str | None = PydanticField(default=None, description="A fixed value.")


class DeclaredAdapter(Config):
    """An adapter written in configuration (IngestSettings.declared_adapters)."""

    source: str = PydanticField(description="The source its files feed (llm_requests, ...).")
    description: str = ""
    columns: dict[str, DeclaredField] = PydanticField(
        description="Canonical column -> where its value is in the tool's records."
    )
    recognised_by: list[str] = PydanticField(
        default=[],
        description="Fields telling this tool's files from others (default: those mapped to "
        "the source's required columns).",
    )
    kind: str | None = PydanticField(
        default=None, description="The field naming a record's kind, when a file mixes kinds."
    )
    takes: list[str] = PydanticField(
        default=[], description="The kinds this source takes (any case)."
    )


def declared_adapter(name: str, declared: DeclaredAdapter, source) -> Adapter:
    """A configured adapter as an :class:`Adapter` of `source`; a mistake is named, never read
    as a silent NULL."""
    where = f"declared_adapters.{name}"
    unknown = sorted(set(declared.columns) - set(source.columns))
    if unknown:
        raise ValueError(
            f"{where}: {', '.join(unknown)} not column(s) of {source.name} "
            f"(its columns: {', '.join(source.columns)})"
        )
    if declared.kind is not None and not declared.takes:
        raise ValueError(f"{where}: kind '{declared.kind}' is given without the kinds it takes")
    columns = {}
    for column, spec in declared.columns.items():
        if (spec.field is None) == (spec.constant is None):
            raise ValueError(f"{where}.columns.{column}: give a field or a constant, not both")
        if spec.convert is not None and spec.convert not in CONVERSIONS:
            raise ValueError(
                f"{where}.columns.{column}: convert '{spec.convert}' is not one of "
                f"{', '.join(CONVERSIONS)}"
            )
        fallback = None
        for other in reversed(spec.or_fields):
            fallback = FieldRef(other, fallback=fallback)
        columns[column] = FieldRef(
            spec.field or column,
            json_path=tuple(spec.path) or None,
            tag_list=spec.tag,
            sum_keys=spec.sum_keys,
            convert=spec.convert,
            values=dict(spec.values),
            constant=spec.constant,
            fallback=fallback,
        )
    return Adapter(
        name=name,
        description=declared.description or f"declared in configuration for {source.name}",
        columns=columns,
        recognised_by=tuple(declared.recognised_by),
        kind=declared.kind,
        takes=tuple(declared.takes),
    )


def with_declared_adapters(source, declared: dict[str, DeclaredAdapter]):
    """The source with the adapters declared for it in configuration beside its own."""
    mine = {n: d for n, d in declared.items() if d.source == source.name}
    if not mine:
        return source
    clash = sorted(set(mine) & set(source.adapters))
    if clash:
        raise ValueError(f"declared_adapters: {', '.join(clash)} already built in")
    return replace(
        source,
        adapters={
            **source.adapters,
            **{n: declared_adapter(n, d, source) for n, d in mine.items()},
        },
    )
