"""The same models on Spark: the transpile guard, the per-engine macros, and the whole pipeline
on DuckDB and on a local Spark session (local[2]) giving equal model and published tables, row
for row, on 21 generated days with alerts planted (Spark running them as daily runs do)."""

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from pyspark.sql import SparkSession

from pipeline.resources import ComputeEngine
from pipeline.spark import SESSION_SETTINGS, check_models, portable_models, to_spark_sql
from pipeline.sql_files import MACROS_DIR
from tests.conftest import materialize_everything
from tests.test_daily_operation import model_metadata, model_tables, published_tables
from tests.test_operate import (
    FIRST,
    LAST,
    plant_budget_breach,
    plant_runaway_chain,
    plant_spike,
)

AS_OF = {"as_of": "2026-10-22T00:00:00"}


@pytest.fixture(scope="module")
def spark():
    """The session the Spark engine uses in this process (local[2], the pipeline's settings)."""
    session = SparkSession.builder.master("local[2]").appName("tests").getOrCreate()
    for key, value in SESSION_SETTINGS.items():
        session.conf.set(key, value)
    return session


def spark_engine(root: Path) -> ComputeEngine:
    """The Spark engine on this machine's session; a test's tables are tiny, so each shuffle
    has as many partitions as the session has cores, not Spark's default 200."""
    return ComputeEngine(
        engine="spark",
        exchange_dir=str(root / "exchange"),
        spark_conf={"spark.sql.shuffle.partitions": "2"},
    )


def test_every_model_transpiles_to_spark_sql_that_spark_reads(spark):
    models = portable_models()
    assert len(models) >= 20
    assert check_models(session=spark) == {}


def test_a_model_with_a_duckdb_only_construct_fails_the_guard(tmp_path, spark):
    asof = tmp_path / "asof.sql"
    asof.write_text("SELECT a FROM core.t ASOF JOIN core.u USING (k, d)")
    columns = tmp_path / "columns.sql"
    columns.write_text("SELECT COLUMNS('amount_.*') FROM core.cost_ledger")
    window = tmp_path / "window.sql"
    window.write_text(
        "SELECT SUM(x) OVER (ORDER BY d ROWS BETWEEN $anomaly_baseline_days PRECEDING "
        "AND CURRENT ROW) FROM core.t"
    )
    portable = tmp_path / "portable.sql"
    portable.write_text("SELECT team_id, SUM(amount_usd) FROM core.cost_ledger GROUP BY team_id")
    problems = check_models([asof, columns, window, portable], session=spark)
    assert problems == {
        str(asof): "ASOF JOIN has no Spark form",
        str(columns): "Spark has no function columns",
        str(window): "window frame bound $anomaly_baseline_days is not "
        "'$integer * INTERVAL 1 unit'",
    }


DIVISIONS = [
    ("1", "3"),
    ("-2", "3"),
    ("0.000000000001", "2"),  # exactly half a unit of the 12th place: away from zero
    ("-0.000000000001", "2"),
    ("123456789.123456789012", "7"),
    ("98765432.5", "0.000123456789"),
    ("5", "0"),
]


def test_divide_decimal_gives_the_same_exact_quotient_on_both_engines(spark):
    sql = (
        "SELECT n, divide_decimal(CAST(n AS DECIMAL(38, 12)), CAST(d AS DECIMAL(38, 12))) AS q "
        "FROM (VALUES "
        + ", ".join(f"('{n}', '{d}')" for n, d in DIVISIONS)
        + ") AS t (n, d) ORDER BY n"
    )
    with duckdb.connect() as conn:
        conn.execute((MACROS_DIR / "divide_decimal.sql").read_text())
        on_duckdb = conn.execute(sql).fetchall()
    on_spark = [tuple(row) for row in spark.sql(to_spark_sql(sql)).collect()]
    assert on_spark == on_duckdb
    quotients = dict(on_duckdb)
    assert quotients["0.000000000001"] == Decimal("0.000000000001")
    assert quotients["-0.000000000001"] == Decimal("-0.000000000001")
    assert quotients["-2"] == Decimal("-0.666666666667")
    assert quotients["5"] is None


def test_a_quotient_beyond_sparks_14_integer_digits_fails_instead_of_losing_digits(spark):
    sql = "SELECT divide_decimal(CAST(1000000000 AS DECIMAL(38, 12)), 0.000001) AS q"
    with pytest.raises(Exception, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        spark.sql(to_spark_sql(sql)).collect()


def test_divide_whole_truncates_toward_zero_on_both_engines(spark):
    sql = (
        "SELECT n, divide_whole(CAST(n AS HUGEINT), d) AS q FROM (VALUES "
        "(7, 2), (-7, 2), (123456789012345678901234, 3), (-5, 5)) AS t (n, d) ORDER BY n"
    )
    with duckdb.connect() as conn:
        conn.execute((MACROS_DIR / "divide_whole.sql").read_text())
        on_duckdb = [(int(n), int(q)) for n, q in conn.execute(sql).fetchall()]
    on_spark = [(int(n), int(q)) for n, q in spark.sql(to_spark_sql(sql)).collect()]
    assert on_spark == on_duckdb
    assert on_duckdb == [
        (-7, -3),
        (-5, -1),
        (7, 3),
        (123456789012345678901234, 41152263004115226300411),
    ]


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory):
    """21 generated days with a budget breach, a unit-cost spike and a runaway chain planted."""
    from sample_data.generator import generate

    root = tmp_path_factory.mktemp("planted_data")
    generate(root, seed=21, days=21, actions_per_day=80, formats=("csv",), defects=False)
    plant_budget_breach(root)
    plant_spike(root)
    plant_runaway_chain(root)
    return root


@pytest.fixture(scope="module")
def on_both_engines(planted_data, tmp_path_factory):
    """DuckDB builds the 21 days in one run. Spark builds 20 days in one run and the last day in a
    second, recomputing only its window. Returns {engine: (last run's result, warehouse path)}."""
    duck_root = tmp_path_factory.mktemp("duck_backfill")
    duck_db = duck_root / "warehouse" / "agent_finops.duckdb"
    shutil.copytree(planted_data, duck_root / "data")
    duck = materialize_everything(duck_root / "data", duck_db, AS_OF, days=(FIRST, LAST))
    assert duck.success

    spark_root = tmp_path_factory.mktemp("spark_daily")
    spark_db = spark_root / "warehouse" / "agent_finops.duckdb"
    shutil.copytree(planted_data, spark_root / "data")
    engine = spark_engine(spark_root)
    first = materialize_everything(
        spark_root / "data", spark_db, AS_OF, days=(FIRST, "2026-10-20"), engine=engine
    )
    assert first.success
    last = materialize_everything(spark_root / "data", spark_db, AS_OF, days=LAST, engine=engine)
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
    assert len(engines) == 20
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
