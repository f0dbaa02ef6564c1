"""Every model is declared in its own SQL file (pipeline/models.py): its assets' dependencies are
the tables its SQL reads, and a file whose declarations are incomplete is refused by name."""

import re
from datetime import date

import pytest
from dagster import AssetKey

from pipeline.assets.serving.views import serving_file_from_sql
from pipeline.definitions import defs as code_location
from pipeline.models import ModelDeclarationError, model_from_sql, models
from pipeline.sql_files import DeclarationError

defs = code_location()  # the code location as Dagster loads it (no configuration file)

QUERY = "SELECT day, COUNT(*) AS n FROM core.cost_ledger JOIN staging.tool_calls USING (day)"


def test_every_model_depends_on_exactly_the_tables_its_sql_reads():
    # read here from the SQL text itself (comments left out), not through the model's parser
    graph = defs.resolve_asset_graph()
    for model in models().values():
        code = "\n".join(line.split("--")[0] for line in model.sql.splitlines())
        read = set(re.findall(r"\b(staging|core|marts)\.(\w+)\b", code))
        deps = {
            tuple(key.path)
            for key in graph.get(AssetKey([model.layer, model.table])).parent_keys
            if key != AssetKey(["core", "recompute_window"])
        }
        assert deps == read, model.name


def test_the_showback_facts_depend_on_the_labour_costs_they_read():
    graph = defs.resolve_asset_graph()
    parents = graph.get(AssetKey(["core", "showback_facts"])).parent_keys
    assert AssetKey(["core", "labour_costs"]) in parents


def test_a_declared_model_takes_its_window_and_reads_from_its_file():
    model = model_from_sql(
        "core/example",
        "-- One row per day.\n-- @time_column day\n-- @window records_from\n"
        "-- @summary_by day\n" + QUERY,
    )
    assert (model.time_column, model.window, model.replaces, model.summary_by) == (
        "day",
        "records_from",
        None,
        "day",
    )
    assert model.reads == (("core", "cost_ledger"), ("staging", "tool_calls"))


def test_a_model_without_a_day_column_or_rebuilt_whole_is_refused_by_name():
    with pytest.raises(ModelDeclarationError, match=r"sql/core/example\.sql: declare exactly one"):
        model_from_sql("core/example", "-- One row per day.\n-- @summary_by day\n" + QUERY)


def test_an_unknown_declaration_is_refused_by_name():
    with pytest.raises(ModelDeclarationError, match=r"sql/core/example\.sql: unknown .*@grain"):
        model_from_sql("core/example", "-- One row per day.\n-- @grain day\n" + QUERY)


def test_the_run_state_query_is_not_a_model():
    assert "core/recompute_window" not in models()
    assert len(models()) == 30


VIEW = "CREATE OR REPLACE VIEW serving.example AS SELECT day, cost_usd FROM marts.showback\n"


def test_a_serving_view_declares_its_date_column_and_how_it_is_republished():
    view = serving_file_from_sql(
        "serving/example.sql",
        "-- One row per day.\n-- @partition_by day\n-- @republish from_window\n" + VIEW,
    )
    assert (view.partition_by, view.windowed, view.reads) == (
        "day",
        True,
        frozenset({("marts", "showback")}),
    )


def test_a_weekly_view_is_republished_from_the_monday_of_the_windows_first_week():
    view = serving_file_from_sql(
        "serving/example.sql",
        "-- One row per week.\n-- @partition_by week\n-- @republish from_window_week\n" + VIEW,
    )
    daily = serving_file_from_sql(
        "serving/example.sql",
        "-- One row per day.\n-- @partition_by day\n-- @republish from_window\n" + VIEW,
    )
    thursday = date(2026, 10, 1)
    assert (view.windowed, view.first_republished_day(thursday)) == (True, date(2026, 9, 28))
    assert daily.first_republished_day(thursday) == thursday


def test_a_serving_view_without_its_date_column_is_refused_by_name():
    with pytest.raises(DeclarationError, match=r"sql/serving/example\.sql: declare @partition_by"):
        serving_file_from_sql(
            "serving/example.sql", "-- One row per day.\n-- @republish whole\n" + VIEW
        )
