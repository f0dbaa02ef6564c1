"""Any window (SPEC 11): weekly views and showback_between(from_day, to_day) in the published
database, summed from the daily facts with the same statuses and the same three stories."""

from decimal import Decimal

import duckdb
import pytest

from tests.conftest import materialize_everything, serving_settings, write
from tests.test_worked_example import AS_OF, write_worked_example

THE_WEEK = "showback_between(DATE '2026-10-05', DATE '2026-10-11')"


def published_rows(db_path, sql: str) -> list[dict]:
    """Rows of a query on the published database, opened read-only as a BI tool would."""
    with duckdb.connect(serving_settings(db_path).published_database, read_only=True) as conn:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def worked_week(tmp_path_factory):
    """Seed 000's worked example (one ISO week, 2026-10-05 to 2026-10-11), run and published."""
    root = tmp_path_factory.mktemp("worked_week")
    (root / "data").mkdir()
    write_worked_example(root / "data")
    db_path = root / "warehouse" / "agent_finops.duckdb"
    result = materialize_everything(
        root / "data", db_path, {"as_of": AS_OF}, days=("2026-10-05", "2026-10-11")
    )
    assert result.success
    return db_path


def test_a_one_week_window_reads_the_worked_example(worked_week):
    [row] = published_rows(worked_week, f"SELECT * FROM {THE_WEEK} WHERE grain = 'fleet'")
    assert (
        str(row["from_day"]),
        str(row["to_day"]),
        row["cost_per_accepted_action"],
        row["direct_cost_per_accepted_action"],
        row["cost_per_run"],
        row["total_cost_usd"],
        row["accepted_units"],
        row["headline_status"],
    ) == (
        "2026-10-05",
        "2026-10-11",
        Decimal("6.20"),
        Decimal("3.80"),
        Decimal("2.48"),
        Decimal(31000),
        Decimal(5000),
        "final",
    )


def test_a_weekly_view_row_equals_the_macro_over_the_same_week(worked_week):
    [weekly] = published_rows(
        worked_week, "SELECT * FROM serving.showback_by_team_weekly WHERE team_id = 'team-0'"
    )
    [window] = published_rows(
        worked_week,
        f"SELECT * EXCLUDE (from_day, to_day, grain, agent_id, task_type, task_id) "
        f"FROM {THE_WEEK} WHERE grain = 'team' AND team_id = 'team-0'",
    )
    assert str(weekly.pop("week")) == "2026-10-05"
    assert weekly == window


def test_a_window_at_one_grain_holds_exactly_that_grains_rows_of_every_grain(worked_week):
    def week_at(grain: str) -> str:
        return (
            "showback_between(DATE '2026-10-05', DATE '2026-10-11', "
            f"at_grain := '{grain}') ORDER BY ALL"
        )

    every = published_rows(worked_week, f"SELECT * FROM {THE_WEEK} ORDER BY ALL")
    by_grain = {
        grain: published_rows(worked_week, f"SELECT * FROM {week_at(grain)}")
        for grain in ("fleet", "team", "agent", "task_type", "task")
    }
    assert {grain: len(rows) for grain, rows in by_grain.items()} == {
        "fleet": 1,
        "team": 2,
        "agent": 5,
        "task_type": 2,
        "task": 12502,
    }
    for grain, rows in by_grain.items():
        assert rows == [row for row in every if row["grain"] == grain], grain
    assert sum(len(rows) for rows in by_grain.values()) == len(every)
    assert published_rows(worked_week, f"SELECT * FROM {week_at('model')}") == []


def test_each_weekly_view_holds_every_week_of_its_grain(worked_week):
    # a weekly view asking for a grain the macro does not know would publish no rows
    views = {
        "fleet": "showback_fleet_weekly",
        "team": "showback_by_team_weekly",
        "agent": "showback_by_agent_weekly",
        "task_type": "showback_by_task_type_weekly",
        "task": "showback_by_task_weekly",
    }
    for grain, view in views.items():
        [published] = published_rows(worked_week, f"SELECT COUNT(*) AS n FROM serving.{view}")
        [expected] = published_rows(
            worked_week,
            "SELECT COUNT(*) AS n FROM showback_between(NULL, NULL, by_week := true) "
            f"WHERE grain = '{grain}'",
        )
        assert published["n"] == expected["n"] > 0, view


def test_a_window_of_a_whole_month_equals_the_monthly_row_column_for_column(worked_week):
    [monthly] = published_rows(worked_week, "SELECT * FROM serving.showback_fleet_monthly")
    [window] = published_rows(
        worked_week,
        "SELECT * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id) "
        "FROM showback_between(DATE '2026-10-01', DATE '2026-10-31') WHERE grain = 'fleet'",
    )
    monthly.pop("month")
    assert window == monthly


