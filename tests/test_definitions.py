"""The code location loads, and every model says what one row is."""

from pathlib import Path

from pipeline.definitions import defs
from pipeline.sources import SOURCES

SQL = Path(__file__).resolve().parent.parent / "sql"


def test_one_staging_asset_per_source_in_the_staging_group():
    graph = defs.resolve_asset_graph()
    staging = {
        key.path[-1] for key in graph.get_all_asset_keys() if graph.get(key).group_name == "staging"
    }
    assert staging == set(SOURCES)


def test_every_sql_model_starts_with_what_one_row_is():
    models = [p for p in sorted(SQL.rglob("*.sql")) if p.parent.name != "macros"]
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
