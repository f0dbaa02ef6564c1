"""Closing the loop (seeds 000, 003, 004): model right-sizing, agent levers, the autonomy gate and
runtime caps, read from planted fleets through the real models."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import write

AS_OF = "2026-12-31T00:00:00"


def work(data_dir, *actions: dict) -> None:
    """Write the files of the given actions. Each is a dict with id, day (date), agent, task,
    task_type, model, requests (per action), usd (per request), input, output and reasoning tokens
    (per request; 500, 500 and 0 unless given), outcome ('accepted', 'reverted' after acceptance,
    or None: pending), consequence (USD booked to it, or 0)."""
    action_rows, event_rows, request_rows, consequence_rows = [], [], [], []
    for a in actions:
        start = datetime.combine(a["day"], datetime.min.time()) + timedelta(hours=9)

        def at(hours: float, start: datetime = start) -> str:
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
                f"{a['id']}-{n},{at(0.1)},{a.get('model', 'small-model')},openai,"
                f"{a.get('input', 500)},{a.get('output', 500)},"
                f"{a.get('reasoning', 0)},{a['usd']},{a['id']}\n"
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
        "request_id,requested_at,model,provider,input_tokens,output_tokens,reasoning_tokens,"
        "reported_cost_usd,action_id\n" + "".join(request_rows),
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


def test_advice_on_open_survival_windows_says_it_is_provisional(data_dir, build_models, query):
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
            "l",
            30,
            day=OCTOBER,
            agent="agent-b",
            model="large-model",
            usd="2.00",
            outcome="accepted",
        ),
    )
    build_models("marts/model_right_sizing", metric={"as_of": "2026-10-20T00:00:00"})
    assert query(
        "SELECT model, window_complete, advice FROM marts.model_right_sizing ORDER BY model"
    ) == [
        ("large-model", False, "provisional: dearer per accepted action than small-model"),
        ("small-model", False, "provisional: best per accepted action"),
    ]


def test_a_model_with_too_few_accepted_units_gets_no_advice_and_says_why(two_models):
    tiny = two_models[2]
    assert tiny[5:] == (
        None,
        None,
        False,
        "no advice",
        "too few accepted units to compare: 5.00 of 30 needed",
    )


def month_of(prefix: str, agent: str, day: date, accepted: int, reverted: int) -> list[dict]:
    """40 actions of an agent in one month at 1.00 each: so many accepted, so many reverted after
    acceptance, the rest accepted too."""
    return [
        *many(f"{prefix}a", accepted, day=day, agent=agent, usd="1.00", outcome="accepted"),
        *many(f"{prefix}r", reverted, day=day, agent=agent, usd="1.00", outcome="reverted"),
    ]


def gate(query) -> list[tuple]:
    return query(
        "SELECT agent_id, status, reason, confirmed_windows, first_cost_per_accepted_action, "
        "last_cost_per_accepted_action FROM marts.autonomy_gate "
        "WHERE month = DATE '2026-09-01' ORDER BY agent_id"
    )


def test_the_autonomy_gate_follows_the_trend_of_confirmed_months(data_dir, build_models, query):
    july, august, september = date(2026, 7, 6), date(2026, 8, 6), date(2026, 9, 7)
    work(
        data_dir,
        # agent-down: acceptance falls, overrides rise
        *month_of("d7", "agent-down", july, 39, 1),
        *month_of("d8", "agent-down", august, 35, 5),
        *month_of("d9", "agent-down", september, 30, 10),
        # agent-up: acceptance rises, overrides fall
        *month_of("u7", "agent-up", july, 30, 10),
        *month_of("u8", "agent-up", august, 35, 5),
        *month_of("u9", "agent-up", september, 39, 1),
        # agent-new: one month of history
        *month_of("n9", "agent-new", september, 40, 0),
    )
    build_models("marts/autonomy_gate", metric={"as_of": AS_OF})
    assert gate(query) == [
        (
            "agent-down",
            "reduce",
            "override / reversal rate rose by 22.5 points",
            3,
            Decimal("1.025641025641"),  # 40 / 39
            Decimal("1.333333333333"),  # 40 / 30
        ),
        (
            "agent-new",
            "hold",
            "1 of 3 confirmed months: not enough history to move autonomy",
            1,
            Decimal("1"),
            Decimal("1"),
        ),
        (
            "agent-up",
            "expand",
            "cost per accepted action fell by 23.1 % and overrides did not rise",
            3,
            Decimal("1.333333333333"),
            Decimal("1.025641025641"),
        ),
    ]


def test_the_gate_compares_the_last_confirmed_months_only(data_dir, build_models, query):
    months = [date(2026, 6, 8), date(2026, 7, 6), date(2026, 8, 6), date(2026, 9, 7)]
    work(
        data_dir,
        # agent-cost: every action accepted; cost per action 2.00 in June, then 1.00, 1.05, 1.20:
        # up 20 % over the last three months (down against June, which is not compared)
        *[
            action
            for n, (day, usd) in enumerate(
                zip(months, ("2.00", "1.00", "1.05", "1.20"), strict=True)
            )
            for action in many(
                f"c{n}", 40, day=day, agent="agent-cost", usd=usd, outcome="accepted"
            )
        ],
        # agent-thin: 20 accepted a month, fewer than the 30 the rule needs
        *[
            action
            for n, day in enumerate(months[1:])
            for action in many(
                f"t{n}", 20, day=day, agent="agent-thin", usd="1.00", outcome="accepted"
            )
        ],
    )
    build_models("marts/autonomy_gate", metric={"as_of": AS_OF})
    assert gate(query) == [
        (
            "agent-cost",
            "reduce",
            "cost per accepted action rose by 20.0 %",
            3,
            Decimal("1"),
            Decimal("1.2"),
        ),
        (
            "agent-thin",
            "hold",
            "a compared month has too few accepted units (fewer than 30)",
            3,
            Decimal("1"),
            Decimal("1"),
        ),
    ]


def test_a_provisional_month_does_not_move_the_gate(data_dir, build_models, query):
    # September's survival windows are still open at the start of October: only July and August
    # are confirmed, so the gate holds for want of a third confirmed month
    work(
        data_dir,
        *month_of("u7", "agent-up", date(2026, 7, 6), 30, 10),
        *month_of("u8", "agent-up", date(2026, 8, 6), 35, 5),
        *month_of("u9", "agent-up", date(2026, 9, 7), 39, 1),
    )
    build_models("marts/autonomy_gate", metric={"as_of": "2026-10-01T00:00:00"})
    assert gate(query) == [
        (
            "agent-up",
            "hold",
            "2 of 3 confirmed months: not enough history to move autonomy",
            2,
            Decimal("1.333333333333"),
            Decimal("1.142857142857"),
        )
    ]


def capped_fleet(data_dir) -> None:
    """40 accepted tasks of triage by agent-a, task k costing k x 0.10 (k requests), two a day
    over 20 days so that every day costs 4.10; one runaway task that burned 10.00 on 3 October
    and was reverted; and 5 refunds tasks of agent-b, too few for a cap."""
    work(
        data_dir,
        *[
            {
                "id": f"k{k}",
                "day": date(2026, 10, 1) + timedelta(days=k - 1 if k <= 20 else 40 - k),
                "agent": "agent-a",
                "task_type": "triage",
                "requests": k,
                "usd": "0.10",
                "outcome": "accepted",
            }
            for k in range(1, 41)
        ],
        {
            "id": "runaway",
            "day": date(2026, 10, 3),
            "agent": "agent-a",
            "task_type": "triage",
            "requests": 100,
            "usd": "0.10",
            "outcome": "reverted",
        },
        *many(
            "few",
            5,
            day=date(2026, 10, 2),
            agent="agent-b",
            task_type="refunds",
            usd="1.00",
            outcome="accepted",
        ),
    )


def test_the_per_task_cap_sits_below_a_runaway_tail(data_dir, build_models, query):
    capped_fleet(data_dir)
    build_models("marts/runtime_caps", metric={"as_of": AS_OF})
    assert query(
        "SELECT scope, scope_id, cap_usd, status, basis, sample_size, largest_usd, above_cap, "
        "above_cap_usd FROM marts.runtime_caps WHERE month = DATE '2026-10-01' "
        "ORDER BY scope, scope_id"
    ) == [
        # days: 19 at 4.10 and the runaway's at 14.10; the 19th of 20 (ceil(0.95 x 20)) is
        # 4.10, and 1.5 x 4.10 = 6.15 stops the runaway day, 7.95 above it
        (
            "agent",
            "agent-a",
            Decimal("6.15"),
            "cap",
            "1.5 x the 0.95 percentile of 20 days with spend",
            20,
            Decimal("14.10"),
            1,
            Decimal("7.95"),
        ),
        (
            "agent",
            "agent-b",
            None,
            "no cap",
            "too few days with spend: 1 of 14",
            1,
            Decimal("5.00"),
            0,
            Decimal("0"),
        ),
        (
            "task_type",
            "refunds",
            None,
            "no cap",
            "too few accepted tasks: 5 of 30",
            5,
            Decimal("1.00"),
            0,
            Decimal("0"),
        ),
        # accepted tasks cost 0.10 to 4.00; the 38th of 40 is 3.80, and 1.5 x 3.80 = 5.70 sits
        # below the runaway task's 10.00
        (
            "task_type",
            "triage",
            Decimal("5.70"),
            "cap",
            "1.5 x the 0.95 percentile of 40 accepted tasks",
            40,
            Decimal("10.00"),
            1,
            Decimal("4.30"),
        ),
    ]


def test_an_agent_looping_deeper_than_the_fleet_shows_what_shallower_loops_would_save(
    data_dir, build_models, query
):
    agent = {"day": OCTOBER, "usd": "0.10", "outcome": "accepted"}
    work(
        data_dir,
        *many("a", 30, agent="agent-a", requests=1, **agent),
        *many("b", 30, agent="agent-b", requests=2, **agent),
        *many("c", 30, agent="agent-c", requests=3, **agent),
        # 15 actions of 1 request, 12 of 5, 3 of 20: 4.5 a action, median 1, p90 5
        *many("d1", 15, agent="agent-d", requests=1, **agent),
        *many("d5", 12, agent="agent-d", requests=5, **agent),
        *many("d20", 3, agent="agent-d", requests=20, **agent),
        *many("e", 30, agent="agent-e", requests=6, **agent),
        *many("f", 3, agent="agent-f", requests=9, **agent),
    )
    build_models("marts/agent_levers", metric={"as_of": AS_OF})
    # the better quartile of five agents is the 2nd lowest (ceil(5 x 0.25)): agent-b's 2
    assert query(
        "SELECT agent_id, requests_per_action, median_requests_per_action, "
        "p90_requests_per_action, fleet_quartile_requests_per_action, loop_depth_saving_usd, "
        "largest_lever FROM marts.agent_levers ORDER BY agent_id"
    ) == [
        ("agent-a", Decimal("1"), 1, 1, Decimal("2"), Decimal("0"), within_quartile()),
        ("agent-b", Decimal("2"), 2, 2, Decimal("2"), Decimal("0"), within_quartile()),
        # 9.00 of inference x (1 - 2 / 3)
        ("agent-c", Decimal("3"), 3, 3, Decimal("2"), Decimal("3"), "loop depth"),
        ("agent-d", Decimal("4.5"), 1, 5, Decimal("2"), Decimal("7.5"), "loop depth"),
        ("agent-e", Decimal("6"), 6, 6, Decimal("2"), Decimal("12"), "loop depth"),
        (
            "agent-f",
            Decimal("9"),
            9,
            9,
            Decimal("2"),
            None,
            "no advice: too few accepted units (3.00 of 30)",
        ),
    ]


def within_quartile() -> str:
    return "none: within the fleet's better quartile"


def test_the_latest_months_caps_become_a_tag_budget_and_a_session_budget(
    data_dir, db_path, run_pipeline
):
    capped_fleet(data_dir)
    assert run_pipeline(metric={"as_of": AS_OF}, days="2026-10-31").success
    budgets = json.loads((db_path.parent / "litellm_budgets.json").read_text())
    assert budgets["month"] == "2026-10-01"
    # LiteLLM's POST /tag/new body: a daily budget on requests tagged with the agent
    assert budgets["tags"] == [
        {
            "name": "agent:agent-a",
            "description": "Daily cap of agent agent-a: 1.5 x the 0.95 percentile of 20 days "
            "with spend",
            "max_budget": 6.15,
            "budget_duration": "1d",
        }
    ]
    # a LiteLLM agent's session cap: the per-task cap of the task type it served
    assert budgets["agents"] == [
        {
            "agent_name": "agent-a",
            "litellm_params": {
                "require_trace_id_on_calls_by_agent": True,
                "max_budget_per_session": 5.7,
            },
        }
    ]
    report = (db_path.parent / "showback_report.html").read_text()
    assert "<td>task type triage</td>\n<td>5.70 per task</td>" in report
    assert [(c["scope"], c["scope_id"], c["cap_usd"]) for c in budgets["caps"]] == [
        ("agent", "agent-a", "6.150000000000"),
        ("agent", "agent-b", None),
        ("task_type", "refunds", None),
        ("task_type", "triage", "5.700000000000"),
    ]


def test_an_agent_reasoning_three_times_its_baseline_is_drifting(data_dir, build_models, query):
    august, september = date(2026, 8, 4), date(2026, 9, 8)
    work(
        data_dir,
        *many("a8", 30, day=august, agent="agent-a", usd="0.10", reasoning=100, outcome="accepted"),
        *many(
            "a9", 30, day=september, agent="agent-a", usd="0.10", reasoning=300, outcome="accepted"
        ),
        *many("b8", 30, day=august, agent="agent-b", usd="0.10", reasoning=100, outcome="accepted"),
        *many(
            "b9", 30, day=september, agent="agent-b", usd="0.10", reasoning=120, outcome="accepted"
        ),
    )
    build_models("marts/agent_levers", metric={"as_of": AS_OF})
    assert query(
        "SELECT agent_id, reasoning_to_action_ratio, baseline_reasoning_to_action_ratio, "
        "reasoning_drift, reasoning_saving_usd FROM marts.agent_levers "
        "WHERE month = DATE '2026-09-01' ORDER BY agent_id"
    ) == [
        # 3.00 of inference, 300 of 1,000 tokens reasoning: 0.90, of which 120/300 would remain
        ("agent-a", Decimal("300"), Decimal("100"), True, Decimal("0.54")),
        ("agent-b", Decimal("120"), Decimal("100"), False, Decimal("0")),
    ]


def test_a_fleet_sized_month_of_reasoning_prices_its_levers_without_overflow(
    data_dir, build_models, query
):
    # 30 requests of 900 million output tokens at 1,000 USD each per agent: a month's inference
    # (30,000) times its reasoning tokens (27 billion) is beyond DECIMAL(38) at 24 places
    september = date(2026, 9, 8)
    fleet = {"day": september, "usd": "1000", "output": 900_000_000, "outcome": "accepted"}
    work(
        data_dir,
        *many("a9", 30, agent="agent-a", reasoning=900_000_000, **fleet),
        *many("b9", 30, agent="agent-b", reasoning=450_000_000, **fleet),
    )
    build_models("marts/agent_levers", metric={"as_of": AS_OF})
    rows = query(
        "SELECT agent_id, reasoning_saving_usd FROM marts.agent_levers "
        "WHERE month = DATE '2026-09-01' ORDER BY agent_id"
    )
    # agent-a reasons twice the fleet's better quartile (agent-b): half its reasoning cost, which
    # is its inference by the reasoning share of its tokens, 900,000,000 of 900,000,500
    reasoning_cost = Decimal(30000) * 900_000_000 / 900_000_500
    assert [agent for agent, _ in rows] == ["agent-a", "agent-b"]
    assert abs(rows[0][1] - reasoning_cost / 2) < Decimal("1e-8")
    assert rows[1][1] == 0
