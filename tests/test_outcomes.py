"""Outcome rules of SPEC section 3, run through the real assets."""

from datetime import datetime
from decimal import Decimal

import pytest

from tests.conftest import write

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
)
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
AS_OF = "2026-12-31T00:00:00"
# The models these tests read, and with them every model and check upstream of them.
OUTCOME_MODELS = ("core/action_outcomes", "core/action_events_before_attempt")


@pytest.fixture
def outcome_of(data_dir, build_models, query):
    """Build core.action_outcomes from one action and the given events; return its row."""

    def run(events: list[tuple[str, str, str]], grade: str = "G1", **metric) -> dict:
        write(
            data_dir,
            "agent_actions/a.csv",
            ACTIONS + f"a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,{grade}\n",
        )
        write(
            data_dir,
            "action_events/e.csv",
            EVENTS
            + "".join(
                f"e{i},a1,{kind},{escalation},{at}\n"
                for i, (kind, escalation, at) in enumerate(events)
            ),
        )
        build_models("core/action_outcomes", metric={"as_of": AS_OF, **metric})
        row = query(
            "SELECT outcome, failure_reason, accepted_units, window_complete "
            "FROM core.action_outcomes WHERE action_id = 'a1'"
        )[0]
        return dict(zip(("outcome", "reason", "units", "window_complete"), row, strict=True))

    return run


def test_accepted_action_past_its_window_is_confirmed(outcome_of):
    out = outcome_of([("accepted", "", "2026-10-01T10:00:00Z")])
    assert out == {
        "outcome": "accepted_confirmed",
        "reason": None,
        "units": Decimal(2),
        "window_complete": True,
    }


def test_revert_on_the_last_day_of_the_window_fails_the_action(outcome_of):
    out = outcome_of(
        [("accepted", "", "2026-10-01T10:00:00Z"), ("reverted", "", "2026-10-31T10:00:00Z")]
    )
    assert (out["outcome"], out["reason"], out["units"]) == ("failed", "reverted", Decimal(0))


def test_revert_after_the_window_leaves_the_action_accepted(outcome_of):
    out = outcome_of(
        [("accepted", "", "2026-10-01T10:00:00Z"), ("reverted", "", "2026-10-31T10:00:01Z")]
    )
    assert out["outcome"] == "accepted_confirmed"


def test_window_not_elapsed_at_as_of_is_provisional(outcome_of):
    out = outcome_of([("accepted", "", "2026-12-15T10:00:00Z")])
    assert (out["outcome"], out["units"], out["window_complete"]) == (
        "accepted_provisional",
        Decimal(2),
        False,
    )


def test_events_after_as_of_are_not_yet_known(outcome_of):
    out = outcome_of([("accepted", "", "2027-01-05T10:00:00Z")])
    assert out["outcome"] == "pending"


def test_correct_escalation_counts_as_accepted(outcome_of):
    out = outcome_of([("escalated", "correct", "2026-10-01T10:00:00Z")])
    assert (out["outcome"], out["units"]) == ("accepted_confirmed", Decimal(2))


def test_failure_escalation_fails_the_action(outcome_of):
    out = outcome_of([("escalated", "failure", "2026-10-01T10:00:00Z")])
    assert (out["outcome"], out["reason"]) == ("failed", "failure_escalation")


def test_approval_is_not_an_override(outcome_of):
    out = outcome_of([("approved", "", "2026-10-01T10:00:00Z")])
    assert out["outcome"] == "accepted_confirmed"


def test_rerun_inside_the_window_fails_the_action(outcome_of):
    out = outcome_of(
        [("auto_accepted", "", "2026-10-01T10:00:00Z"), ("rerun", "", "2026-10-02T10:00:00Z")]
    )
    assert (out["outcome"], out["reason"]) == ("failed", "rerun")


