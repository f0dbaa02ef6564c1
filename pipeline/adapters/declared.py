"""What users declare in configuration to read their own exports: adapters
(IngestSettings.declared_adapters, the same mapping as the built-in adapters, written without
Python) and the rules that give time entries their activity and owners
(IngestSettings.time_entry_rules)."""

from __future__ import annotations

import re
from dataclasses import replace

import duckdb
from dagster import Config
from pydantic import Field as PydanticField
from pydantic import field_validator, model_validator

from pipeline.adapters.mapping import CONVERSIONS, Adapter, FieldRef


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


IDS = ("action_id", "task_id", "agent_id", "team_id")


def readable_pattern(setting: str, pattern: str, group: bool = False) -> str:
    """A regular expression as DuckDB (RE2) reads it, refused naming the setting when it does
    not read, or (`group`) has no group to capture an id with."""
    try:
        duckdb.execute("SELECT regexp_matches('', $p)", {"p": pattern})
    except duckdb.Error as error:
        raise ValueError(f"{setting}: pattern {pattern!r} does not read: {error}") from error
    if group and re.compile(pattern.replace("(?i)", "")).groups < 1:
        raise ValueError(f"{setting}: pattern {pattern!r} has no group naming the id")
    return pattern


RULE_FIELDS = ("project", "task", "tags", "description")


class TimeEntryRule(Config):
    """A rule giving time entries their activity, work type and owners from what a time
    tracker records (IngestSettings.time_entry_rules; sql/staging/time_entries.sql)."""

    field: str = PydanticField(
        description="What the pattern tests: the entry's project, task, tags or description."
    )
    pattern: str = PydanticField(
        description="A regular expression (RE2; '(?i)' for any case) found in that text."
    )
    activity: str | None = None
    work_type: str | None = None
    action_id: str | None = None
    task_id: str | None = None
    agent_id: str | None = None
    team_id: str | None = None
    capture: str | None = PydanticField(
        default=None, description="The id the pattern's first group names (action_id, ...)."
    )

    @field_validator("field")
    @classmethod
    def _known_field(cls, field: str) -> str:
        if field not in RULE_FIELDS:
            raise ValueError(
                f"time_entry_rules: field {field!r} is not one of {', '.join(RULE_FIELDS)}"
            )
        return field

    @field_validator("capture")
    @classmethod
    def _known_id(cls, capture: str | None) -> str | None:
        if capture is not None and capture not in IDS:
            raise ValueError(
                f"time_entry_rules: capture {capture!r} is not one of {', '.join(IDS)}"
            )
        return capture

    @field_validator("pattern")
    @classmethod
    def _readable(cls, pattern: str) -> str:
        return readable_pattern("time_entry_rules", pattern)

    @model_validator(mode="after")
    def _capture_has_a_group(self):
        if self.capture is not None:
            readable_pattern("time_entry_rules", self.pattern, group=True)
        return self


def time_entry_rule_rows(rules: list[TimeEntryRule]) -> list[tuple]:
    """The rules as rows of temp table time_entry_rules, in order."""
    return [
        (n, r.field, r.pattern, r.activity, r.work_type, *(getattr(r, i) for i in IDS), r.capture)
        for n, r in enumerate(rules, start=1)
    ]


class IncidentPenalty(Config):
    """A penalty an incident costs, by service, urgency and priority (SLA credits owed under a
    contract): IngestSettings.incident_penalties, the first that matches wins."""

    service: str = PydanticField(default="*", description="Service name or id; '*' for any.")
    urgency: str = PydanticField(default="*", description="high or low; '*' for any.")
    priority: str = PydanticField(default="*", description="P1, P2, ...; '*' for any.")
    amount: str = PydanticField(description="The penalty, exact decimal text ('2500.00').")
    currency: str = PydanticField(default="USD", description="The penalty's currency.")


def incident_penalty_rows(penalties: list[IncidentPenalty]) -> list[tuple]:
    """The penalties as rows of temp table incident_penalties, in order."""
    return [
        (n, p.service, p.urgency, p.priority, p.amount, p.currency)
        for n, p in enumerate(penalties, start=1)
    ]


def checked_incident_links(links: dict[str, str]) -> dict[str, str]:
    """IngestSettings.incident_links, each an id column with a pattern that captures it."""
    for column, pattern in links.items():
        if column not in IDS:
            raise ValueError(f"incident_links: {column!r} is not one of {', '.join(IDS)}")
        readable_pattern("incident_links", pattern, group=True)
    return links


def record_parameters(settings) -> dict[str, str | None]:
    """The values the statements flattening records bind: the patterns that find an incident's
    ids in its title and key (IngestSettings.incident_links)."""
    return {
        f"{column.removesuffix('_id')}_pattern": settings.incident_links.get(column)
        for column in IDS
    }
