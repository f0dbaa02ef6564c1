"""Shared fixtures: run the real ingest assets and checks against a DuckDB file under tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.assets.core import model_assets
from pipeline.assets.ingest import ingest_assets
from pipeline.assets.serving import serving_assets
from pipeline.checks import ingest_checks, metric_checks, operate_checks
from pipeline.partitions import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG
from pipeline.resources import (
    AlertSettings,
    ComputeEngine,
    IngestSettings,
    MetricSettings,
    ServingSettings,
)
from pipeline.sources import SOURCES
from pipeline.warehouse import Warehouse
from tests import model_harness

# The suite builds its own settings: a deployment's configuration in the shell (README, "Bring
# your own data") must not reach the code location the tests load.
os.environ.pop("AGENT_FINOPS_CONFIG", None)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
OUTSIDE_DATA = SHARED / "outside-data"
# Tests reading the real files of outside projects skip, saying why, where they are not beside the
# project (a clone elsewhere); everything else runs without them.
needs_outside_data = pytest.mark.skipif(
    not OUTSIDE_DATA.is_dir(), reason="needs ../shared/outside-data beside the project"
)
DATA_SAMPLES = PROJECT_ROOT / "data_samples"

# The day most tests build: after every date their files carry, so every file is due and, with
# no as_of set, outcomes are judged at the start of 2026-11-23.
DEFAULT_DAY = "2026-11-22"


def day_tags(days: str | tuple[str, str]) -> dict[str, str]:
    """Run tags targeting one day ('2026-10-01') or a range of days as one run."""
    if isinstance(days, str):
        return {PARTITION_TAG: days}
    return {RANGE_START_TAG: days[0], RANGE_END_TAG: days[1]}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "agent_finops.duckdb"


def ingest_sources(
    data_dir: Path,
    db_path: Path,
    days: str | tuple[str, str] = DEFAULT_DAY,
    sources: tuple[str, ...] | None = None,
    **settings,
) -> dg.ExecuteInProcessResult:
    """Materialize the ingest assets of `sources` with their checks; by default, of every source
    with a folder under data_dir (a source with no folder has nothing to load or check), or of
    every source when none has one.
    Keyword arguments override IngestSettings fields."""
    ingest_settings = IngestSettings(data_dir=str(data_dir), **settings)
    if sources is None:
        sources = tuple(name for name in SOURCES if (data_dir / name).is_dir()) or tuple(SOURCES)
    return dg.materialize(
        [*ingest_assets, *ingest_checks],
        resources={
            "warehouse": Warehouse(database=str(db_path)),
            "ingest_settings": ingest_settings,
        },
        tags=day_tags(days),
        raise_on_error=False,
        selection=dg.AssetSelection.assets(*(("staging", name) for name in sources)),
    )


@pytest.fixture
def ingest(data_dir: Path, db_path: Path) -> Callable[..., dg.ExecuteInProcessResult]:
    """The ingest assets and checks of the sources with a folder under data_dir (ingest_sources)."""

    def run(
        days: str | tuple[str, str] = DEFAULT_DAY,
        sources: tuple[str, ...] | None = None,
        **settings,
    ) -> dg.ExecuteInProcessResult:
        folder = Path(settings.pop("data_dir", data_dir))
        return ingest_sources(folder, db_path, days, sources, **settings)

    return run


def serving_settings(db_path: Path, **overrides) -> ServingSettings:
    """Serving outputs beside the warehouse file under tmp_path; keywords override fields."""
    return ServingSettings(
        **{
            "published_database": str(db_path.parent / "published.duckdb"),
            "export_dir": str(db_path.parent / "exports"),
            "report_path": str(db_path.parent / "showback_report.html"),
            "runtime_caps_path": str(db_path.parent / "litellm_budgets.json"),
            **overrides,
        }
    )


def materialize_everything(
    data_dir: Path,
    db_path: Path,
    metric: dict | None = None,
    days: str | tuple[str, str] = DEFAULT_DAY,
    alerts: AlertSettings | None = None,
    engine: ComputeEngine | None = None,
    warehouse: dict | None = None,
    through: tuple[str, ...] = (),
    serving: dict | None = None,
    **settings,
) -> dg.ExecuteInProcessResult:
    """Every asset and check of the pipeline, in process, for one day or a range of days;
    `metric` overrides MetricSettings fields, `warehouse` Warehouse fields, `serving`
    ServingSettings fields, and keyword arguments override IngestSettings fields. `through`
    ('core/cost_ledger', ...) narrows the run to those assets and every asset upstream of them,
    with their checks."""
    return dg.materialize(
        [
            *ingest_assets,
            *ingest_checks,
            *model_assets,
            *metric_checks,
            *operate_checks,
            *serving_assets,
        ],
        resources={
            "warehouse": Warehouse(**{"database": str(db_path), **(warehouse or {})}),
            "ingest_settings": IngestSettings(**{"data_dir": str(data_dir), **settings}),
            "metric_settings": MetricSettings(**(metric or {})),
            "serving_settings": serving_settings(db_path, **(serving or {})),
            "alert_settings": alerts or AlertSettings(),
            "compute_engine": engine or ComputeEngine(),
        },
        tags=day_tags(days),
        raise_on_error=False,
        selection=dg.AssetSelection.assets(*(name.split("/") for name in through)).upstream()
        if through
        else None,
    )


def run_metric_check(db_path: Path, check: dg.AssetChecksDefinition) -> dg.ExecuteInProcessResult:
    """One metric check, run on its own over the warehouse at db_path for DEFAULT_DAY, as
    `dagster asset check` runs it (over everything: no run of its own recomputed a day)."""
    return dg.materialize(
        [*metric_checks],
        selection=dg.AssetSelection.checks(check),
        resources={
            "warehouse": Warehouse(database=str(db_path)),
            "ingest_settings": IngestSettings(),
            "metric_settings": MetricSettings(),
        },
        tags=day_tags(DEFAULT_DAY),
        raise_on_error=False,
    )


@pytest.fixture
def run_pipeline(data_dir: Path, db_path: Path) -> Callable[..., dg.ExecuteInProcessResult]:
    def run(
        metric: dict | None = None, days: str | tuple[str, str] = DEFAULT_DAY, **settings
    ) -> dg.ExecuteInProcessResult:
        return materialize_everything(data_dir, db_path, metric, days, **settings)

    return run


@pytest.fixture
def build_models(data_dir: Path, db_path: Path) -> Callable[..., dict[str, int]]:
    """Build the named models and only the models they read from (tests/model_harness.py), from
    the files under data_dir, into db_path; serving_views=True builds every model and the serving
    views. No check, publish, export or report runs. Returns {model: rows written}."""

    def run(
        *targets: str,
        metric: dict | None = None,
        days: str | tuple[str, str] = DEFAULT_DAY,
        **settings,
    ) -> dict[str, int]:
        return model_harness.build_models(
            data_dir, db_path, *targets, tags=day_tags(days), metric=metric, **settings
        )

    return run


@pytest.fixture
def failing_rows(db_path: Path) -> Callable[..., list[tuple]]:
    """The rows failing a check's query over the models built into db_path (an empty list is a
    pass): failing_rows('money_conserved'); keywords override the values it binds."""

    def run(check: str, **parameters) -> list[tuple]:
        return model_harness.failing_rows(db_path, check, **parameters)

    return run


@pytest.fixture
def contract_failures(db_path: Path) -> Callable[..., dict[str, list[tuple]]]:
    """Every blocking contract of the models built into db_path that fails, by its query
    ({} when all hold): the staging tables' and the metric checks' (model_harness)."""

    def run(**settings) -> dict[str, list[tuple]]:
        return model_harness.contract_failures(db_path, **settings)

    return run


@pytest.fixture
def query(db_path: Path) -> Callable[..., list[tuple]]:
    def run(sql: str, params: dict | None = None) -> list[tuple]:
        with duckdb.connect(str(db_path), read_only=True) as conn:
            return conn.execute(sql, params or {}).fetchall()

    return run


def write(data_dir: Path, relpath: str, text: str) -> Path:
    path = data_dir / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def copy_in(data_dir: Path, source_file: Path, relpath: str) -> Path:
    target = data_dir / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source_file, target)
    return target


def check_results(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], bool]:
    """{(source, check name): passed} for every check evaluated in the run."""
    return {
        (e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }


def step_failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The underlying error message of the run's first failed step."""
    failure = next(e for e in result.all_events if e.is_step_failure)
    return failure.step_failure_data.error.cause.message


def run_failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The underlying error message of a run that failed before any step (its resources)."""
    failure = next(e for e in result.all_events if e.is_run_failure)
    return failure.event_specific_data.error.cause.message
