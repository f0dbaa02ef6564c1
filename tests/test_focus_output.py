"""The FOCUS allocation output (serving.cost_allocation_focus) at daily roll-up grain: one row per
charge day, owner, service and model, cost line and attribution, its money re-summing exactly to
the ledger, built by the model harness from raw files."""

from datetime import date
from decimal import Decimal

from tests.conftest import write

ACTIONS = "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
REQUESTS = "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id\n"


def test_a_days_requests_of_one_owner_and_model_are_one_focus_row(data_dir, build_models, query):
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
        + "r1,2026-10-01T09:10:00Z,gpt-4o,100,10,0.000000000001,a1\n"
        + "r2,2026-10-01T09:20:00Z,gpt-4o,100,10,0.5,a1\n"
        + "r3,2026-10-01T09:30:00Z,gpt-4o-mini,100,10,0.25,a1\n"
        + "r4,2026-10-02T09:30:00Z,gpt-4o,100,10,1,a1\n",
    )
    build_models(metric={"as_of": "2026-12-01T00:00:00"}, serving_views=True)
    accepted = ("t1", "accepted_confirmed", "inference")
    assert query(
        "SELECT CAST(ChargePeriodStart AS DATE), ResourceName, EffectiveCost, x_ledger_parts, "
        "x_task_id, x_outcome, x_cost_line FROM serving.cost_allocation_focus "
        "WHERE x_source = 'llm_requests' ORDER BY ALL"
    ) == [
        (date(2026, 10, 1), "gpt-4o", Decimal("0.500000000001"), 2, *accepted),  # r1 and r2
        (date(2026, 10, 1), "gpt-4o-mini", Decimal("0.25"), 1, *accepted),
        (date(2026, 10, 2), "gpt-4o", Decimal("1"), 1, *accepted),
    ]
    assert query(
        "SELECT (SELECT SUM(EffectiveCost) FROM serving.cost_allocation_focus), "
        "(SELECT SUM(amount_usd) FROM core.cost_ledger), "
        "(SELECT SUM(x_ledger_parts) FROM serving.cost_allocation_focus), "
        "(SELECT COUNT(*) FROM core.cost_ledger)"
    ) == [(Decimal("1.750000000001"), Decimal("1.750000000001"), 4, 4)]
