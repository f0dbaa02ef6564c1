"""Where a consequence record lands (SPEC 5), built by the model harness from raw files: a
record naming only an agent or team is spread over the owner's failed actions of the trailing
survival window ending on its day, one naming a task over the task's failed actions up to its
day, and every part is dated on the day of the action it is booked to. A daily run recomputes
only the records whose window it touches, so a day late in a month costs what a day early in it
costs. The ledger's contracts (money conserved, every ledger dollar in one showback line) are
asserted through their check queries."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import day_tags, write
from tests.model_harness import build_models, contract_failures

ACTIONS = "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
CONSEQUENCES = (
    "record_id,record_type,amount,currency,amount_unit,occurred_at,action_id,task_id,agent_id,"
    "team_id,description\n"
)


def failed(action: str, day: str, task: str = "t-x") -> tuple[str, str]:
    """An action of agent-a (team-x) on `day`, accepted and then reverted the same day."""
    return (
        f"{action},{day}T09:00:00Z,{task},agent-a,team-x,triage,G1\n",
        f"{action}-ok,{action},accepted,,{day}T09:05:00Z\n"
        f"{action}-rev,{action},reverted,,{day}T12:00:00Z\n",
    )


@pytest.fixture
def fleet(data_dir, build_models, contract_failures):
    """agent-a's failed actions a1 (5 October, task t1), a4 (8 October, t1), a2 (20 October, t2)
    and a5 (25 October, t1); a3 (12 October) is accepted. Builds the showback with the given
    consequence rows; every blocking contract holds."""

    def run(consequences: str, **metric):
        rows = [
            failed("a1", "2026-10-05", "t1"),
            failed("a4", "2026-10-08", "t1"),
            failed("a2", "2026-10-20", "t2"),
            failed("a5", "2026-10-25", "t1"),
        ]
        write(
            data_dir,
            "agent_actions/a.csv",
            ACTIONS
            + "".join(a for a, _ in rows)
            + "a3,2026-10-12T09:00:00Z,t3,agent-a,team-x,triage,G1\n",
        )
        write(
            data_dir,
            "action_events/e.csv",
            EVENTS + "".join(e for _, e in rows) + "a3-ok,a3,accepted,,2026-10-12T09:05:00Z\n",
        )
        write(data_dir, "consequence_records/c.csv", CONSEQUENCES + consequences)
        build_models("marts/showback", metric={"as_of": "2026-12-31T00:00:00", **metric})
        assert contract_failures() == {}

    return run


def consequence_parts(query) -> list[tuple]:
    return query(
        "SELECT action_id, agent_id, task_id, CAST(cost_date AS VARCHAR), "
        "CAST(source_date AS VARCHAR), amount_usd, attribution FROM core.cost_ledger "
        "WHERE source = 'consequence_records' ORDER BY action_id NULLS LAST"
    )


AGENT_REFUND = "k1,refund,9.00,USD,,2026-10-15T10:00:00Z,,,agent-a,,\n"


def test_an_agent_only_refund_lands_only_on_failures_up_to_its_day(fleet, query):
    fleet(AGENT_REFUND)
    # a2 and a5 failed after the refund: it cannot follow from them; a3 was accepted
    assert consequence_parts(query) == [
        ("a1", "agent-a", "t1", "2026-10-05", "2026-10-15", Decimal("4.50"), "spread_agent"),
        ("a4", "agent-a", "t1", "2026-10-08", "2026-10-15", Decimal("4.50"), "spread_agent"),
    ]


def test_an_agent_only_refund_with_no_failure_in_its_window_stays_on_the_agent(
    fleet, query, failing_rows
):
    fleet(AGENT_REFUND, survival_window_days=5)  # window 10 to 15 October: no failure
    assert consequence_parts(query) == [
        (None, "agent-a", None, "2026-10-15", "2026-10-15", Decimal("9.00"), "agent"),
    ]
    assert failing_rows("ledger_in_showback") == []
    assert query(
        "SELECT failure_impact_cost_usd FROM marts.showback WHERE grain = 'agent' "
        "AND period = 'day' AND period_start = DATE '2026-10-15'"
    ) == [(Decimal("9.00"),)]


def test_a_team_only_refund_follows_the_window_of_the_team(fleet, query):
    fleet("k1,refund,9.00,USD,,2026-10-21T10:00:00Z,,,,team-x,\n", survival_window_days=14)
    # window 7 to 21 October: a4 and a2; a1 (5 October) is older, a5 later
    assert consequence_parts(query) == [
        ("a2", "agent-a", "t2", "2026-10-20", "2026-10-21", Decimal("4.50"), "spread_team"),
        ("a4", "agent-a", "t1", "2026-10-08", "2026-10-21", Decimal("4.50"), "spread_team"),
    ]


def test_a_task_refund_is_spread_over_the_tasks_failures_up_to_its_day(fleet, query):
    fleet("k1,refund,9.00,USD,,2026-10-15T10:00:00Z,,t1,,,\n")
    # t1's failures: a1, a4 and a5; a5 comes after the refund
    assert consequence_parts(query) == [
        ("a1", "agent-a", "t1", "2026-10-05", "2026-10-15", Decimal("4.50"), "spread_task"),
        ("a4", "agent-a", "t1", "2026-10-08", "2026-10-15", Decimal("4.50"), "spread_task"),
    ]


def test_a_task_refund_before_any_failure_of_the_task_stays_on_the_task(fleet, query):
    fleet("k1,refund,9.00,USD,,2026-10-01T10:00:00Z,,t1,,,\n")
    assert consequence_parts(query) == [
        (None, "agent-a", "t1", "2026-10-01", "2026-10-01", Decimal("9.00"), "task"),
    ]


def test_a_late_refund_restates_the_day_of_the_failure_it_names(fleet, query):
    fleet("k1,refund,9.00,USD,,2026-11-20T10:00:00Z,a1,,,,\n")
    assert consequence_parts(query) == [
        ("a1", "agent-a", "t1", "2026-10-05", "2026-11-20", Decimal("9.00"), "action"),
    ]
    assert query(
        "SELECT period_start, failure_impact_cost_usd FROM marts.showback WHERE grain = 'fleet' "
        "AND period = 'day' AND failure_impact_cost_usd <> 0"
    ) == [(date(2026, 10, 5), Decimal("9.00"))]


# A daily run late in a month books no more spread parts than one early in it. agent-a fails
# one action a day from 25 September to 30 October, and each day an agent-only refund arrives;
# with a 3-day survival window each refund is spread over the 4 failures of [day - 3, day].
WINDOW = {"survival_window_days": 3}


def day_files(data_dir, day: str, n: int) -> None:
    action, events = failed(f"a{n:02d}", day)
    write(data_dir, f"agent_actions/{day}.csv", ACTIONS + action)
    write(data_dir, f"action_events/{day}.csv", EVENTS + events)
    write(
        data_dir,
        f"consequence_records/{day}.csv",
        CONSEQUENCES + f"k{n:02d},refund,4.00,USD,,{day}T15:00:00Z,,,agent-a,,\n",
    )


@pytest.fixture(scope="module")
def daily_month(tmp_path_factory):
    """The days delivered up front (each file dated), then built as runs one after another: 25
    September to 1 October as one backfill, 2 October, 3 to 29 October as one backfill, 30
    October. {last day of the run: ledger parts it wrote}."""
    root = tmp_path_factory.mktemp("daily_month")
    data_dir, db_path = root / "data", root / "warehouse" / "agent_finops.duckdb"
    days = [f"2026-09-{d}" for d in range(25, 31)] + [f"2026-10-{d:02d}" for d in range(1, 31)]
    for n, day in enumerate(days):
        day_files(data_dir, day, n)
    written = {}
    for run_days in (
        ("2026-09-25", "2026-10-01"),
        "2026-10-02",
        ("2026-10-03", "2026-10-29"),
        "2026-10-30",
    ):
        rows_written = build_models(data_dir, db_path, tags=day_tags(run_days), metric=WINDOW)
        written[run_days if isinstance(run_days, str) else run_days[1]] = rows_written[
            "core/cost_ledger"
        ]
        assert contract_failures(db_path) == {}
    return root, written


def test_a_day_late_in_the_month_books_as_many_spread_parts_as_a_day_early_in_it(daily_month):
    _, written = daily_month
    assert (written["2026-10-02"], written["2026-10-30"]) == (4, 4)


def test_the_daily_runs_book_what_one_backfill_of_the_same_files_books(daily_month, tmp_path):
    root, _ = daily_month
    backfill_db = tmp_path / "backfill" / "agent_finops.duckdb"
    build_models(
        root / "data", backfill_db, tags=day_tags(("2026-09-25", "2026-10-30")), metric=WINDOW
    )
    assert contract_failures(backfill_db) == {}
    tables = {}
    for name, path in (
        ("daily", root / "warehouse" / "agent_finops.duckdb"),
        ("backfill", backfill_db),
    ):
        with duckdb.connect(str(path), read_only=True) as conn:
            # a matured failure's estimate (its segment's average at the as_of of the run that
            # last recomputed it) is a reference figure, not its impact, so it is left out
            tables[name] = [
                conn.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
                for table, columns in (
                    ("core.cost_ledger", "*"),
                    (
                        "core.action_failure_impact",
                        "* EXCLUDE (estimated_impact_usd, consequence_level, reference_failures)",
                    ),
                    ("marts.showback", "*"),
                )
            ]
    assert tables["daily"] == tables["backfill"]
    assert len(tables["daily"][0]) == 36 * 4 - 6  # the first three refunds find 1, 2, 3 failures