def test_a_window_of_one_day_equals_the_daily_row_column_for_column(worked_week):
    [daily] = published_rows(
        worked_week, "SELECT * FROM serving.showback_fleet_daily WHERE day = DATE '2026-10-07'"
    )
    [window] = published_rows(
        worked_week,
        "SELECT * EXCLUDE (from_day, to_day, grain, team_id, agent_id, task_type, task_id) "
        "FROM showback_between(DATE '2026-10-07', DATE '2026-10-07') WHERE grain = 'fleet'",
    )
    daily.pop("day")
    assert window == daily


ACTIONS = "action_id,attempted_at,task_id,session_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,occurred_at\n"
REQUESTS = (
    "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id,"
    "session_id\n"
)


def write_month_end(data_dir) -> None:
    """October 31: one accepted action costing $1; November 1: three accepted actions costing
    $3 each. Month ratios 1.00 and 3.00; the two days together cost 10 / 4 = 2.50."""
    actions = [
        ("a1", "2026-10-31"),
        ("a2", "2026-11-01"),
        ("a3", "2026-11-01"),
        ("a4", "2026-11-01"),
    ]
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS
        + "".join(f"{a},{d}T09:00:00Z,t-{a},s-{a},agent-a,team-x,triage,G0\n" for a, d in actions),
    )
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS + "".join(f"e-{a},{a},accepted,{d}T10:00:00Z\n" for a, d in actions),
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS
        + "".join(
            f"q-{a},{d}T09:01:00Z,gpt-4o,10,10,{'1.00' if a == 'a1' else '3.00'},{a},s-{a}\n"
            for a, d in actions
        ),
    )


@pytest.fixture(scope="module")
def month_end(tmp_path_factory):
    root = tmp_path_factory.mktemp("month_end")
    data_dir = root / "data"
    write_month_end(data_dir)
    db_path = root / "warehouse" / "agent_finops.duckdb"
    assert materialize_everything(data_dir, db_path, {"as_of": AS_OF}).success
    return data_dir, db_path


def test_a_window_spanning_two_months_is_its_days_summed_not_the_months_averaged(month_end):
    _, db_path = month_end
    months = published_rows(
        db_path, "SELECT month, cost_per_accepted_action FROM serving.showback_fleet_monthly"
    )
    assert sorted(r["cost_per_accepted_action"] for r in months) == [Decimal(1), Decimal(3)]
    [row] = published_rows(
        db_path,
        "SELECT cost_per_accepted_action, total_cost_usd, accepted_units, headline_status "
        "FROM showback_between(DATE '2026-10-31', DATE '2026-11-01') WHERE grain = 'fleet'",
    )
    assert row == {
        "cost_per_accepted_action": Decimal("2.5"),
        "total_cost_usd": Decimal(10),
        "accepted_units": Decimal(4),
        "headline_status": "final",
    }
    # the average of the two months' ratios would read 2.00
    assert row["cost_per_accepted_action"] != (Decimal(1) + Decimal(3)) / 2


def test_the_window_macro_survives_a_re_publish(month_end):
    data_dir, db_path = month_end
    write(
        data_dir,
        "llm_requests/r2.csv",
        REQUESTS + "q-extra,2026-11-01T09:02:00Z,gpt-4o,10,10,2.00,a2,s-a2\n",
    )
    assert materialize_everything(data_dir, db_path, {"as_of": AS_OF}).success
    [publication] = published_rows(db_path, "SELECT previous_run_id FROM serving.publication")
    [row] = published_rows(
        db_path,
        "SELECT total_cost_usd, cost_per_accepted_action "
        "FROM showback_between(DATE '2026-10-31', DATE '2026-11-01') WHERE grain = 'fleet'",
    )
    assert publication["previous_run_id"] is not None
    assert row == {"total_cost_usd": Decimal(12), "cost_per_accepted_action": Decimal(3)}


def test_a_window_holding_a_provisional_acceptance_is_provisional(data_dir, db_path):
    # a 20-day survival window judged at noon on November 20: October 31's acceptance (10:00) is
    # confirmed, November 1's are not
    write_month_end(data_dir)
    metric = {"as_of": "2026-11-20T12:00:00", "survival_window_days": 20}
    assert materialize_everything(data_dir, db_path, metric).success
    window = (
        "SELECT headline_status, accepted_confirmed_actions, accepted_provisional_actions "
        "FROM showback_between(DATE '2026-10-31', DATE '{}') WHERE grain = 'fleet'"
    )
    assert published_rows(db_path, window.format("2026-10-31")) == [
        {
            "headline_status": "final",
            "accepted_confirmed_actions": 1,
            "accepted_provisional_actions": 0,
        }
    ]
    assert published_rows(db_path, window.format("2026-11-01")) == [
        {
            "headline_status": "provisional",
            "accepted_confirmed_actions": 1,
            "accepted_provisional_actions": 3,
        }
    ]
