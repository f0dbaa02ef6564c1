"""Closing the loop (seeds 000, 003, 004): model right-sizing, agent levers, the autonomy gate and
runtime caps, read from planted fleets through the real models."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import write

AS_OF = "2026-12-31T00:00:00"


def work(data_dir, *actions: dict) -> None:
    """Write the files of the given actions. Each is a dict with id, day (date), agent, task,
    task_type, model, requests (per action), usd (per request), outcome ('accepted', 'reverted'
    after acceptance, or None: pending), consequence (USD booked to it, or 0)."""
    action_rows, event_rows, request_rows, consequence_rows = [], [], [], []
    for a in actions:
        start = datetime.combine(a["day"], datetime.min.time()) + timedelta(hours=9)

        def at(hours: float) -> str:
            return (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")

        action_rows.append(
            f"{a['id']},{at(0)},{a.get('task', 't-' + a['id'])},{a['agent']},team-x,"
            f"{a.get('task_type', 'support')},G0\n"
        )
        if a.get("outcome") in ("accepted", "reverted"):
            event_rows.append(f"e-{a['id']},{a['id']},accepted,,{at(1)}\n")
        if a.get("outcome") == "reverted":
            event_rows.append(f"r-{a['id']},{a['id']},reverted,,{at(2)}\n")
        for n in range(a.get("requests", 1)):
            request_rows.append(
                f"{a['id']}-{n},{at(0.1)},{a.get('model', 'small-model')},openai,500,500,"
                f"{a['usd']},{a['id']}\n"
            )
        if a.get("consequence"):
            consequence_rows.append(
                f"c-{a['id']},refund,{a['consequence']},USD,{at(3)},{a['id']}\n"
            )
    write(
        data_dir,
        "agent_actions/a.csv",
        "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
        + "".join(action_rows),
    )
    write(
        data_dir,
        "action_events/e.csv",
        "event_id,action_id,event_type,escalation_kind,occurred_at\n" + "".join(event_rows),
    )
    write(
        data_dir,
        "llm_requests/r.csv",
        "request_id,requested_at,model,provider,input_tokens,output_tokens,reported_cost_usd,"
        "action_id\n" + "".join(request_rows),
    )
    write(
        data_dir,
        "consequence_records/c.csv",
        "record_id,record_type,amount,currency,occurred_at,action_id\n" + "".join(consequence_rows),
    )


def many(prefix: str, count: int, **action) -> list[dict]:
    return [{"id": f"{prefix}{n}", **action} for n in range(count)]


OCTOBER = date(2026, 10, 5)


@pytest.fixture
def two_models(data_dir, build_models, query):
    """Seed 004's paradox on one task type: a small model at 0.50 a run that fails half the time,
    each failure costing a 10.00 refund, and a large model at 2.00 a run that fails 2 times in 40;
    and a third model with too few accepted actions to compare."""
    work(
        data_dir,
        *many(
            "s",
            30,
            day=OCTOBER,
            agent="agent-a",
            model="small-model",
            usd="0.50",
            outcome="accepted",
        ),
        *many(
            "f",
            30,
            day=OCTOBER,
            agent="agent-a",
            model="small-model",
            usd="0.50",
            outcome="reverted",
            consequence="10.00",
        ),
        *many(
            "l",
            38,
            day=OCTOBER,
            agent="agent-b",
            model="large-model",
            usd="2.00",
            outcome="accepted",
        ),
        *many(
            "x",
            2,
            day=OCTOBER,
            agent="agent-b",
            model="large-model",
            usd="2.00",
            outcome="reverted",
            consequence="10.00",
        ),
        *many(
            "t", 5, day=OCTOBER, agent="agent-c", model="tiny-model", usd="0.10", outcome="accepted"
        ),
    )
    build_models("marts/model_right_sizing", metric={"as_of": AS_OF})
    return query(
        "SELECT model, accepted_units, total_cost_usd, inference_usd_per_million_tokens, "
        "cost_per_accepted_action, best_model, usd_at_stake, cheaper_per_token_than_best, "
        "advice_status, advice FROM marts.model_right_sizing ORDER BY model"
    )


def test_the_dearer_model_is_best_per_accepted_action_with_the_dollars_at_stake(two_models):
    large, small = two_models[0], two_models[1]
    assert large == (
        "large-model",
        Decimal("38"),
        Decimal("100.00"),  # 40 runs at 2.00 and 2 refunds of 10.00
        Decimal("2000"),
        Decimal("2.631578947368"),
        "large-model",
        Decimal("0"),
        False,
        "best per accepted action",
        "best per accepted action, though dearer per token than another model",
    )
    assert small == (
        "small-model",
        Decimal("30"),
        Decimal("330.00"),  # 60 runs at 0.50 and 30 refunds of 10.00
        Decimal("500"),
        Decimal("11"),
        "large-model",
        Decimal("251.05263157896"),  # (11 - 2.631578947368) x 30 accepted units
        True,
        "dearer per accepted action",
        "dearer per accepted action than large-model, though cheaper per token",
    )


def test_a_model_with_too_few_accepted_units_gets_no_advice_and_says_why(two_models):
    tiny = two_models[2]
    assert tiny[5:] == (
        None,
        None,
        False,
        "no advice",
        "too few accepted units to compare: 5.00 of 30 needed",
    )
