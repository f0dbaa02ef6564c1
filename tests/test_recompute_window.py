"""The recompute window on two months of tiny hand-written days: a run recomputes from the first
day that can have changed (a late refund reopens the month of the action it names), prices only
its day's records, checks the days it recomputed, and publishes and exports only its window;
what that gives equals a backfill of the same files."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import materialize_everything, write
from tests.test_daily_operation import model_tables, published_tables

ACTIONS = "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
REQUESTS = "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id\n"
METRIC = {"survival_window_days": 1}


def write_day(data_dir: Path, day: str, action: str, cost: str) -> None:
    """One action on `day`, accepted an hour later, with one request of `cost` dollars."""
    write(
        data_dir,
        f"agent_actions/{day}.csv",
        ACTIONS + f"{action},{day}T10:00:00Z,t-{action},agent-a,team-x,triage,G1\n",
    )
    write(
        data_dir,
        f"action_events/{day}.csv",
        EVENTS + f"e-{action},{action},accepted,,{day}T11:00:00Z\n",
    )
    write(
        data_dir,
        f"llm_requests/{day}.csv",
        REQUESTS + f"r-{action},{day}T10:30:00Z,m,10,10,{cost},{action}\n",
    )


def window_of_last_run(db_path: Path) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        cursor = conn.execute("SELECT * FROM audit.recompute_windows ORDER BY decided_at DESC")
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


@pytest.fixture(scope="module")
def two_months_built(tmp_path_factory):
    """A September and an October day, built day by day with a one-day survival window."""
    root = tmp_path_factory.mktemp("two_months")
    data_dir, db_path = root / "data", root / "warehouse" / "agent_finops.duckdb"
    write_day(data_dir, "2026-09-30", "a1", "1.00")
    assert materialize_everything(data_dir, db_path, METRIC, days="2026-09-30").success
    write_day(data_dir, "2026-10-02", "a2", "2.00")
    assert materialize_everything(data_dir, db_path, METRIC, days="2026-10-02").success
    return root


def showback_months(db_path: Path) -> tuple[int, int]:
    """marts.showback's rows for October and for September."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return conn.execute(
            "SELECT COUNT(*) FILTER (WHERE period_start >= DATE '2026-10-01'), "
            "COUNT(*) FILTER (WHERE period_start < DATE '2026-10-01') FROM marts.showback"
        ).fetchone()


@pytest.fixture(scope="module")
def day_by_day(two_months_built, tmp_path_factory):
    """The two months run on day by day (2026-10-03 with nothing new, then 2026-10-04 with a3's
    day): each run's result, recompute window and showback rows by month; and one backfill of
    the same files. Returns (daily folder, backfill folder, {day: (result, window, months)})."""
    root = tmp_path_factory.mktemp("day_by_day")
    data_dir, daily = root / "data", root / "warehouse"
    shutil.copytree(two_months_built / "data", data_dir)
    shutil.copytree(two_months_built / "warehouse", daily, symlinks=True)
    db_path = daily / "agent_finops.duckdb"
    runs = {}
    for day in ("2026-10-03", "2026-10-04"):
        if day == "2026-10-04":
            write_day(data_dir, day, "a3", "4.00")
        result = materialize_everything(data_dir, db_path, METRIC, days=day)
        assert result.success, day
        runs[day] = (result, window_of_last_run(db_path), showback_months(db_path))
    backfill_db = root / "backfill" / "agent_finops.duckdb"
    assert materialize_everything(
        data_dir, backfill_db, METRIC, days=("2026-09-30", "2026-10-04")
    ).success
    return daily, backfill_db.parent, runs


@pytest.fixture
def two_months(two_months_built, data_dir, db_path):
    """A copy of the two built days for one test, and a runner for later days."""
    shutil.copytree(two_months_built / "data", data_dir, dirs_exist_ok=True)
    shutil.copytree(two_months_built / "warehouse", db_path.parent, symlinks=True)

    def run(day: str):
        result = materialize_everything(data_dir, db_path, METRIC, days=day)
        assert result.success
        return result

    return run


def test_a_run_recomputes_from_the_month_of_the_earliest_day_that_can_change(day_by_day):
    result, window, (october, september) = day_by_day[2]["2026-10-03"]
    assert window["full_rebuild"] is False
    assert window["open_window_day"] == date(2026, 10, 1)  # as_of 10-04 less 1 + 1 days
    assert window["first_changed_input_day"] is None  # no file changed since the last build
    assert window["recompute_from"] == date(2026, 10, 1)
    showback = model_metadata(result, "marts", "showback")
    assert september > 0
    assert showback["rows_recomputed"].value == october
    assert showback["dagster/row_count"].value == october + september


def model_metadata(result, layer: str, name: str) -> dict:
    return next(
        m.materialization.metadata
        for m in result.get_asset_materialization_events()
        if m.asset_key.path == [layer, name]
    )


def test_a_day_prices_and_books_only_its_own_requests_while_outcomes_recompute_the_month(
    day_by_day,
):
    result, window, _ = day_by_day[2]["2026-10-04"]
    assert window["recompute_from"] == date(2026, 10, 1)
    assert window["records_from"] == date(2026, 10, 4)
    priced = model_metadata(result, "core", "llm_request_costs")
    assert (priced["recomputed_from"].text, priced["rows_recomputed"].value) == ("2026-10-04", 1)
    assert priced["dagster/row_count"].value == 3
    assert window["ledger_from"] == date(2026, 10, 4)
    ledger = model_metadata(result, "core", "cost_ledger")
    assert (ledger["ledger_from"].text, ledger["rows_recomputed"].value) == ("2026-10-04", 1)


