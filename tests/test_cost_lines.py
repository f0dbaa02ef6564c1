"""Which cost line a record is booked on (SPEC 2), built by the model harness from tiny raw files:
the cost of a failed run reached through its session, a sub-agent session or its task, and
billing lines of tool services on the tool line."""

from decimal import Decimal

import pytest

from tests.conftest import write

AS_OF = {"as_of": "2026-12-01T00:00:00"}
ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
)
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
REQUESTS = (
    "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id,"
    "task_id,session_id,parent_session_id,agent_id,team_id\n"
)
BILLING = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
    "ChargeCategory,ServiceName,Tags\n"
)


@pytest.fixture
def session_run(data_dir, build_models, contract_failures, query):
    """Actions a1 and a2 in session s1 (task t1), with the given events; request r1 names only
    s1, r2 only the sub-agent session s1-sub under it, r3 only task t1. Returns the ledger rows
    of the three requests and the fleet showback's inference and failed-run lines."""

    def run(events: str, actions: tuple[str, ...] = ("a1",)) -> dict:
        rows = {
            "a1": "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n",
            "a2": "a2,2026-10-01T09:30:00Z,t1,s1,,agent-a,team-x,triage,G1\n",
        }
        write(data_dir, "agent_actions/a.csv", ACTIONS + "".join(rows[a] for a in actions))
        write(data_dir, "action_events/e.csv", EVENTS + events)
        write(
            data_dir,
            "llm_requests/r.csv",
            REQUESTS
            + "r1,2026-10-01T09:01:00Z,gpt-4o,100,10,1.00,,,s1,,agent-a,\n"
            + "r2,2026-10-01T09:02:00Z,gpt-4o,100,10,0.50,,,s1-sub,s1,agent-sub,\n"
            + "r3,2026-10-01T09:03:00Z,gpt-4o,100,10,0.30,,t1,,,,\n",
        )
        build_models("marts/showback", metric=AS_OF)
        assert contract_failures() == {}
        ledger = query(
            "SELECT record_id, cost_line, amount_usd, task_id, attribution "
            "FROM core.cost_ledger WHERE source = 'llm_requests' ORDER BY ALL"
        )
        showback = query(
            "SELECT inference_cost_usd, failed_run_cost_usd, total_cost_usd FROM marts.showback "
            "WHERE period = 'day' AND grain = 'fleet' AND period_start = DATE '2026-10-01'"
        )
        return {"ledger": ledger, "showback": showback}

    return run


FAILED = "e1,a1,run_error,,2026-10-01T09:05:00Z\n"
ACCEPTED = "e1,a1,accepted,,2026-10-01T09:05:00Z\n"


def test_cost_naming_a_failed_runs_session_or_sub_agent_session_is_failed_run_cost(session_run):
    out = session_run(FAILED)
    assert out["ledger"] == [
        ("r1", "failed_run", Decimal("1"), "t1", "session_tree"),
        ("r2", "failed_run", Decimal("0.5"), "t1", "session_tree"),
        ("r3", "failed_run", Decimal("0.3"), "t1", "task"),
    ]
    assert out["showback"] == [(Decimal("0"), Decimal("1.8"), Decimal("1.8"))]


def test_cost_naming_an_accepted_actions_session_stays_on_inference(session_run):
    out = session_run(ACCEPTED)
    assert out["ledger"] == [
        ("r1", "inference", Decimal("1"), "t1", "session_tree"),
        ("r2", "inference", Decimal("0.5"), "t1", "session_tree"),
        ("r3", "inference", Decimal("0.3"), "t1", "task"),
    ]
    assert out["showback"] == [(Decimal("1.8"), Decimal("0"), Decimal("1.8"))]


def test_a_session_with_a_failed_run_and_an_accepted_action_splits_its_cost_evenly(session_run):
    out = session_run(FAILED + "e2,a2,accepted,,2026-10-01T09:35:00Z\n", actions=("a1", "a2"))
    assert [r[:3] for r in out["ledger"]] == [
        ("r1", "inference", Decimal("0.5")),
        ("r1#failed_run", "failed_run", Decimal("0.5")),
        ("r2", "inference", Decimal("0.25")),
        ("r2#failed_run", "failed_run", Decimal("0.25")),
        ("r3", "inference", Decimal("0.15")),
        ("r3#failed_run", "failed_run", Decimal("0.15")),
    ]
    assert out["showback"] == [(Decimal("0.9"), Decimal("0.9"), Decimal("1.8"))]


