"""SPEC section 7 reference vectors, run against the project's own models (model harness) and
their checks' queries."""

from decimal import Decimal

import pytest

from tests.conftest import write
from tests.test_worked_example import write_worked_example

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
)
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
AS_OF = {"as_of": "2026-12-31T00:00:00"}


def fleet_month(query, *columns):
    return query(
        f"SELECT {', '.join(columns)} FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    )[0]


def test_without_failure_impact_the_worked_example_reads_3_80(data_dir, build_models, query):
    write_worked_example(data_dir)
    for path in (data_dir / "consequence_records").iterdir():
        path.unlink()
    build_models("marts/showback", metric=AS_OF)
    assert fleet_month(query, "cost_per_accepted_action", "failure_impact_cost_usd") == (
        Decimal("3.80"),
        Decimal(0),
    )


def test_zero_cost_gives_zero_and_every_share_zero(
    data_dir, build_models, contract_failures, query
):
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS
        + "".join(
            f"a{i},2026-10-01T09:00:00Z,t{i},s{i},,agent-a,team-x,triage,G0\n" for i in range(5)
        ),
    )
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS + "".join(f"e{i},a{i},accepted,,2026-10-01T10:00:00Z\n" for i in range(5)),
    )
    build_models("marts/showback", metric=AS_OF)
    shares = (
        "inference_share",
        "tool_share",
        "infrastructure_share",
        "oversight_share",
        "remediation_share",
        "failed_run_share",
        "failure_impact_share",
    )
    assert fleet_month(query, "accepted_units", "cost_per_accepted_action", *shares) == (
        Decimal(5),
        Decimal(0),
        *(Decimal(0),) * 7,
    )
    assert contract_failures() == {}


def test_a_negative_cost_line_is_a_credit(data_dir, build_models, contract_failures, query):
    """The library rejects negative totals; in the pipeline a negative bill amount is a credit
    (SPEC 9), passing the headline's contract (tests/test_credits.py publishes such rows)."""
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G0\n",
    )
    write(data_dir, "action_events/e.csv", EVENTS + "e1,a1,accepted,,2026-10-01T10:00:00Z\n")
    write(
        data_dir,
        "billing_lines/credit.csv",
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        "ChargeCategory,Tags\n"
        '-25.00,-25.00,USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Credit,"{""task"": ""t1""}"\n',
    )
    build_models("marts/showback", metric=AS_OF)
    assert contract_failures() == {}
    assert fleet_month(
        query, "infrastructure_cost_usd", "credits_usd", "cost_per_accepted_action"
    ) == (Decimal("-25"), Decimal("-25"), Decimal("-25"))


@pytest.mark.parametrize("bad", ["NaN", "inf", "-Infinity"])
def test_nan_and_infinite_amounts_are_rejected_with_a_clear_reason(
    bad, data_dir, build_models, contract_failures, query
):
    write(
        data_dir,
        "tool_calls/t.csv",
        f"call_id,called_at,tool_name,cost_usd\nc1,2026-10-01T09:00:00Z,search,{bad}\n",
    )
    build_models("marts/showback", metric=AS_OF)
    assert contract_failures() == {}
    assert query("SELECT reason FROM audit.quarantine") == [
        (f"cost_usd: not a decimal number ('{bad}')",)
    ]
