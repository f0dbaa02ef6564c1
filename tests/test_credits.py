"""SPEC section 9: negative amounts (credits, refunds of charges, savings-plan true-ups) are valid
data. They are published as they are, counted in credits_usd, and never stop publication; the
blocking check still stops a wrong figure."""

from decimal import Decimal

import duckdb

from pipeline.checks import showback_well_formed
from tests.conftest import check_results, run_metric_check, write

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
)
EVENTS = "event_id,action_id,event_type,escalation_kind,occurred_at\n"
BILLING = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "Tags\n"
)
TEAM_X = '"{""team"": ""team-x""}"'
AS_OF = {"as_of": "2026-12-31T00:00:00"}
COLUMNS = (
    "infrastructure_cost_usd, total_cost_usd, credits_usd, infrastructure_share, "
    "cost_per_accepted_action"
)


def billing_line(cost: str, category: str, tags: str = TEAM_X) -> str:
    """A line for the UTC day 2026-10-01 (team-x's unless tags say otherwise), BilledCost =
    EffectiveCost = cost."""
    return f"{cost},{cost},USD,2026-10-01 00:00:00,2026-10-02 00:00:00,{category},{tags}\n"


def one_accepted_action(data_dir) -> None:
    """One accepted G0 action of team-x on 2026-10-01: one accepted unit."""
    write(
        data_dir,
        "agent_actions/a.csv",
        ACTIONS + "a1,2026-10-01T09:00:00Z,t1,s1,,agent-a,team-x,triage,G0\n",
    )
    write(data_dir, "action_events/e.csv", EVENTS + "e1,a1,accepted,,2026-10-01T10:00:00Z\n")


def published_team_day(db_path) -> list[tuple]:
    """team-x's 2026-10-01 row of the published database."""
    return team_day(db_path.parent / "published.duckdb")


def team_day(database) -> list[tuple]:
    """team-x's 2026-10-01 row of serving.showback_by_team_daily in the given database."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(
            "SELECT " + COLUMNS + " FROM serving.showback_by_team_daily "
            "WHERE team_id = 'team-x' AND day = DATE '2026-10-01'"
        ).fetchall()


def test_a_day_whose_only_line_is_a_credit_publishes_it(data_dir, run_pipeline, db_path):
    one_accepted_action(data_dir)
    write(data_dir, "billing_lines/2026-10-01.csv", BILLING + billing_line("-25.00", "Credit"))
    result = run_pipeline(metric=AS_OF)
    assert result.success
    assert check_results(result)[("showback", "headline_is_well_formed")]
    assert published_team_day(db_path) == [
        (Decimal("-25"), Decimal("-25"), Decimal("-25"), Decimal(1), Decimal("-25"))
    ]


def test_a_charge_and_a_credit_net_and_the_credit_is_reported(
    data_dir, build_models, contract_failures, db_path
):
    one_accepted_action(data_dir)
    write(
        data_dir,
        "billing_lines/2026-10-01.csv",
        BILLING + billing_line("10.00", "Usage") + billing_line("-3.00", "Credit"),
    )
    build_models(metric=AS_OF, serving_views=True)
    assert contract_failures() == {}
    assert team_day(db_path) == [
        (Decimal("7"), Decimal("7"), Decimal("-3"), Decimal(1), Decimal("7"))
    ]


def test_the_headline_check_still_stops_a_wrong_figure_on_a_credit_row(
    data_dir, build_models, failing_rows, db_path
):
    one_accepted_action(data_dir)
    write(data_dir, "billing_lines/2026-10-01.csv", BILLING + billing_line("-25.00", "Credit"))
    build_models("marts/showback", metric=AS_OF)
    assert failing_rows("headline_is_well_formed") == []
    with duckdb.connect(str(db_path)) as conn:
        # shares that no longer sum to 1 on the team's net-credit day, and a fleet day whose
        # credits no longer cover its negative infrastructure line
        conn.execute(
            "UPDATE marts.showback SET infrastructure_share = 0 "
            "WHERE grain = 'team' AND period = 'day' AND team_id = 'team-x'"
        )
        conn.execute(
            "UPDATE marts.showback SET credits_usd = 0 WHERE grain = 'fleet' AND period = 'day'"
        )
    result = run_metric_check(db_path, showback_well_formed)
    evaluation = next(iter(result.get_asset_check_evaluations()))
    assert evaluation.passed is False
    assert evaluation.metadata["first_problems"].value == (
        "- day 2026-10-01 fleet fleet: credits_usd does not cover the lines netting below 0\n"
        "- day 2026-10-01 team team-x: line shares do not sum to 1"
    )


def test_an_untagged_shared_credit_is_allocated_as_a_credit(
    data_dir, build_models, contract_failures, db_path
):
    """A shared credit is pooled apart from the shared charges, so netting them cannot hide it."""
    one_accepted_action(data_dir)
    write(
        data_dir,
        "billing_lines/2026-10-01.csv",
        BILLING
        + billing_line("10.00", "Usage")
        + billing_line("4.00", "Usage", tags="")
        + billing_line("-1.00", "Credit", tags=""),
    )
    build_models(metric=AS_OF, serving_views=True)
    assert contract_failures() == {}
    assert team_day(db_path) == [
        (Decimal("13"), Decimal("13"), Decimal("-1"), Decimal(1), Decimal("13"))
    ]
