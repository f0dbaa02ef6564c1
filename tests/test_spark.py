"""The same models on Spark: the transpile guard and the per-engine macros, on a local Spark
session (local[2]). The whole pipeline on both engines is tests/test_spark_pipeline.py."""

from decimal import Decimal

import duckdb
import pytest
from pyspark.sql import SparkSession

from pipeline.spark import SESSION_SETTINGS, check_models, portable_models, to_spark_sql
from pipeline.sql_files import MACROS_DIR


@pytest.fixture(scope="module")
def spark():
    """The session the Spark engine uses in this process (local[2], the pipeline's settings)."""
    session = SparkSession.builder.master("local[2]").appName("tests").getOrCreate()
    for key, value in SESSION_SETTINGS.items():
        session.conf.set(key, value)
    return session


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
