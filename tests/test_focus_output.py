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
        ACTIONS
        + "a1,2026-10-01T09:00:00Z,t1,agent-a,team-x,triage,G0\n"
        + "a2,2026-10-01T11:00:00Z,t2,agent-a,team-x,triage,G0\n",
    )
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS
        + "e1,a1,accepted,,2026-10-01T10:00:00Z\n"
        + "e2,a2,run_error,,2026-10-01T11:30:00Z\n",
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        REQUESTS
        + "r1,2026-10-01T09:10:00Z,gpt-4o,100,10,0.000000000001,a1\n"
        + "r2,2026-10-01T09:20:00Z,gpt-4o,100,10,0.5,a1\n"
        + "r3,2026-10-01T09:30:00Z,gpt-4o-mini,100,10,0.25,a1\n"
        + "r4,2026-10-02T09:30:00Z,gpt-4o,100,10,1,a1\n"
        + "r5,2026-10-01T11:10:00Z,GPT-4o,100,10,2,a2\n",
    )
    build_models(metric={"as_of": "2026-12-01T00:00:00"}, serving_views=True)
    accepted = ("t1", "accepted_confirmed", "inference")
    assert query(
        "SELECT CAST(ChargePeriodStart AS DATE), ResourceName, EffectiveCost, x_ledger_parts, "
        "x_task_id, x_outcome, x_cost_line FROM serving.cost_allocation_focus "
        "WHERE x_source = 'llm_requests' ORDER BY ALL"
    ) == [
        (date(2026, 10, 1), "gpt-4o", Decimal("0.500000000001"), 2, *accepted),  # r1 and r2
        # r5, of a failed run: its model kept on the failed-run line, in lower case
        (date(2026, 10, 1), "gpt-4o", Decimal("2"), 1, "t2", "failed_run", "failed_run"),
        (date(2026, 10, 1), "gpt-4o-mini", Decimal("0.25"), 1, *accepted),
        (date(2026, 10, 2), "gpt-4o", Decimal("1"), 1, *accepted),
    ]
    assert query(
        "SELECT (SELECT SUM(EffectiveCost) FROM serving.cost_allocation_focus), "
        "(SELECT SUM(amount_usd) FROM core.cost_ledger), "
        "(SELECT SUM(x_ledger_parts) FROM serving.cost_allocation_focus), "
        "(SELECT COUNT(*) FROM core.cost_ledger)"
    ) == [(Decimal("3.750000000001"), Decimal("3.750000000001"), 5, 5)]


def test_a_failed_runs_share_of_a_request_keeps_its_model(data_dir, build_models, query):
    # a3 (accepted) and a4 (failed run) share session s1; r6 names only the session, so its cost
    # splits into an inference part and a failed-run part ('r6#failed_run')
    write(
        data_dir,
        "agent_actions/a.csv",
        "action_id,attempted_at,task_id,session_id,agent_id,team_id,task_type,risk_grade\n"
        "a3,2026-10-01T09:00:00Z,t3,s1,agent-a,team-x,triage,G0\n"
        "a4,2026-10-01T09:30:00Z,t3,s1,agent-a,team-x,triage,G0\n",
    )
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS
        + "e3,a3,accepted,,2026-10-01T10:00:00Z\n"
        + "e4,a4,run_error,,2026-10-01T10:30:00Z\n",
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,session_id\n"
        "r6,2026-10-01T09:10:00Z,claude-sonnet-4-5,100,10,1.00,s1\n",
    )
    build_models(metric={"as_of": "2026-12-01T00:00:00"}, serving_views=True)
    assert query("SELECT record_id FROM core.cost_ledger WHERE cost_line = 'failed_run'") == [
        ("r6#failed_run",)
    ]
    assert query(
        "SELECT x_cost_line, ResourceName, EffectiveCost FROM serving.cost_allocation_focus "
        "ORDER BY x_cost_line"
    ) == [
        ("failed_run", "claude-sonnet-4-5", Decimal("0.5")),
        ("inference", "claude-sonnet-4-5", Decimal("0.5")),
    ]