def test_run_error_is_a_failed_run(outcome_of):
    out = outcome_of([("run_error", "", "2026-10-01T09:00:05Z")])
    assert (out["outcome"], out["reason"]) == ("failed_run", "run_error")


def test_no_event_is_pending(outcome_of):
    out = outcome_of([])
    assert (out["outcome"], out["units"], out["window_complete"]) == (
        "pending",
        Decimal(0),
        False,
    )


def test_ungraded_action_counts_g3_units(outcome_of):
    out = outcome_of([("accepted", "", "2026-10-01T10:00:00Z")], grade="")
    assert out["units"] == Decimal(8)


def test_weights_of_one_count_plain_actions(outcome_of):
    out = outcome_of(
        [("accepted", "", "2026-10-01T10:00:00Z")],
        grade="G3",
        weight_g3="1",
    )
    assert out["units"] == Decimal(1)


def test_a_shorter_window_confirms_sooner(outcome_of):
    out = outcome_of([("accepted", "", "2026-12-10T10:00:00Z")], survival_window_days=14)
    assert out["outcome"] == "accepted_confirmed"


EARLY = (
    "SELECT source_file, source_line, column_name, reason FROM core.action_events_before_attempt"
)
EARLY_REASON = (
    "occurred_at: event before its action's attempt at 2026-10-01 09:00:00 "
    "(agent_actions/a.csv line 2)"
)


def test_an_event_before_its_action_decides_nothing_and_is_listed_with_its_reason(
    data_dir, build_models, failing_rows, query
):
    write(data_dir, "agent_actions/a.csv", ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,ag,tx,t,G1\n")
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS + "e1,a1,accepted,,2026-08-12T09:00:00Z\ne2,a1,reverted,,2026-10-02T09:00:00Z\n",
    )
    build_models(*OUTCOME_MODELS, metric={"as_of": AS_OF})
    assert query("SELECT outcome, failure_reason, accepted_at FROM core.action_outcomes") == [
        ("failed", "reverted", None)
    ]
    assert query(EARLY) == [("action_events/e.csv", 2, "occurred_at", EARLY_REASON)]
    assert failing_rows("no_event_before_its_action") == [("action_events/e.csv", 2, EARLY_REASON)]


def test_an_event_that_arrives_before_its_action_is_judged_when_the_action_comes(
    data_dir, build_models, query
):
    write(
        data_dir,
        "action_events/2026-10-01.csv",
        EVENTS + "e1,a1,accepted,,2026-08-12T09:00:00Z\ne2,a1,reverted,,2026-10-02T09:00:00Z\n",
    )
    build_models(*OUTCOME_MODELS, metric={"as_of": AS_OF}, days="2026-10-01")
    assert query(EARLY) == []
    write(
        data_dir,
        "agent_actions/2026-10-02.csv",
        ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,ag,tx,t,G1\n",
    )
    build_models(*OUTCOME_MODELS, metric={"as_of": AS_OF}, days="2026-10-02")
    assert query("SELECT outcome, failure_reason FROM core.action_outcomes") == [
        ("failed", "reverted")
    ]
    assert [row[:2] for row in query(EARLY)] == [("action_events/2026-10-01.csv", 2)]


def test_an_event_after_its_action_decides_as_before(data_dir, build_models, failing_rows, query):
    write(data_dir, "agent_actions/a.csv", ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,ag,tx,t,G1\n")
    write(
        data_dir,
        "action_events/e.csv",
        EVENTS + "e1,a1,accepted,,2026-10-01T09:00:00Z\ne2,a1,reverted,,2026-11-15T09:00:00Z\n",
    )
    build_models(*OUTCOME_MODELS, metric={"as_of": AS_OF})
    assert query("SELECT outcome, accepted_at FROM core.action_outcomes") == [
        ("accepted_confirmed", datetime(2026, 10, 1, 9, 0))
    ]
    assert query(EARLY) == []
    assert failing_rows("no_event_before_its_action") == []
