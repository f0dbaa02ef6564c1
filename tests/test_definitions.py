"""The code location loads, and every model says what one row is."""

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from dagster._core.instance.ref import InstanceRef

from pipeline.definitions import agent_finops_job
from pipeline.definitions import defs as code_location
from pipeline.partitions import daily_partitions
from pipeline.schedules import ScheduleSettings, build_daily_schedule
from pipeline.sources import SOURCES
from pipeline.warehouse import WAREHOUSE_POOL

defs = code_location()  # the code location as Dagster loads it (no configuration file)

PROJECT = Path(__file__).resolve().parent.parent
SQL = PROJECT / "sql"


def test_one_staging_asset_per_source_in_the_staging_group():
    graph = defs.resolve_asset_graph()
    staging = {
        key.path[-1] for key in graph.get_all_asset_keys() if graph.get(key).group_name == "staging"
    }
    assert staging == set(SOURCES)


def test_every_sql_model_starts_with_what_one_row_is():
    models = [p for p in sorted(SQL.rglob("*.sql")) if "macros" not in p.parts]
    assert len(models) >= 20
    for path in models:
        first = path.read_text().splitlines()[0]
        assert first.startswith("-- One row per"), path


def test_asset_descriptions_repeat_the_model_header():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.group_name in ("staging", "core", "marts"):
            assert node.description.startswith("One row per"), key


def test_the_job_runs_in_one_process():
    job = defs.resolve_job_def("agent_finops_job")
    assert job.executor_def.name == "in_process"


def test_event_sources_and_models_are_daily_partitions_and_reference_data_is_not():
    graph = defs.resolve_asset_graph()
    partitioned = {
        "/".join(key.path)
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def == daily_partitions
    }
    assert {f"staging/{s.name}" for s in SOURCES.values() if s.daily} <= partitioned
    assert "staging/model_prices" not in partitioned
    assert "staging/loaded_rates" not in partitioned
    assert {"core/recompute_window", "core/cost_ledger", "marts/showback"} <= partitioned
    assert "serving/published" not in partitioned


def test_the_schedule_asks_each_morning_for_yesterday():
    schedule = defs.resolve_schedule_def("daily_showback")
    assert schedule.cron_schedule == "0 6 * * *"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 10, 5, 6, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-10-04"


