"""The raw sources the pipeline ingests: where their files live and which columns they carry.

Each source is a folder under the data directory. Every file in it (CSV, Parquet, JSONL, and for
some sources JSON) is read into a *landing* relation whose columns are the source's canonical
columns, all as text, plus ``source_file``, ``source_line`` and ``raw_row`` (for a Parquet file,
filled only for the rows that end in quarantine, and for billing lines, whose identity it is).
The staging model ``sql/staging/<table>.sql`` then types and validates them.

Files written by another tool are read through an adapter (:mod:`pipeline.adapters`), which
declares, per canonical column, which field of that tool's records feeds it. A file is read with
the adapter declared for its folder (``IngestSettings.source_adapters``), else recognised by its
fields: a file that carries the source's required columns is canonical, one that carries an
adapter's recognising fields is that adapter's. Folder names never select an adapter, so any
delivery layout (``dt=2026-10-03/``, run folders) works. A source may also read another source's
folder (``also_reads``) through the adapters that take some of its records: the requests and
tool calls of the agent traces under ``agent_spans/``.

Over 400 lines for a reason: it is the one declaration of every source, and most of its lines are
their column lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.adapters import (
    CLOCKIFY_RATES,
    CLOCKIFY_TIME,
    HARVEST_RATES,
    HARVEST_TIME,
    LANGFUSE_REQUESTS,
    LANGFUSE_SPANS,
    LANGFUSE_TOOLS,
    LITELLM_SPEND_LOGS,
    OTEL_REQUESTS,
    OTEL_SPANS,
    OTEL_TOOLS,
    PAGERDUTY_PENALTIES,
    PAGERDUTY_RESPONSES,
    STRIPE_CONSEQUENCES,
    TEMPO_WORKLOGS,
    TOGGL_TIME,
    Adapter,
)


@dataclass(frozen=True)
class Source:
    name: str  # the folder under the data directory, and the staging table's name
    description: str
    columns: tuple[str, ...]  # canonical columns, in landing order
    required: tuple[str, ...]  # columns a file must carry (by canonical or adapter name)
    formats: tuple[str, ...] = ("csv", "parquet", "jsonl")
    adapters: dict[str, Adapter] = field(default_factory=dict)
    # the column (a staging column) whose value identifies a row; duplicates share it
    key: str = "(row)"
    # staging column whose exact decimal total is conserved from file to staging, if any
    amount_column: str | None = None
    # FOCUS exports name their columns in PascalCase; their landing columns keep those names
    # text read as a missing value in any column, whatever its case ('' always)
    null_tokens: tuple[str, ...] = ("", "NULL")
    # other names a file may give a canonical column (FOCUS renamed columns across versions)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the column naming the currency of a row's amounts; a file without it takes the currency
    # declared for the source (IngestSettings.source_currencies), or is refused
    currency_column: str | None = None
    # staging column dating a row: a change to the row changes the metrics from this day on
    day_column: str | None = None
    # event sources arrive daily and are partitioned by day; reference data is not
    daily: bool = True
    # a day with no rows is news (requests, actions) or normal (incidents and refunds, which
    # only deliver a file, possibly empty, each day)
    rows_expected_daily: bool = True
    # rows name an action whose outcome they change (events) or whose impact they are
    # (consequences): a change also dates from that action's day
    refers_to_actions: bool = False
    # other sources' folders this source also reads, through those of its adapters that take
    # some of a file's records (requests and tool calls from the spans of agent_spans/)
    also_reads: tuple[str, ...] = ()

    @property
    def reads_records(self) -> bool:
        """Whether an adapter of the source flattens nested records (OTLP spans, API pages):
        its .json files may be JSON lines, and compressed."""
        return any(a.records for a in self.adapters.values())


FOCUS_COLUMNS = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeFrequency",
    "ChargeDescription",
    "ProviderName",
    "ServiceProviderName",
    "HostProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "ServiceName",
    "ServiceCategory",
    "RegionId",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "SkuId",
    "SubAccountId",
    "SubAccountName",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "Tags",
)

# The GitHub CLI's field names (camelCase) are kept at this edge, as FOCUS keeps PascalCase;
# `repository` ('owner/name') may be given where `url` is absent.
PULL_REQUEST_COLUMNS = (
    "repository",
    "url",
    "number",
    "title",
    "body",
    "mergedAt",
    "additions",
    "deletions",
    "files",
    "author",
    "labels",
    "mergeCommit",
)

# what IngestSettings.time_entry_rules test in a time entry, from a time tracker's export
RULE_TEXT_COLUMNS = ("project", "task_name", "tags", "description")

ID_COLUMNS = ("action_id", "task_id", "session_id", "parent_session_id", "agent_id", "team_id")

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            name="billing_lines",
            day_column="charge_period_start",
            description="Cloud billing export in FinOps FOCUS 1.0-1.2 form (one row per charge).",
            columns=FOCUS_COLUMNS,
            required=(
                "BilledCost",
                "EffectiveCost",
                "BillingCurrency",
                "ChargePeriodStart",
                "ChargePeriodEnd",
                "ChargeCategory",
            ),
            formats=("csv", "parquet"),
            key="(row)",
            amount_column="effective_cost",
            aliases={
                # FOCUS 1.3 deprecates ProviderName for ServiceProviderName; OCI's pre-release
                # FOCUS reports write Provider and Publisher
                "ProviderName": ("Provider",),
                "PublisherName": ("Publisher",),
            },
            currency_column="BillingCurrency",
        ),
        Source(
            name="llm_requests",
            day_column="requested_at",
            key="request_id",
            description="LLM request / token logs, one row per model request.",
            columns=(
                "request_id",
                "requested_at",
                "model",
                "provider",
                "input_tokens",
                "cached_input_tokens",
                "cache_write_input_tokens",
                "output_tokens",
                "reasoning_tokens",
                "reported_cost_usd",
                "status",
                *ID_COLUMNS,
                "work_type",
            ),
            required=("request_id", "requested_at", "model", "input_tokens", "output_tokens"),
            formats=("csv", "parquet", "jsonl", "json"),
            adapters={
                "litellm": LITELLM_SPEND_LOGS,
                "otel_genai": OTEL_REQUESTS,
                "langfuse": LANGFUSE_REQUESTS,
            },
            also_reads=("agent_spans",),
            amount_column="reported_cost_usd",
        ),
        Source(
            name="tool_calls",
            day_column="called_at",
            key="call_id",
            description="Tool / external API call logs, one row per call.",
            columns=(
                "call_id",
                "called_at",
                "tool_name",
                "vendor",
                "units",
                "unit_price_usd",
                "cost_usd",
                "status",
                *ID_COLUMNS,
            ),
            required=("call_id", "called_at", "tool_name"),
            formats=("csv", "parquet", "jsonl", "json"),
            adapters={"otel_genai": OTEL_TOOLS, "langfuse": LANGFUSE_TOOLS},
            also_reads=("agent_spans",),
            amount_column="cost_usd",
        ),
        Source(
            name="agent_spans",
            day_column="started_at",
            key="span_id",
            rows_expected_daily=False,
            refers_to_actions=True,
            description=(
                "Agent traces, one row per span: OpenTelemetry GenAI spans (OTLP/JSON, as the "
                "Collector's file exporter writes them) or Langfuse observations exports. Every "
                "span is a node of the agent-run tree; its inference spans are also read as "
                "llm_requests and its tool spans as tool_calls."
            ),
            columns=(
                "span_id",
                "trace_id",
                "parent_span_id",
                "conversation_id",
                "span_kind",
                "span_name",
                "started_at",
                "ended_at",
                "status",
                "action_id",
                "task_id",
                "agent_id",
                "team_id",
            ),
            required=("span_id", "trace_id", "started_at"),
            formats=("csv", "parquet", "jsonl", "json"),
            adapters={"otel_genai": OTEL_SPANS, "langfuse": LANGFUSE_SPANS},
        ),
        Source(
            name="model_prices",
            day_column="effective_from",
            daily=False,
            key="model",
            description=(
                "Model price catalogue, effective-dated, one row per model, token kind and start "
                "date; CSV in canonical form or LiteLLM's model_prices_and_context_window.json."
            ),
            columns=("model", "provider", "token_kind", "usd_per_million_tokens", "effective_from"),
            required=("model", "token_kind", "usd_per_million_tokens", "effective_from"),
            formats=("csv", "parquet", "json"),
        ),
        Source(
            name="provider_costs",
            day_column="starts_at",
            daily=False,
            key="(row)",
            description=(
                "LLM providers' cost reports, one row per cost result of a day: OpenAI's "
                "organization costs pages and Anthropic's cost report pages as their APIs return "
                "them (JSON), or CSV in the canonical columns. What the provider charged, "
                "reconciled with the request logs (SPEC 10)."
            ),
            columns=(
                "provider",
                "starts_at",
                "ends_at",
                "amount",
                "amount_unit",
                "currency",
                "model",
                "line_item",
                "project_id",
            ),
            required=("provider", "starts_at", "amount", "currency"),
            formats=("json", "csv"),
            amount_column="amount",
            currency_column="currency",
        ),
        Source(
            name="provider_usage",
            day_column="starts_at",
            daily=False,
            key="(row)",
            description=(
                "LLM providers' usage reports, one row per usage result of a bucket: tokens and "
                "requests as the provider counted them. OpenAI's organization usage (completions) "
                "pages and Anthropic's usage report (messages) pages as their APIs return them "
                "(JSON), or CSV in the canonical columns. Set beside the request logs' tokens in "
                "the reconciliation (SPEC 10), so that unlogged traffic is a figure."
            ),
            columns=(
                "provider",
                "starts_at",
                "ends_at",
                "model",
                "project_id",
                "input_tokens",
                "uncached_input_tokens",
                "cached_input_tokens",
                "cache_write_input_tokens",
                "output_tokens",
                "requests",
            ),
            required=("provider", "starts_at", "output_tokens"),
            formats=("json", "csv"),
        ),
        Source(
            name="time_entries",
            day_column="work_date",
            key="entry_id",
            description="HR time tracking entries: who worked how long on what.",
            columns=(
                "entry_id",
                "person_id",
                "role",
                "work_date",
                "hours",
                "activity",
                "action_id",
                "task_id",
                "agent_id",
                "team_id",
                "work_type",
                # the duration exactly, when a tracker writes it as a clock time or in seconds
                "duration_seconds",
                *RULE_TEXT_COLUMNS,
            ),
            required=("entry_id", "person_id", "role", "work_date", "hours"),
            formats=("csv", "parquet", "jsonl", "json"),
            adapters={
                "harvest": HARVEST_TIME,
                "clockify": CLOCKIFY_TIME,
                "toggl": TOGGL_TIME,
                "tempo": TEMPO_WORKLOGS,
                "pagerduty": PAGERDUTY_RESPONSES,
            },
            # responders' time from the PagerDuty log entries under consequence_records/
            also_reads=("consequence_records",),
            amount_column="hours",
        ),
        Source(
            name="loaded_rates",
            day_column="effective_from",
            daily=False,
            key="role",
            description="Loaded hourly labour rates per role or person, effective-dated.",
            columns=("role", "person_id", "loaded_hourly_rate", "currency", "effective_from"),
            required=("loaded_hourly_rate", "effective_from"),
            formats=("csv", "parquet"),
            # the cost rates of time trackers' exports, from each entry's day
            adapters={"harvest": HARVEST_RATES, "clockify": CLOCKIFY_RATES},
            also_reads=("time_entries",),
        ),
        Source(
            name="consequence_records",
            day_column="occurred_at",
            rows_expected_daily=False,
            refers_to_actions=True,
            key="record_id",
            description=(
                "Incident / refund records: refunds, credits, SLA penalties, escalations, lost "
                "revenue, one row per booked consequence."
            ),
            columns=(
                "record_id",
                "record_type",
                "amount",
                "currency",
                "amount_unit",
                "occurred_at",
                "action_id",
                "task_id",
                "agent_id",
                "team_id",
                "description",
            ),
            required=("record_id", "record_type", "amount", "currency", "occurred_at"),
            formats=("csv", "parquet", "jsonl", "json"),
            adapters={"stripe": STRIPE_CONSEQUENCES, "pagerduty": PAGERDUTY_PENALTIES},
            currency_column="currency",
            amount_column="amount",
        ),
        Source(
            name="agent_actions",
            day_column="attempted_at",
            key="action_id",
            description="Agent actions: one consequential unit of agent work (SPEC section 3).",
            columns=(
                "action_id",
                "attempted_at",
                "task_id",
                "session_id",
                "parent_session_id",
                "agent_id",
                "team_id",
                "task_type",
                "risk_grade",
            ),
            required=("action_id", "attempted_at", "task_id", "agent_id", "team_id"),
        ),
        Source(
            name="action_events",
            day_column="occurred_at",
            refers_to_actions=True,
            key="event_id",
            description="Outcome events of agent actions (accepted, reverted, escalated, ...).",
            columns=("event_id", "action_id", "event_type", "escalation_kind", "occurred_at"),
            required=("event_id", "action_id", "event_type", "occurred_at"),
        ),
        Source(
            name="pull_requests",
            day_column="merged_at",
            rows_expected_daily=False,
            key="change_id",
            description=(
                "Merged pull requests, as the GitHub CLI prints them (`gh pr list --state merged "
                "--json number,title,body,mergedAt,additions,deletions,files,author,labels,"
                "mergeCommit,url`): a JSON array, or one object per line."
            ),
            columns=PULL_REQUEST_COLUMNS,
            required=("number", "title", "mergedAt", "additions", "deletions"),
            formats=("json", "jsonl"),
        ),
        Source(
            name="budgets",
            day_column="month",
            daily=False,
            key="budget_id",
            description="Declared budgets: per fleet, team, agent or task type, per month (or "
            "every month), on total spend and / or on cost per accepted action.",
            columns=(
                "scope",
                "scope_id",
                "month",
                "budget_usd",
                "max_cost_per_accepted_action_usd",
            ),
            required=("scope",),
            formats=("csv", "parquet"),
        ),
        Source(
            name="repository_teams",
            daily=False,
            key="repository",
            description="Which team owns each repository ('owner/name'), for cost per accepted "
            "change.",
            columns=("repository", "team_id"),
            required=("repository", "team_id"),
            formats=("csv", "parquet"),
        ),
    )
}
