"""The whole pipeline on DuckDB and on a local Spark session (local[2]) giving equal model and
published tables, row for row, on the operate tests' generated days (12) with alerts planted
(Spark running them as daily runs do).

Marked `spark_pipeline`: the suite leaves it out (it takes about 8 minutes on 2 cores, most of it
Spark planning the cost ledger), and CI runs it as its own stage:
`.venv/bin/python -m pytest -m spark_pipeline`.
"""

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline.models import models
from pipeline.resources import ComputeEngine
from tests.conftest import materialize_everything
from tests.test_daily_operation import model_tables, published_tables
from tests.test_operate import (
    AS_OF,
    DAYS,
    FIRST,
    LAST,
    plant_budget_breach,
    plant_runaway_chain,
    plant_spike,
)
from tests.test_recompute_window import model_metadata

pytestmark = pytest.mark.spark_pipeline

METRIC = {"as_of": AS_OF}
# Spark's first run stops the day before the last, which its second run adds
BEFORE_LAST = (date.fromisoformat(LAST) - timedelta(days=1)).isoformat()


def spark_engine(root: Path) -> ComputeEngine:
    """The Spark engine on this machine's session; a test's tables are tiny, so each shuffle
    has as many partitions as the session has cores, not Spark's default 200. The driver gets
    4 GiB, not Spark's default 1: analysing and optimising the cost ledger's plan (its CTEs are
    inlined at every reference) ran the default heap out of memory."""
    return ComputeEngine(
        engine="spark",
        exchange_dir=str(root / "exchange"),
        spark_conf={"spark.sql.shuffle.partitions": "2", "spark.driver.memory": "4g"},
    )


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory):
    """DAYS generated days with a budget breach, a unit-cost spike and a runaway chain planted."""
    from sample_data.generator import generate

    root = tmp_path_factory.mktemp("planted_data")
    generate(root, seed=21, days=DAYS, actions_per_day=80, formats=("csv",), defects=False)
    plant_budget_breach(root)
    plant_spike(root)
    plant_runaway_chain(root)
    return root


@pytest.fixture(scope="module")
def on_both_engines(planted_data, tmp_path_factory):
    """DuckDB builds the days in one run. Spark builds all but the last in one run and the last
    day in a second, recomputing only its window. Returns {engine: (last run's result, warehouse
    path)}."""
    duck_root = tmp_path_factory.mktemp("duck_backfill")
    duck_db = duck_root / "warehouse" / "agent_finops.duckdb"
    shutil.copytree(planted_data, duck_root / "data")
    duck = materialize_everything(duck_root / "data", duck_db, METRIC, days=(FIRST, LAST))
    assert duck.success

    spark_root = tmp_path_factory.mktemp("spark_daily")
    spark_db = spark_root / "warehouse" / "agent_finops.duckdb"
    shutil.copytree(planted_data, spark_root / "data")
    engine = spark_engine(spark_root)
    first = materialize_everything(
        spark_root / "data", spark_db, METRIC, days=(FIRST, BEFORE_LAST), engine=engine
    )
    assert first.success
    last = materialize_everything(spark_root / "data", spark_db, METRIC, days=LAST, engine=engine)
    assert last.success
    return {"duckdb": (duck, duck_db), "spark": (last, spark_db)}


def test_every_published_table_is_equal_on_duckdb_and_spark_alerts_included(on_both_engines):
    on_duckdb = published_tables(on_both_engines["duckdb"][1].parent / "published.duckdb")
    on_spark = published_tables(on_both_engines["spark"][1].parent / "published.duckdb")
    assert len(on_duckdb) >= 20
    assert on_spark.keys() == on_duckdb.keys()
    assert len(on_duckdb["showback_by_task_daily"]) > 100
    assert len(on_duckdb["cost_anomalies"]) > 0
    assert len(on_duckdb["runaway_chains"]) > 0
    for table, rows in on_duckdb.items():
        assert on_spark[table] == rows, table


def test_every_model_table_is_equal_on_duckdb_and_spark(on_both_engines):
    on_duckdb = model_tables(on_both_engines["duckdb"][1])
    assert model_tables(on_both_engines["spark"][1]) == on_duckdb
    assert len(on_duckdb["core.cost_ledger"]) > 1000


def test_the_daily_spark_run_recomputes_only_its_window(on_both_engines):
    last, _ = on_both_engines["spark"]
    assert model_metadata(last, "core", "llm_request_costs")["recomputed_from"].value == LAST


def test_the_spark_run_computes_every_model_on_spark(on_both_engines):
    result, _ = on_both_engines["spark"]
    engines = {
        tuple(m.asset_key.path): m.materialization.metadata["engine"].value
        for m in result.get_asset_materialization_events()
        if m.asset_key.path[0] in ("core", "marts") and "engine" in m.materialization.metadata
    }
    assert set(engines) == {tuple(name.split("/")) for name in models()}
    assert set(engines.values()) == {"spark"}


def test_the_warehouse_keeps_duckdb_types_for_spark_results(on_both_engines):
    def column_types(db_path):
        with duckdb.connect(str(db_path), read_only=True) as conn:
            return conn.execute(
                "SELECT table_schema, table_name, column_name, data_type "
                "FROM information_schema.columns WHERE table_schema IN ('core', 'marts') "
                "ORDER BY ALL"
            ).fetchall()

    on_duckdb = column_types(on_both_engines["duckdb"][1])
    assert len(on_duckdb) > 300
    assert column_types(on_both_engines["spark"][1]) == on_duckdb
