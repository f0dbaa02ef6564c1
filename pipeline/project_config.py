"""One configuration for a deployment on its own data: a YAML file, named by the environment
variable ``AGENT_FINOPS_CONFIG``, read when Dagster loads the definitions (never at import).

Every run the code location starts (the schedule's, the UI's, the CLI's) uses it, so a scheduled
run reads the same data and writes the same outputs as a run launched by hand::

    output_dir: /srv/finops            # the warehouse, published file, exports, report and caps
    first_day: 2026-09-01              # the daily partitions start here
    schedule: {hour_of_day: 7, timezone: Europe/Berlin}
    resources:
      ingest_settings:
        data_dir: {env: FINOPS_DATA_DIR}   # read from the environment at run time (EnvVar)
        team_tag_key: business_unit
      alert_settings:
        webhook_url: {env: FINOPS_SLACK_WEBHOOK}

``output_dir`` places every output in one folder: ``agent_finops.duckdb`` (the warehouse),
``published.duckdb``, ``exports/``, ``showback_report.html`` and ``litellm_budgets.json``. A
setting under ``resources`` is any field of that resource (``pipeline/resources.py``,
``pipeline/warehouse.py``) and wins over ``output_dir``; ``{env: NAME}`` makes it Dagster's
``EnvVar(NAME)``, read when a run starts and never shown in the UI (webhook URLs, paths that
differ per host). Without the variable, every setting keeps its documented default.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from dagster import ConfigurableResource, EnvVar
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.partitions import FIRST_DAY
from pipeline.resources import (
    AlertSettings,
    ComputeEngine,
    IngestSettings,
    MetricSettings,
    ServingSettings,
)
from pipeline.schedules import ScheduleSettings
from pipeline.warehouse import Warehouse

CONFIG_ENV_VAR = "AGENT_FINOPS_CONFIG"

# The resources of the code location, by the key the assets name them with.
RESOURCES: dict[str, type[ConfigurableResource]] = {
    "warehouse": Warehouse,
    "ingest_settings": IngestSettings,
    "metric_settings": MetricSettings,
    "serving_settings": ServingSettings,
    "alert_settings": AlertSettings,
    "compute_engine": ComputeEngine,
}

# Where output_dir puts each output: {resource: {field: file or folder name}}.
OUTPUTS = {
    "warehouse": {"database": "agent_finops.duckdb"},
    "serving_settings": {
        "published_database": "published.duckdb",
        "export_dir": "exports",
        "report_path": "showback_report.html",
        "runtime_caps_path": "litellm_budgets.json",
    },
    "compute_engine": {"exchange_dir": "exchange"},
}


def _is_env(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"env"}


def _kinds(annotation: Any) -> set:
    """The types a field takes, None left out (str | None -> {str})."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return {a for a in typing.get_args(annotation) if a is not type(None)}
    return {annotation}


def _is_text(annotation: Any) -> bool:
    return _kinds(annotation) == {str}


def _env_var(annotation: Any, name: str, where: str) -> Any:
    """Dagster's EnvVar for a text or whole-number setting, read when a run starts (the
    variable must then be set); any other kind of setting cannot come from the environment."""
    if _is_text(annotation):
        return EnvVar(name)
    if _kinds(annotation) == {int}:
        return EnvVar.int(name)
    raise ProjectConfigError(
        f"{where}: {{env: {name}}} is only for text and whole-number settings; write the value"
    )


def _check_keys(annotation: Any, value: Any, where: str) -> None:
    """Refuse keys no setting has in nested settings (time entry rules, declared adapters, ...):
    a misspelt key would otherwise be dropped."""
    for kind in _kinds(annotation):
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        if origin is list and isinstance(value, list) and args:
            for n, item in enumerate(value):
                _check_keys(args[0], item, f"{where}[{n}]")
        elif origin is dict and isinstance(value, dict) and len(args) == 2:
            for key, item in value.items():
                _check_keys(args[1], item, f"{where}.{key}")
        elif isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(value, dict):
            for key, item in value.items():
                if key not in kind.model_fields:
                    raise ProjectConfigError(f"{where}.{key}: no such setting")
                _check_keys(kind.model_fields[key].annotation, item, f"{where}.{key}")


class ProjectConfigError(ValueError):
    """A configuration file that cannot be used, naming the file and the setting."""


class ProjectConfig(BaseModel):
    """The deployment's configuration (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    output_dir: str | None = Field(
        default=None,
        description="One folder for every output: warehouse, published file, exports, report "
        "and runtime caps.",
    )
    first_day: date = Field(
        default=date.fromisoformat(FIRST_DAY),
        description="The first UTC day the pipeline can be asked to build: the daily "
        "partitions (and the UI's view of them) start here. Files dated earlier still load.",
    )
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    resources: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def read(cls, path: str | None) -> ProjectConfig:
        """The configuration in the YAML file at `path`; the defaults when `path` is empty."""
        if not path:
            return cls()
        file = Path(path)
        try:
            document = yaml.safe_load(file.read_text()) or {}
        except OSError as error:
            raise ProjectConfigError(f"{path}: cannot be read: {error}") from error
        except yaml.YAMLError as error:
            raise ProjectConfigError(f"{path}: not valid YAML: {error}") from error
        try:
            config = cls.model_validate(document)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            raise ProjectConfigError(f"{path}: {problems}") from None
        if config.output_dir:
            # a relative folder is the configuration file's neighbour, wherever Dagster runs
            config.output_dir = str(file.parent / Path(config.output_dir).expanduser())
        config.check(path)
        config.build_resources(path)  # a value of the wrong kind is refused here, named
        return config

    def check(self, where: str) -> None:
        """Refuse a resource or field the pipeline does not have, naming it."""
        for name, values in self.resources.items():
            if name not in RESOURCES:
                raise ProjectConfigError(
                    f"{where}: resources.{name}: no such resource (one of {', '.join(RESOURCES)})"
                )
            fields = RESOURCES[name].model_fields
            for key, value in (values or {}).items():
                if key not in fields:
                    raise ProjectConfigError(
                        f"{where}: resources.{name}.{key}: no such setting of {name}"
                    )
                setting = f"{where}: resources.{name}.{key}"
                if _is_env(value):
                    _env_var(fields[key].annotation, value["env"], setting)
                else:
                    _check_keys(fields[key].annotation, value, setting)

    def resource_values(self, name: str) -> dict[str, Any]:
        """The settings given for one resource: output_dir's paths, then the file's own
        values ({env: NAME} as EnvVar(NAME))."""
        values: dict[str, Any] = {}
        if self.output_dir:
            for key, file in OUTPUTS.get(name, {}).items():
                values[key] = str(Path(self.output_dir) / file)
        fields = RESOURCES[name].model_fields
        for key, value in (self.resources.get(name) or {}).items():
            annotation = fields[key].annotation
            if _is_env(value):
                value = _env_var(annotation, value["env"], f"resources.{name}.{key}")
            elif _is_text(annotation) and isinstance(value, date | int | float):
                # YAML reads an unquoted 2026-10-01 or 0.05 as a date or a number
                value = value.isoformat() if isinstance(value, date) else str(value)
            values[key] = value
        return values

    def build_resources(self, where: str = "configuration") -> dict[str, ConfigurableResource]:
        """Every resource of the code location, configured."""
        resources = {}
        for name, cls in RESOURCES.items():
            try:
                resources[name] = cls(**self.resource_values(name))
            except ValidationError as error:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
                )
                raise ProjectConfigError(f"{where}: resources.{name}: {problems}") from None
        return resources
