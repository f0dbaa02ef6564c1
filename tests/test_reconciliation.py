"""SPEC section 10: LLM spend in a bill and in the request logs is counted once. Where both cover a
provider and day, the bill is spread over the requests in proportion to their request-level cost,
the difference is reported as reconciliation_variance_usd with its reason, and no bill line is
added on top; a bill with no request logged stays visible as unallocated inference."""

from decimal import Decimal

import pytest

from tests.conftest import check_results, write

ACTIONS = "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
REQUESTS = (
    "request_id,requested_at,model,provider,input_tokens,output_tokens,reported_cost_usd,"
    "action_id\n"
)
BILLING = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "ServiceName,Tags\n"
)
AS_OF = {"as_of": "2026-12-31T00:00:00"}


@pytest.fixture
def billed_and_logged(data_dir, run_pipeline, query):
    """Action a1 of team-x on 2026-10-01 (accepted) with two OpenAI requests at 0.006 and 0.004
    reported, and an untagged bill of the given lines (cost, ServiceName) for that day. Runs
    through the showback; returns the run."""

    def run(*lines: tuple[str, str]):
        write(
            data_dir,
            "agent_actions/a.csv",
            ACTIONS + "a1,2026-10-01T09:00:00Z,t1,agent-a,team-x,triage,G0\n",
        )
        write(data_dir, "action_events/e.csv", EVENTS + "e1,a1,accepted,,2026-10-01T10:00:00Z\n")
        write(
            data_dir,
            "llm_requests/r.csv",
            REQUESTS
            + "r1,2026-10-01T09:10:00Z,gpt-4o,openai,100,10,0.006,a1\n"
            + "r2,2026-10-01T09:20:00Z,gpt-4o,openai,50,5,0.004,a1\n",
        )
        write(
            data_dir,
            "billing_lines/2026-10-01.csv",
            BILLING
            + "".join(
                f"{cost},{cost},USD,2026-10-01 00:00:00,2026-10-02 00:00:00,Usage,{service},{{}}\n"
                for cost, service in lines
            ),
        )
        result = run_pipeline(metric=AS_OF, through=("marts/showback",))
        assert result.success
        assert check_results(result)[("cost_ledger", "money_conserved")]
        return result

    return run


def fleet_day(query) -> tuple:
    return query(
        "SELECT inference_cost_usd, infrastructure_cost_usd, total_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'day' AND period_start = DATE '2026-10-01'"
    )[0]


def reconciliation(query) -> list[tuple]:
    return query(
        "SELECT provider, status, billed_usd, request_level_usd, reconciliation_variance_usd "
        "FROM core.llm_bill_reconciliation ORDER BY provider"
    )


def test_a_bill_of_the_logged_requests_is_counted_once(billed_and_logged, query):
    result = billed_and_logged(("0.010", "OpenAI"))
    assert fleet_day(query) == (Decimal("0.010"), Decimal(0), Decimal("0.010"))  # not 0.020
    assert reconciliation(query) == [
        ("openai", "reconciled", Decimal("0.010"), Decimal("0.010"), Decimal(0))
    ]
    assert check_results(result)[("llm_bill_reconciliation", "llm_bills_reconcile")]


def test_a_discount_on_the_bill_is_the_inference_and_shows_as_variance(billed_and_logged, query):
    result = billed_and_logged(("0.008", "OpenAI"))
    assert fleet_day(query)[0] == Decimal("0.008")
    # each request takes its request-level share of the bill: 0.6 and 0.4 of 0.008
    assert query(
        "SELECT record_id, amount_usd FROM core.cost_ledger "
        "WHERE source = 'llm_requests' ORDER BY record_id"
    ) == [("r1", Decimal("0.0048")), ("r2", Decimal("0.0032"))]
    [(provider, status, billed, requested, variance)] = reconciliation(query)
    assert (billed, requested, variance) == (
        Decimal("0.008"),
        Decimal("0.010"),
        Decimal("-0.002"),
    )
    assert query("SELECT variance_reason FROM core.llm_bill_reconciliation")[0][0].startswith(
        "billed below the request logs"
    )
    assert not check_results(result)[("llm_bill_reconciliation", "llm_bills_reconcile")]


def test_a_bill_of_a_provider_with_no_request_logged_stays_unallocated_inference(
    billed_and_logged, query
):
    result = billed_and_logged(("0.500", "Anthropic"), ("0.010", "OpenAI"))
    assert reconciliation(query)[0][:2] == ("anthropic", "bill only")
    assert query(
        "SELECT cost_line, source_line_kind, amount_usd, unallocated_reason FROM core.cost_ledger "
        "WHERE source = 'billing_lines'"
    ) == [
        (
            "unallocated",
            "inference",
            Decimal("0.500"),
            "LLM bill with no request of its provider logged that day",
        )
    ]
    assert fleet_day(query)[1] == Decimal(0)  # never shared infrastructure
    assert not check_results(result)[("llm_bill_reconciliation", "llm_bills_reconcile")]


def test_a_bill_of_another_service_is_still_infrastructure(billed_and_logged, query):
    billed_and_logged(("0.300", "Amazon EC2"))
    assert fleet_day(query) == (Decimal("0.010"), Decimal("0.300"), Decimal("0.310"))
    assert [row[:2] for row in reconciliation(query)] == [("openai", "requests only")]