def test_a_schedule_in_another_timezone_still_builds_the_last_complete_utc_day():
    schedule = build_daily_schedule(
        agent_finops_job,
        ScheduleSettings(hour_of_day=23, minute_of_hour=30, timezone="America/Los_Angeles"),
    )
    assert schedule.execution_timezone == "America/Los_Angeles"
    # 23:30 in Los Angeles on 4 October is 06:30 UTC on 5 October: 4 October is complete.
    moment = datetime(2026, 10, 4, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    [request] = schedule.evaluate_tick(
        dg.build_schedule_context(
            scheduled_execution_time=moment, repository_def=defs.get_repository_def()
        )
    ).run_requests
    assert request.partition_key == "2026-10-04"
    # 16:30 in Los Angeles on 4 October is 23:30 UTC the same day: 3 October is the last.
    moment = datetime(2026, 10, 4, 16, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    [request] = schedule.evaluate_tick(
        dg.build_schedule_context(
            scheduled_execution_time=moment, repository_def=defs.get_repository_def()
        )
    ).run_requests
    assert request.partition_key == "2026-10-03"


def test_every_step_that_opens_the_warehouse_is_in_the_warehouse_pool():
    steps = [s for s in [*defs.assets, *defs.asset_checks] if isinstance(s, dg.AssetsDefinition)]
    pools = {step.op.name: step.op.pool for step in steps}
    opening = {step.op.name for step in steps if "warehouse" in step.required_resource_keys}
    assert {name: pools[name] for name in opening} == dict.fromkeys(opening, WAREHOUSE_POOL)
    # the readers of the published file take the warehouse too, for its memory limit and threads
    assert {"serving__parquet_export", "serving__showback_report"} <= opening
    assert {name: pool for name, pool in pools.items() if name not in opening} == {}


def test_the_project_instance_runs_one_warehouse_run_at_a_time(tmp_path):
    # what `dg dev` run from the project folder loads (dagster.yaml)
    ref = InstanceRef.from_dir(str(tmp_path), config_dir=str(PROJECT))
    with dg.DagsterInstance.from_ref(ref) as instance:
        pools = instance.get_concurrency_config().pool_config
    assert (pools.pool_granularity.value, pools.default_pool_limit) == ("run", 1)


def test_the_pipeline_imports_none_of_the_generator_libraries():
    """polars, numpy and pyarrow are the `samples` extra (the generator's): a runtime install
    (`pip install -e .`) leaves them out, so no module of `pipeline` may import them. Checked in
    a fresh interpreter: the code location, then every module of the package."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import pipeline.definitions\n"
        "import pipeline\n"
        "loaded = {}\n"
        "for m in ['pipeline.definitions'] + sorted(\n"
        "    i.name for i in pkgutil.walk_packages(pipeline.__path__, 'pipeline.')\n"
        "):\n"
        "    importlib.import_module(m)\n"
        "    for lib in ('polars', 'numpy', 'pyarrow', 'sample_data'):\n"
        "        if lib in sys.modules:\n"
        "            loaded.setdefault(lib, m)\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    # library -> the first module after whose import it was loaded
    assert result.stdout.strip() == "{}"


def test_the_serving_views_depend_on_exactly_the_tables_their_sql_reads():
    # read here from the SQL text itself (comments left out), not through the asset's parser
    read = set()
    for path in sorted((SQL / "serving").glob("*.sql")):
        code = "\n".join(line.split("--")[0] for line in path.read_text().splitlines())
        read |= {
            dg.AssetKey([schema, table])
            for schema, table in re.findall(r"\b(core|marts)\.(\w+)\b", code)
        }
    graph = defs.resolve_asset_graph()
    deps = graph.get(dg.AssetKey(["serving", "views"])).parent_keys
    assert deps == read
    # cost_allocation_focus joins the outcomes: a dep a hand-kept list once missed
    assert dg.AssetKey(["core", "action_outcomes"]) in deps
    # every one is an asset the job builds, none an external source
    assert all(not graph.get(key).is_external for key in deps)


def test_each_serving_file_creates_the_view_it_is_named_after():
    views = {
        path.stem: path.read_text()
        for path in sorted((SQL / "serving").glob("*.sql"))
        if path.name != "showback_range.sql"  # the table macro showback_between
    }
    assert len(views) == 32
    for name, text in views.items():
        assert re.findall(r"CREATE OR REPLACE VIEW serving\.(\w+)", text) == [name], name


def test_a_model_built_on_a_blocking_checked_model_waits_for_its_checks():
    # The models are built in a few steps: a model reading one that a blocking check holds to a
    # contract (the ledger, the showback) is built in a later step, after that check, so a failed
    # contract stops what is built on it as it stops the publish.
    from pipeline.assets.core import model_assets
    from pipeline.checks import metric_checks
    from pipeline.models import models

    job = defs.resolve_job_def("agent_finops_job")
    step_of = {key: a.node_def.name for a in model_assets for key in a.keys}
    gates = {}  # checked model -> the check steps a run must pass before reading it
    for checks in metric_checks:
        for spec in checks.check_specs:
            if spec.blocking:
                gates.setdefault(spec.asset_key, set()).add(checks.node_def.name)
    waits = 0
    for name, model in models().items():
        key = dg.AssetKey(name.split("/"))
        upstream_steps = {
            output.node_name
            for outputs in job.graph.dependency_structure.input_to_upstream_outputs_for_node(
                step_of[key]
            ).values()
            for output in outputs
        }
        for schema, table in model.reads:
            checked = dg.AssetKey([schema, table])
            if checked in gates:
                assert step_of[key] != step_of[checked], (name, checked)
                assert gates[checked] <= upstream_steps, (name, checked)
                waits += 1
    assert waits >= 10  # the showback, the action costs, the marts, ...