@pytest.fixture(scope="module")
def late_refund(two_months_built, tmp_path_factory):
    """The two months, then a refund of a1 (30 September) delivered on 2026-10-03 and run:
    (the run's result, its recompute window, core.llm_request_costs' rows after it)."""
    root = tmp_path_factory.mktemp("late_refund")
    data_dir, db_path = root / "data", root / "warehouse" / "agent_finops.duckdb"
    shutil.copytree(two_months_built / "data", data_dir)
    shutil.copytree(two_months_built / "warehouse", db_path.parent, symlinks=True)
    write(
        data_dir,
        "consequence_records/2026-10-03.csv",
        "record_id,record_type,amount,currency,occurred_at,action_id\n"
        "refund-1,refund,5.00,USD,2026-10-03T09:00:00Z,a1\n",
    )
    result = materialize_everything(data_dir, db_path, METRIC, days="2026-10-03")
    assert result.success
    with duckdb.connect(str(db_path), read_only=True) as conn:
        priced = conn.execute("SELECT COUNT(*) FROM core.llm_request_costs").fetchone()[0]
    return result, window_of_last_run(db_path), priced


def test_a_run_with_no_new_records_prices_nothing(late_refund):
    result, window, priced = late_refund
    assert window["records_from"] == date(9999, 12, 31)
    for model in ("llm_request_costs", "labour_costs", "billing_line_days"):
        metadata = model_metadata(result, "core", model)
        assert metadata["recomputed_from"].text == "nothing changed", model
        assert metadata["rows_recomputed"].value == 0, model
    assert priced == 2


def test_the_metric_checks_cover_the_days_the_run_recomputed(day_by_day):
    result, _, _ = day_by_day[2]["2026-10-03"]
    checked = {
        e.check_name: (e.passed, e.metadata["checked_from"].value)
        for e in result.get_asset_check_evaluations()
        if e.check_name in ("money_conserved", "headline_is_well_formed")
    }
    assert checked == {
        "money_conserved": (True, "2026-10-01"),
        "headline_is_well_formed": (True, "2026-10-01"),
    }


def test_a_late_refund_reopens_the_month_of_the_action_it_names(late_refund):
    _, window, _ = late_refund
    assert window["first_changed_input_day"] == date(2026, 9, 30)  # a1's day, not the refund's
    assert window["recompute_from"] == date(2026, 9, 1)


def exported_tables(export_dir: Path) -> dict[str, list[tuple]]:
    """Every dataset of the current Parquet export, as its rows sorted."""
    with duckdb.connect() as conn:
        return {
            folder.name: conn.execute(
                "SELECT * EXCLUDE (period_month) FROM read_parquet($glob, hive_partitioning = true)"
                " ORDER BY ALL",
                {"glob": str(folder / "**" / "*.parquet")},
            ).fetchall()
            for folder in sorted((export_dir / "current").iterdir())
            if folder.is_dir()
        }


def test_partial_recomputes_give_the_tables_a_backfill_gives(day_by_day):
    daily, backfill, _ = day_by_day
    assert model_tables(daily / "agent_finops.duckdb") == model_tables(
        backfill / "agent_finops.duckdb"
    )


def test_a_partial_recompute_publishes_its_window_into_the_last_published_file(day_by_day):
    daily, backfill, runs = day_by_day
    last = runs["2026-10-04"][0]
    published = model_metadata(last, "serving", "published")
    assert published["started_from"].text.startswith("the file of run ")
    with duckdb.connect(str(daily / "published.duckdb"), read_only=True) as conn:
        previous_run_id, whole = conn.execute(
            "SELECT previous_run_id, tables_republished_whole FROM serving.publication"
        ).fetchone()
        september = conn.execute(
            "SELECT COUNT(*) FROM serving.showback_fleet_daily WHERE day < DATE '2026-10-01'"
        ).fetchone()[0]
    assert previous_run_id is not None
    assert "showback_by_task_daily" not in whole and "spend_forecast" in whole
    assert september == 1  # kept from the earlier file, not rewritten
    # the weekly views from the Monday of the window's first week (September 28), not whole:
    # that week holds September 30 and October 1-4, on both sides of recompute_from
    assert "showback_fleet_weekly" not in whole
    assert "showback_fleet_weekly: 1" in published["rows_written"].value
    assert published_tables(daily / "published.duckdb") == published_tables(
        backfill / "published.duckdb"
    )


def test_a_partial_recompute_exports_what_it_publishes(day_by_day):
    daily, backfill, runs = day_by_day
    last = runs["2026-10-04"][0]
    export = model_metadata(last, "serving", "parquet_export")
    kept = export["months_kept_from_previous_export"].value
    assert "showback_fleet_daily: 1" in kept  # September's files, linked from the last export
    exported = exported_tables(daily / "exports")
    assert exported == exported_tables(backfill / "exports")
    published = published_tables(daily / "published.duckdb")
    assert {name: len(rows) for name, rows in exported.items()} == {
        name: len(rows) for name, rows in published.items()
    }


def test_changing_a_metric_setting_rebuilds_everything(two_months, data_dir, db_path):
    result = materialize_everything(
        data_dir, db_path, {**METRIC, "weight_g1": "3"}, days="2026-10-03"
    )
    assert result.success
    window = window_of_last_run(db_path)
    assert window["full_rebuild"] is True
    assert "settings changed" in window["full_rebuild_reason"]
    with duckdb.connect(str(db_path), read_only=True) as conn:
        assert (
            conn.execute(
                "SELECT accepted_units FROM core.action_outcomes WHERE action_id = 'a1'"
            ).fetchone()[0]
            == 3
        )
