"""Resources: every setting, configured once in definitions.py (the DuckDB warehouse itself is
``pipeline/warehouse.py``).

Over 400 lines for a reason: it is the one place a user reads to configure the pipeline, and
most of its lines are the settings' field descriptions (shown in the Dagster UI and the docs).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Literal

from dagster import ConfigurableResource
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern
from pydantic import Field, field_validator

from pipeline.adapters import (
    DeclaredAdapter,
    IncidentPenalty,
    TimeEntryRule,
    checked_incident_links,
)

# Currencies whose minor unit is the unit itself (ISO 4217 exponent 0), as Stripe lists them.
ZERO_DECIMAL_CURRENCIES = (
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "JPY",
    "KMF",
    "KRW",
    "MGA",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
)

# Lock files, vendored and generated code: their lines are not lines changed (.gitignore syntax).
DEFAULT_EXCLUDED_PATH_PATTERNS = (
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "go.sum",
    "vendor/",
    "third_party/",
    "node_modules/",
    "*.min.js",
    "*.min.css",
    "*_pb2.py",
    "*_pb2.pyi",
    "*.pb.go",
    "*.generated.*",
    "__generated__/",
    "*.snap",
)


def path_pattern_regex(pattern: str) -> str:
    """A .gitignore-syntax path pattern as an anchored regular expression over '/'-separated
    repository paths, in the syntax both DuckDB (RE2) and Spark (Java) read: no named groups."""
    regex, include = GitIgnoreSpecPattern.pattern_to_regex(pattern)
    if regex is None or not include:
        raise ValueError(f"excluded path pattern {pattern!r} matches nothing (or negates)")
    return re.sub(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>", "(", regex)


class ComputeEngine(ConfigurableResource):
    """Where the core and marts models (sql/core, sql/marts) run.

    ``duckdb`` (the default) runs them inside the warehouse file. ``spark`` runs the same SQL,
    transpiled (pipeline/spark.py), on Apache Spark: each model's input tables are written as
    Parquet under ``exchange_dir``, Spark computes the model's rows from them and writes them back
    as Parquet, and the warehouse takes them in with the types DuckDB gives the model, through
    the same windowed replace. Ingest, checks and publishing stay on DuckDB either way.
    """

    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="duckdb: models run in the warehouse. spark: models run on Spark (install "
        "the 'spark' extra; Java 17 or later on the machine running the driver).",
    )
    spark_master: str = Field(
        default="local[2]",
        description="Spark master URL for a classic session: local[N] on this machine, "
        "spark://host:7077 (standalone), yarn, k8s://https://host:443. Ignored when "
        "spark_remote is set.",
    )
    spark_remote: str | None = Field(
        default=None,
        description="Spark Connect URL (sc://host:15002, or a Databricks workspace's Spark "
        "Connect URL); needs pyspark[connect]. Takes precedence over spark_master.",
    )
    spark_conf: dict[str, str] = Field(
        default={},
        description="Further Spark settings for the session (executor memory, object-store "
        "credentials, spark.sql.shuffle.partitions, ...). The settings the models' numbers "
        "depend on are always set by the pipeline itself (pipeline/spark.py, SESSION_SETTINGS).",
    )
    exchange_dir: str = Field(
        default="warehouse/exchange",
        description="Folder where model inputs and Spark's results cross as Parquet: a local "
        "path for local Spark, a shared mount (NFS, DBFS or an object-store FUSE mount) that "
        "the driver, the executors and this process all see for a cluster. One sub-folder per "
        "run; earlier runs' are removed.",
    )


class IngestSettings(ConfigurableResource):
    """Where the raw files are and how to read them. Every field has a documented default."""

    data_dir: str = Field(
        default="data_samples",
        description="Folder with one sub-folder per source (billing_lines/, llm_requests/, ...).",
    )
    team_tag_key: str = Field(default="team", description="Tag key naming the team.")
    agent_tag_key: str = Field(default="agent", description="Tag key naming the agent.")
    task_tag_key: str = Field(default="task", description="Tag key naming the task.")
    session_tag_key: str = Field(default="session", description="Tag key naming the session.")
    action_tag_key: str = Field(default="action", description="Tag key naming the action.")
    parent_session_tag_key: str = Field(
        default="parent_session", description="Tag key naming the parent (spawning) session."
    )
    work_type_tag_key: str = Field(
        default="work_type",
        description="Tag key naming the kind of work a cost served (billing Tags, LiteLLM "
        "request_tags); values listed in MetricSettings.development_work_types are development "
        "work, costed by cost per accepted change instead of cost per accepted action.",
    )
    cost_line_tag_key: str = Field(
        default="cost_line",
        description="Billing Tags key naming the cost line a charge belongs to: a line whose "
        "value is 'tool' (any case) is booked on the tool line instead of infrastructure "
        "(as is a line of a service listed in MetricSettings.tool_services).",
    )
    billing_cost_column: Literal["EffectiveCost", "BilledCost"] = Field(
        default="EffectiveCost",
        description="FOCUS column booked as infrastructure cost and conserved through staging: "
        "EffectiveCost (amortised, the showback convention) or BilledCost (invoice matching).",
    )
    fx_rates_to_usd: dict[str, str] = Field(
        default={"USD": "1", "EUR": "1.08"},
        description="Declared exchange rates to the reporting currency (USD), as exact decimal "
        "text. An amount in a currency not listed here is quarantined, never summed.",
    )
    minor_unit_digits: dict[str, int] = Field(
        default={
            **dict.fromkeys(ZERO_DECIMAL_CURRENCIES, 0),
            **dict.fromkeys(("BHD", "JOD", "KWD", "OMR", "TND"), 3),
        },
        description="Decimal places of a currency's minor unit where it is not 2 (ISO 4217); "
        "used for amounts written in minor units (Stripe cents, Anthropic cost reports).",
    )
    litellm_prices_effective_from: str = Field(
        default="1970-01-01",
        description="Start date given to prices read from an undated LiteLLM price catalogue "
        "snapshot; a snapshot whose path carries a date (model_prices/2025-06-11/...) prices "
        "from that day.",
    )
    source_adapters: dict[str, str] = Field(
        default={},
        description="Adapter to read a folder's files with, by path under data_dir (a source "
        "folder or any sub-folder: {'llm_requests/proxy-eu': 'litellm'}); the longest path "
        "wins. Files elsewhere are recognised by their columns (sources.py).",
    )
    declared_adapters: dict[str, DeclaredAdapter] = Field(
        default={},
        description="Adapters for exports of your own, by name: which field of their records "
        "feeds each canonical column of a source, with JSON paths, fallbacks, tag and usage "
        "sums, unit conversions and value maps (pipeline/adapters/; README, 'Reading "
        "another tool's export'). Their files are recognised by their fields, or declared for "
        "a folder in source_adapters.",
    )
    attribute_keys: dict[str, str] = Field(
        default={
            "action_id": "finops.action_id",
            "task_id": "finops.task_id",
            "team_id": "finops.team_id",
            "agent_id": "finops.agent_id",
            "work_type": "finops.work_type",
            "reported_cost_usd": "finops.cost_usd",
            "cost_usd": "finops.cost_usd",
        },
        description="Key naming each canonical column in the key/value metadata other tools "
        "carry: an OpenTelemetry span's attributes, then its resource's (agent_id falls back "
        "to gen_ai.agent.id and gen_ai.agent.name), a Langfuse observation's metadata, a "
        "Stripe refund's or credit note's metadata.",
    )
    time_entry_rules: list[TimeEntryRule] = Field(
        default=[],
        description="Rules giving a time entry the activity, work type and ids it does not carry, "
        "from its project, task, tags or description (a time tracker's export): each value "
        "from the first rule, in order, that matches and gives it. Example: {field: task, "
        "pattern: '(?i)review', activity: review}; {field: description, pattern: "
        "'rollback of (act-[0-9]+)', activity: rollback, capture: action_id}.",
    )
    incident_penalties: list[IncidentPenalty] = Field(
        default=[],
        description="What an incident costs beyond its responders' time, by service (name or "
        "id), urgency and priority ('*' for any), the first that matches: the SLA credits a "
        "contract owes ({service: 'Checkout API', priority: 'P1', amount: '2500.00'}). A "
        "PagerDuty incident matching none is not a consequence record (counted in its "
        "file's ledger note).",
    )
    incident_links: dict[str, str] = Field(
        default={},
        description="Regular expressions whose first group finds an incident's action_id, "
        "task_id, agent_id or team_id in its title and incident_key ({'action_id': "
        "'(act-[0-9]+)'}); an incident linked to nothing is quarantined, naming it.",
    )

    @field_validator("incident_links")
    @classmethod
    def _links_capture_an_id(cls, links: dict[str, str]) -> dict[str, str]:
        return checked_incident_links(links)

    tool_prices_usd: dict[str, str] = Field(
        default={},
        description="USD per call of each traced tool, by tool name ({'web_search': '0.005', "
        "'read_file': '0'}), for OpenTelemetry execute_tool spans and Langfuse TOOL "
        "observations that carry no cost. A traced call with neither is quarantined, naming it.",
    )
    source_currencies: dict[str, str] = Field(
        default={},
        description="Currency of a source's rows that carry none, for files without a "
        "currency column ({'billing_lines': 'USD'} for a FOCUS export without "
        "BillingCurrency). Without it such a file is refused, naming the column.",
    )
    date_formats: dict[str, str] = Field(
        default={},
        description="Date/time format of a source whose files do not write ISO 8601, as a "
        "strptime format ({'billing_lines': '%m/%d/%Y %H:%M'}); every date and time column of "
        "that source is read with it, and ISO 8601 always (2026-10-03, 2026-10-03T14:05:00Z, "
        "2026-10-03 14:05:00+02:00; the times adapters convert are written so). Without one, "
        "only ISO 8601 is read: '4/1/25' is quarantined, never guessed.",
    )
    plausible_dates_from: str = Field(
        default="1970-01-01",
        description="Earliest day a date in any source may fall on; an earlier one is "
        "quarantined as implausible.",
    )
    plausible_dates_to: str = Field(
        default="2099-12-31",
        description="Latest day a date in any source may fall on; a later one is quarantined "
        "as implausible.",
    )
    quarantine_warn_ratio: float = Field(
        default=0.05,
        description="Share of a load's rows in quarantine above which the load check warns.",
    )

    volume_baseline_days: int = Field(
        default=14,
        description="Days before each run day whose median daily rows a source's volume is "
        "compared with (daily_volume_normal check).",
    )
    volume_low_ratio: float = Field(
        default=0.5,
        description="A day with fewer rows than this share of the baseline median is flagged.",
    )
    volume_high_ratio: float = Field(
        default=2.0,
        description="A day with more rows than this multiple of the baseline median is flagged.",
    )

    def tag_keys(self) -> dict[str, str]:
        """SQL parameters naming the tag key of each id column."""
        return {
            "team_tag_key": self.team_tag_key,
            "agent_tag_key": self.agent_tag_key,
            "task_tag_key": self.task_tag_key,
            "session_tag_key": self.session_tag_key,
            "action_tag_key": self.action_tag_key,
            "parent_session_tag_key": self.parent_session_tag_key,
            "work_type_tag_key": self.work_type_tag_key,
            "cost_line_tag_key": self.cost_line_tag_key,
        }


def sku_target(target: str) -> tuple[str, str]:
    """(provider, model) of an llm_bill_skus target 'provider' or 'provider/model', trimmed;
    model '' when none is named."""
    provider, _, model = target.partition("/")
    return provider.strip(), model.strip()


class MetricSettings(ConfigurableResource):
    """The metric contract's knobs (SPEC sections 3-5), one value per run."""

    as_of: str | None = Field(
        default=None,
        description="The time outcomes are judged at (UTC, ISO 8601). Unset: the end of the "
        "run's last day, or the as_of of the last published build if later (re-running an old "
        "day never winds the tables back). Events after it are not yet known; windows not "
        "elapsed by it are provisional.",
    )
    survival_window_days: int = Field(
        default=30,
        description="Days after acceptance during which an override, revert, rollback, redo, "
        "re-run or re-open makes the action failed (boundary inclusive).",
    )
    weight_g0: str = Field(default="1", description="Accepted units of a G0 action.")
    weight_g1: str = Field(default="2", description="Accepted units of a G1 action.")
    weight_g2: str = Field(default="4", description="Accepted units of a G2 action.")
    weight_g3: str = Field(default="8", description="Accepted units of a G3 (or ungraded) action.")

    price_tolerance_ratio: str = Field(
        default="0.05",
        description="A request's reported cost may differ from its catalogue price by this share "
        "of the catalogue price (and by more than price_tolerance_usd) before the difference "
        "is reported (reported_differs_from_catalogue).",
    )
    price_tolerance_usd: str = Field(
        default="0.000001",
        description="The floor under price_tolerance_ratio: a gap of this many dollars or less "
        "is rounding, never a difference.",
    )

    allocation_rule: Literal["proportional", "even", "driver"] = Field(
        default="proportional",
        description="How untagged shared billing is allocated each day: proportional to the "
        "owners' directly attributed machine cost (inference, tool, infrastructure), evenly "
        "over them, or by allocation_driver.",
    )
    allocation_driver: Literal["tokens", "actions"] = Field(
        default="tokens", description="The driver used when allocation_rule = 'driver'."
    )

    consequence_lookback_days: int = Field(
        default=90,
        description="Trailing days of matured failed actions whose booked consequences give "
        "the average consequence of a failure.",
    )
    min_failures_per_segment: int = Field(
        default=30,
        description="Fewest matured failures a segment (agent x task type x risk grade) needs "
        "for its own average consequence; below it the agent, then task type, then fleet "
        "average is used.",
    )

    tool_services: list[str] = Field(
        default=[],
        description="Billing ServiceName values (any case) of services that are tools or "
        "third-party APIs: their billing lines are booked on the tool line instead of "
        "infrastructure, as are lines tagged IngestSettings.cost_line_tag_key = 'tool'.",
    )

    llm_bill_services: dict[str, str] = Field(
        default={
            "OpenAI": "openai",
            "Anthropic": "anthropic",
            "Amazon Bedrock": "bedrock",
            "Azure OpenAI Service": "azure",
            "Vertex AI": "vertex_ai",
        },
        description="Billing ServiceName values (any case) that are LLM spend, each with the "
        "provider as the request logs name it (LiteLLM's custom_llm_provider). Where a bill and "
        "the request logs both cover a provider and day, the bill is spread over the requests "
        "instead of being added on top (core.llm_bill_reconciliation).",
    )
    llm_bill_providers: list[str] = Field(
        default=[
            "openai",
            "anthropic",
            "azure",
            "bedrock",
            "vertex_ai",
            "gemini",
            "mistral",
            "deepseek",
            "xai",
            "cohere",
            "groq",
        ],
        description="Billing ProviderName values (any case) that are LLM providers, as the "
        "request logs name them: a line of ServiceCategory 'AI and Machine Learning' from one "
        "of them (a gateway's FOCUS export, such as LiteLLM's) is that provider's LLM spend.",
    )
    llm_bill_skus: dict[str, str] = Field(
        default={},
        description="Billing lines that are LLM spend by their SKU: regular expressions (RE2 "
        "and Java syntax; (?i) for any case) matched anywhere in a line's SkuId and "
        "ChargeDescription, each with 'provider' or 'provider/model' as the request logs name "
        "them; the first that matches, in order, wins. For bills that name the model only in "
        "the SKU (Amazon Bedrock, Azure OpenAI): such a line is that provider's LLM spend, and "
        "where a model is given, reconciled per model (core.llm_bill_reconciliation). To count "
        "only a service's model SKUs as LLM spend (not, say, Bedrock's storage), leave the "
        "service out of llm_bill_services.",
    )

    @field_validator("llm_bill_skus")
    @classmethod
    def _sku_rules_are_readable(cls, rules: dict[str, str]) -> dict[str, str]:
        for pattern, target in rules.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"llm_bill_skus: {pattern!r} is not a regular expression: {error}"
                ) from error
            provider, model = sku_target(target)
            if not provider or ("/" in target and not model):
                raise ValueError(
                    f"llm_bill_skus: {pattern!r} maps to {target!r}, not 'provider' or "
                    "'provider/model'"
                )
        return rules

    reconciliation_tolerance_ratio: str = Field(
        default="0.05",
        description="The llm_bills_reconcile check warns when a provider-day's bill differs from "
        "its request-level cost by more than this share of the request-level cost.",
    )

    development_work_types: list[str] = Field(
        default=["development", "ci"],
        description="work_type values (lower case) that mark a request, billing line or time "
        "entry as software development work: booked to the lines of cost per accepted change "
        "(change_model, change_infrastructure, change_engineering, change_review, "
        "change_rework) and never to an agent cost line.",
    )
    change_survival_window_days: int = Field(
        default=30,
        description="Days after a pull request is merged during which a revert invalidates it "
        "(boundary inclusive); changes younger than this are provisional.",
    )
    change_unit_lines: int = Field(
        default=500,
        description="Lines changed per change unit: a change counts max(1, ceil(lines / this)) "
        "units; a change with no counted lines counts none.",
    )
    excluded_path_patterns: list[str] = Field(
        default=list(DEFAULT_EXCLUDED_PATH_PATTERNS),
        description="Files whose lines do not count as lines changed (lock files, vendored and "
        "generated code), in .gitignore syntax.",
    )

    # Operate (seed 003): anomalies, task outliers, runaway chains, forecast
    anomaly_baseline_days: int = Field(
        default=14,
        description="Days before each day whose values form an agent's or team's baseline.",
    )
    anomaly_min_baseline_days: int = Field(
        default=7, description="Fewest judged baseline days before a day can be anomalous."
    )
    anomaly_min_daily_count: int = Field(
        default=5,
        description="A day is judged (and enters a baseline) only with at least this many "
        "accepted units (cost per accepted action) or tasks (cost per task).",
    )
    anomaly_min_ratio: str = Field(
        default="5",
        description="An anomaly is at least this multiple of the baseline median (daily unit "
        "costs of one agent are noisy: a few high-risk actions move the denominator a lot).",
    )
    anomaly_robust_z: str = Field(
        default="3.5",
        description="... and at least this many robust deviations (1.4826 x MAD) above it.",
    )
    task_outlier_ratio: str = Field(
        default="10",
        description="A task-day costing this multiple of its task type's median is flagged.",
    )
    task_outlier_lookback_days: int = Field(
        default=30, description="Days before a task-day whose task-days give the median."
    )
    task_outlier_min_tasks: int = Field(
        default=20, description="Fewest task-days of the type for a median to be trusted."
    )
    max_chain_depth: int = Field(
        default=5, description="A sub-agent chain deeper than this many levels runs away."
    )
    max_chain_cost_usd: str = Field(
        default="100", description="A chain costing more than this in one day runs away."
    )
    loop_repeat_limit: int = Field(
        default=5,
        description="A session sending the same request (model, input and output tokens) this "
        "many times in a day is looping; repeated tool calls are normal and are not loops.",
    )
    forecast_basis_days: int = Field(
        default=28, description="Days of history the next month's forecast is fitted to."
    )

    # Optimize and enforce (seeds 000, 003, 004): advice and runtime caps from the measurements
    advice_min_accepted_units: str = Field(
        default="30",
        description="Fewest accepted units a model's, or an agent's, month needs before it is "
        "compared or judged (model right-sizing, agent levers, autonomy gate); below it the "
        "row says there is no advice and why.",
    )
    lever_baseline_months: int = Field(
        default=3,
        description="Months before each month whose reasoning-to-action ratio is an agent's "
        "baseline (seed 004's drift signal).",
    )
    reasoning_drift_ratio: str = Field(
        default="1.5",
        description="A month's reasoning-to-action ratio at this multiple of the agent's "
        "baseline or more is drift.",
    )
    cache_read_price_ratio: str = Field(
        default="0.1",
        description="The price of a cached input token as a share of an uncached one, used to "
        "estimate what a higher cache-read share would save (Anthropic 0.1, OpenAI 0.1-0.5).",
    )
    autonomy_windows: int = Field(
        default=3,
        description="Confirmed months (no open survival window, nothing pending or estimated) "
        "the autonomy gate compares: the first of them with the last.",
    )
    autonomy_cost_change_ratio: str = Field(
        default="0.1",
        description="The autonomy gate says reduce when cost per accepted action rose by this "
        "share or more over the windows, expand when it fell by this share or more and the "
        "override / reversal rate did not rise.",
    )
    autonomy_override_change: str = Field(
        default="0.05",
        description="... and reduce when the override / reversal rate rose by this many points "
        "(0.05 = 5 percentage points) or more.",
    )
    cap_percentile: str = Field(
        default="0.95",
        description="The runtime caps are read at this percentile (nearest rank: an observed "
        "value) of accepted tasks' runtime cost (per task type) and of an agent's daily runtime "
        "cost (per agent) ...",
    )
    cap_headroom_ratio: str = Field(
        default="1.5",
        description="... times this: room above the usual, so a cap stops a runaway, not a busy "
        "day or a large task.",
    )
    cap_lookback_days: int = Field(
        default=90, description="Days up to each month's end whose tasks and days set its caps."
    )
    cap_min_tasks: int = Field(
        default=30,
        description="Fewest accepted tasks of a task type before it gets a per-task cap.",
    )
    cap_min_days: int = Field(
        default=14,
        description="Fewest days with runtime spend before an agent gets a daily cap.",
    )

    def excluded_path_regexes(self) -> list[str]:
        """excluded_path_patterns as regular expressions (RE2 and Java syntax), in order."""
        return [path_pattern_regex(pattern) for pattern in self.excluded_path_patterns]

    def sql_parameters(self, as_of: str) -> dict[str, object]:
        """Every parameter a core model may name, given the run's as_of: each setting under its
        own name, work types in lower case, and the excluded path patterns also as regexes.
        Each model is passed the ones it uses."""
        return {
            **self.model_dump(exclude={"as_of"}),
            "as_of": as_of,
            "development_work_types": [t.lower() for t in self.development_work_types],
            "tool_services": [s.strip().lower() for s in self.tool_services],
            "llm_bill_providers": [p.strip().lower() for p in self.llm_bill_providers],
            # [[service, provider], ...]: a list of pairs reads the same in DuckDB and Spark
            "llm_bill_services": [
                [service.strip().lower(), provider.strip().lower()]
                for service, provider in sorted(self.llm_bill_services.items())
            ],
            "excluded_path_regexes": self.excluded_path_regexes(),
            # [[rank, regex, provider, model or ''], ...] in order: strings read alike on both
            # engines
            "llm_bill_skus": [
                [str(rank), pattern, *(part.lower() for part in sku_target(target))]
                for rank, (pattern, target) in enumerate(self.llm_bill_skus.items(), start=1)
            ],
        }


