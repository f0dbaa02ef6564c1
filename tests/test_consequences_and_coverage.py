"""Consequences on kept actions (SPEC 5) and the coverage figures (SPEC 12), run through the real
assets: one accepted action a1 (agent-a, team-x, task t1, 1 October 2026), judged on 1 December
so its survival window has closed."""

from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from pipeline.checks import ledger_in_showback
from pipeline.warehouse import Warehouse
from tests.conftest import DEFAULT_DAY, day_tags, write

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
    "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G0\n"
)
EVENTS = (
    "event_id,action_id,event_type,escalation_kind,occurred_at\n"
    "e1,a1,accepted,,2026-10-01T09:05:00Z\n"
)
REQUESTS = (
    "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id,"
    "task_id,session_id,parent_session_id,agent_id,team_id\n"
    "r1,2026-10-01T09:01:00Z,gpt-4o,100,10,1.00,a1,t1,s1,,agent-a,team-x\n"
)
CONSEQUENCES = (
    "record_id,record_type,amount,currency,amount_unit,occurred_at,action_id,task_id,agent_id,"
    "team_id,description\n"
)
RATES = "role,person_id,loaded_hourly_rate,currency,effective_from\nreviewer,,60,USD,2026-01-01\n"
ENTRIES = "entry_id,person_id,role,work_date,hours,activity,action_id,task_id,agent_id,team_id\n"


def write_fleet(data_dir, consequences: str = "", entries: str = "", requests: str = "") -> None:
    """a1 with extra consequence records, time entries and requests (CSV rows, no header)."""
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    write(data_dir, "action_events/e.csv", EVENTS)
    write(data_dir, "llm_requests/r.csv", REQUESTS + requests)
    write(data_dir, "consequence_records/c.csv", CONSEQUENCES + consequences)
    write(data_dir, "loaded_rates/rates.csv", RATES)
    write(data_dir, "time_entries/h.csv", ENTRIES + entries)


METRIC = {"as_of": "2026-12-01T00:00:00"}


@pytest.fixture
def fleet(data_dir, build_models):
    """Build marts.showback (and what it reads) from a1 with the given extra rows."""

    def run(consequences: str = "", entries: str = "", requests: str = "") -> None:
        write_fleet(data_dir, consequences, entries, requests)
        build_models("marts/showback", metric=METRIC)

    return run


REFUND_ON_A1 = "k1,refund,25,USD,major,2026-10-20T00:00:00Z,a1,,,,\n"


def test_refund_on_an_accepted_action_is_booked_on_its_failure_impact_line(fleet, query):
    fleet(consequences=REFUND_ON_A1)
    assert query(
        "SELECT task_id, failure_impact_cost_usd, failure_impact_observed_usd, "
        "consequences_on_accepted_usd, total_cost_usd, headline_status FROM marts.showback "
        "WHERE grain = 'task' AND period = 'day' AND period_start = DATE '2026-10-01'"
    ) == [("t1", Decimal(25), Decimal(25), Decimal(25), Decimal(26), "final")]


def test_refund_on_an_accepted_action_keeps_ledger_and_showback_equal(fleet, failing_rows, query):
    fleet(consequences=REFUND_ON_A1)
    assert failing_rows("ledger_in_showback") == []
    assert query("SELECT SUM(amount_usd) FROM core.cost_ledger") == [(Decimal(26),)]


def run_ledger_check(db_path) -> dg.AssetCheckEvaluation:
    result = dg.materialize(
        [ledger_in_showback],
        selection=dg.AssetSelection.checks(ledger_in_showback),
        resources={"warehouse": Warehouse(database=str(db_path))},
        tags=day_tags(DEFAULT_DAY),
        raise_on_error=False,
    )
    return result.get_asset_check_evaluations()[0]


def test_ledger_in_showback_fails_on_a_ledger_part_no_showback_line_carries(fleet, db_path):
    fleet(consequences=REFUND_ON_A1)
    with duckdb.connect(str(db_path)) as conn:
        # a copy of the refund's part, dated on a day the showback has not built
        conn.execute(
            "INSERT INTO core.cost_ledger SELECT * REPLACE ('k1-copy' AS record_id, "
            "DATE '2026-10-02' AS cost_date, NULL AS action_id) "
            "FROM core.cost_ledger WHERE record_id = 'k1'"
        )
    evaluation = run_ledger_check(db_path)
    assert evaluation.passed is False
    assert {
        key: evaluation.metadata[key].value
        for key in ("ledger_usd", "showback_usd", "difference_usd", "rows_not_conserved")
    } == {
        "ledger_usd": "51",
        "showback_usd": "26",
        "difference_usd": "25",
        "rows_not_conserved": 1,
    }


# Oversight hours: 3 naming a1 (reach it), 2 naming only agent-a on a1's day (spread over a1),
# 5 naming only agent-a on a day it has no action (stay at the agent), and 4 of training
# naming a1 (labour outside the seven lines, in neither the hours nor the spend share).
ENTRIES_MIXED = (
    "h1,p1,reviewer,2026-10-01,3,review,a1,,,\n"
    "h2,p1,reviewer,2026-10-01,2,monitoring,,,agent-a,\n"
    "h3,p1,reviewer,2026-10-02,5,review,,,agent-a,\n"
    "h4,p1,reviewer,2026-10-01,4,training,a1,,,\n"
)


def test_every_dollar_attributed_gives_a_spend_share_of_exactly_one(fleet, query):
    fleet(entries=ENTRIES_MIXED)
    assert query(
        "SELECT spend_attributed_share, other_labour_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal(1), Decimal(240))]


def test_spend_with_no_owner_lowers_the_spend_share(fleet, query):
    fleet(requests="r2,2026-10-01T09:02:00Z,gpt-4o,100,10,1.00,,,,,,\n")
    assert query(
        "SELECT spend_attributed_share, unallocated_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal("0.5"), Decimal(1))]


def test_unmapped_labour_hours_lower_the_hours_share(fleet, query):
    fleet(entries=ENTRIES_MIXED)
    assert query(
        "SELECT labour_hours_mapped_share FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal("0.5"),)]


def test_labour_naming_only_its_action_maps_every_hour(fleet, query):
    fleet(entries="h1,p1,reviewer,2026-10-01,3,review,a1,,,\n")
    assert query(
        "SELECT labour_hours_mapped_share FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal(1),)]
