"""Adapters: declared mappings from another tool's export to a source's canonical columns.

One mechanism reads every outside format. An adapter says, per canonical column, which field of
the tool's records feeds it (:class:`FieldRef`): a field, or a JSON path inside it (several paths:
the first that holds a value, so renamed attributes of two convention versions both read), the
value of a ``key:value`` tag, the sum of a usage map's keys, a configured attribute key, a price
looked up in a configured list, a unit conversion (Unix epoch times, minor units) and a value map.
An adapter may also say how a file's rows become records (``records``: a statement of
``sql/landing/`` that flattens a nested export, such as OpenTelemetry's spans) and which records it
takes (``kind`` and ``takes``: an inference span is a request, a tool span a tool call).

Built in: LiteLLM spend logs, OpenTelemetry GenAI spans (OTLP/JSON), Langfuse observations,
Stripe refunds and credit notes, PagerDuty incidents, and Harvest, Clockify, Toggl and Tempo
time tracking. A user
declares an adapter of their own in configuration (``IngestSettings.declared_adapters``), with the
same fields and no Python: see the README's "Reading another tool's export".
"""

from pipeline.adapters.declared import (
    DeclaredAdapter,
    DeclaredField,
    IncidentPenalty,
    TimeEntryRule,
    checked_incident_links,
    incident_penalty_rows,
    record_parameters,
    time_entry_rule_rows,
    with_declared_adapters,
)
from pipeline.adapters.langfuse import LANGFUSE_REQUESTS, LANGFUSE_SPANS, LANGFUSE_TOOLS
from pipeline.adapters.litellm import LITELLM_SPEND_LOGS
from pipeline.adapters.mapping import CONVERSIONS, Adapter, FieldRef, mapping_text
from pipeline.adapters.otel_genai import OTEL_REQUESTS, OTEL_SPANS, OTEL_TOOLS
from pipeline.adapters.pagerduty import PAGERDUTY_PENALTIES, PAGERDUTY_RESPONSES
from pipeline.adapters.stripe import STRIPE_CONSEQUENCES
from pipeline.adapters.time_tracking import (
    CLOCKIFY_RATES,
    CLOCKIFY_TIME,
    HARVEST_RATES,
    HARVEST_TIME,
    TEMPO_WORKLOGS,
    TOGGL_TIME,
)

__all__ = [
    "CLOCKIFY_RATES",
    "CLOCKIFY_TIME",
    "HARVEST_RATES",
    "HARVEST_TIME",
    "TEMPO_WORKLOGS",
    "TOGGL_TIME",
    "CONVERSIONS",
    "LANGFUSE_REQUESTS",
    "LANGFUSE_SPANS",
    "LANGFUSE_TOOLS",
    "LITELLM_SPEND_LOGS",
    "OTEL_REQUESTS",
    "OTEL_SPANS",
    "OTEL_TOOLS",
    "PAGERDUTY_PENALTIES",
    "PAGERDUTY_RESPONSES",
    "STRIPE_CONSEQUENCES",
    "Adapter",
    "DeclaredAdapter",
    "DeclaredField",
    "FieldRef",
    "IncidentPenalty",
    "incident_penalty_rows",
    "checked_incident_links",
    "record_parameters",
    "TimeEntryRule",
    "mapping_text",
    "time_entry_rule_rows",
    "with_declared_adapters",
]