class ServingSettings(ConfigurableResource):
    """Where the serving layer publishes: the published database, Parquet and the report."""

    published_database: str = Field(
        default="warehouse/published.duckdb",
        description="The DuckDB file readers and BI tools open (read-only): every serving view "
        "as a table, replaced atomically by each successful run.",
    )
    export_dir: str = Field(
        default="warehouse/exports",
        description="Parquet exports; BI tools read <export_dir>/current/<view>/.",
    )
    exports_kept: int = Field(
        default=3, description="How many past export folders to keep beside the current one."
    )
    report_path: str = Field(
        default="warehouse/showback_report.html",
        description="The self-contained HTML showback report.",
    )
    runtime_caps_path: str = Field(
        default="warehouse/litellm_budgets.json",
        description="The latest month's recommended runtime caps as LiteLLM's budget settings "
        "(tag budgets per agent and day, per-session budgets per agent).",
    )
    published_storage_version: str = Field(
        default="v1.4.0",
        pattern=r"^v\d+\.\d+\.\d+$",
        description="The DuckDB storage version the published database is written in: the "
        "oldest DuckDB release whose clients must open it (v1.4.0: DuckDB 1.4 and later; "
        "v1.0.0: every 1.x client, with older compression). The warehouse itself is written in "
        "the running DuckDB's own version.",
    )


class AlertSettings(ConfigurableResource):
    """Where the operate checks (budgets, anomalies, runaway chains) also send what they find."""

    webhook_url: str | None = Field(
        default=None,
        description="POST a JSON message here when an operate check fails (off when unset). "
        "The body is {check, asset, message, findings}; a Slack-compatible 'text' is included.",
    )
    webhook_timeout_seconds: float = Field(
        default=5.0, description="How long one webhook call may take."
    )

    def notify(self, payload: dict) -> str:
        """Send one alert; returns what happened (never raises: an alert must not fail a run)."""
        if not self.webhook_url:
            return "webhook off"
        body = json.dumps({**payload, "text": payload.get("message", "")}, default=str).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.webhook_timeout_seconds) as reply:
                return f"sent: HTTP {reply.status}"
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            return f"not sent: {error}"