def test_a_split_request_is_counted_once_and_its_tokens_split_like_its_money(session_run, query):
    session_run(FAILED + "e2,a2,accepted,,2026-10-01T09:35:00Z\n", actions=("a1", "a2"))
    assert query(
        "SELECT record_id, requests, input_tokens, output_tokens, model FROM core.cost_ledger "
        "WHERE record_id LIKE 'r1%' ORDER BY ALL"
    ) == [("r1", 1, 50, 5, "gpt-4o"), ("r1#failed_run", 0, 50, 5, "gpt-4o")]
    # three requests of 110 tokens each, all three split: each counted once, not twice
    assert query(
        "SELECT requests, tokens FROM marts.showback "
        "WHERE period = 'day' AND grain = 'fleet' AND period_start = DATE '2026-10-01'"
    ) == [(3, 330)]


def test_an_uneven_split_gives_the_failed_run_the_tokens_rounded_down_and_the_kept_part_the_rest(
    data_dir, build_models, contract_failures, query
):
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS
        + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n"
        + "a2,2026-10-01T09:30:00Z,t1,s1,,agent-a,team-x,triage,G1\n",
    )
    write(
        data_dir, "action_events/e.csv", EVENTS + FAILED + "e2,a2,accepted,,2026-10-01T09:35:00Z\n"
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS + "r1,2026-10-01T09:01:00Z,gpt-4o,101,11,1.00,,,s1,,agent-a,\n",
    )
    build_models("core/cost_ledger", metric=AS_OF)
    assert contract_failures() == {}
    assert query(
        "SELECT record_id, requests, input_tokens, output_tokens, amount_usd "
        "FROM core.cost_ledger ORDER BY ALL"
    ) == [("r1", 1, 51, 6, Decimal("0.5")), ("r1#failed_run", 0, 50, 5, Decimal("0.5"))]


@pytest.fixture
def billing_run(data_dir, build_models, contract_failures, query):
    """One accepted action a1 of task t1 and three billing lines of one day: a $4 line tagged
    to t1 with cost_line 'tool', a $2 line of the service 'Vector Store' tagged to t1, and a $1
    line tagged to t1 of another service. Returns t1's ledger rows of billing."""

    def run(**metric) -> list[tuple]:
        write(
            data_dir,
            "agent_actions/a.csv",
            ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n",
        )
        write(data_dir, "action_events/e.csv", EVENTS + ACCEPTED)
        write(
            data_dir,
            "billing_lines/b.csv",
            BILLING
            + '4.00,4.00,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Search API,"'
            + '{""task"":""t1"",""cost_line"":""Tool""}"\n'
            + '2.00,2.00,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Vector Store,"'
            + '{""task"":""t1""}"\n'
            + '1.00,1.00,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Compute,"'
            + '{""task"":""t1""}"\n',
        )
        build_models("marts/showback", metric={**AS_OF, **metric})
        assert contract_failures() == {}
        return query(
            "SELECT cost_line, amount_usd, task_id, attribution FROM core.cost_ledger "
            "WHERE source = 'billing_lines' ORDER BY ALL"
        )

    return run


def test_billing_lines_tagged_as_tools_or_of_listed_services_are_tool_cost(billing_run, query):
    assert billing_run(tool_services=["vector store"]) == [
        ("infrastructure", Decimal("1"), "t1", "task"),
        ("tool", Decimal("2"), "t1", "task"),
        ("tool", Decimal("4"), "t1", "task"),
    ]
    assert query(
        "SELECT tool_cost_usd, infrastructure_cost_usd FROM marts.showback "
        "WHERE period = 'day' AND grain = 'fleet' AND period_start = DATE '2026-10-01'"
    ) == [(Decimal("6"), Decimal("1"))]


def test_an_unlisted_service_without_the_tag_stays_infrastructure(billing_run):
    assert billing_run() == [
        ("infrastructure", Decimal("1"), "t1", "task"),
        ("infrastructure", Decimal("2"), "t1", "task"),
        ("tool", Decimal("4"), "t1", "task"),
    ]


def test_an_untagged_tool_service_line_is_allocated_on_the_tool_line(data_dir, billing_run):
    write(
        data_dir,
        "billing_lines/shared.csv",
        BILLING + "5.00,5.00,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,Vector Store,\n",
    )
    assert ("tool", Decimal("5"), "t1", "allocated_proportional") in billing_run(
        tool_services=["Vector Store"]
    )
