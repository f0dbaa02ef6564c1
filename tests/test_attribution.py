"""Attribution rules of SPEC section 4 on a small hand-written fleet (tests/fixtures/attribution):

three actions (a1 accepted on team-x; a2 a failed run and a3 reverted, both agent-b on team-y),
a sub-agent session under a1's session, an untagged $10 billing line, a $3 line tagged to two
tasks across two days, labour naming an action or only an agent, and consequences naming an
action or only a team.
"""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import check_results, run_metric_check

FIXTURE = Path(__file__).parent / "fixtures" / "attribution"
AS_OF = {"as_of": "2026-12-01T00:00:00"}


@pytest.fixture
def fleet_models(data_dir, build_models):
    """Build the named models of the fleet and the models they read from, without the run."""
    shutil.copytree(FIXTURE, data_dir, dirs_exist_ok=True)

    def run(*targets: str, **metric) -> list[str]:
        return build_models(*targets, metric={**AS_OF, **metric})

    return run


def ledger(query, where: str):
    return query(
        "SELECT cost_line, amount_usd, action_id, task_id, agent_id, team_id, attribution "
        f"FROM core.cost_ledger WHERE {where} ORDER BY ALL"
    )


def test_sub_agent_cost_rolls_up_to_the_root_task(fleet_models, query):
    fleet_models("core/cost_ledger")
    assert ledger(query, "record_id = 'r2'") == [
        ("inference", Decimal("0.5"), None, "t1", "agent-sub", "team-x", "session_tree")
    ]


def test_failed_run_cost_moves_out_of_inference_and_tool(fleet_models, query):
    fleet_models("core/cost_ledger")
    assert query(
        "SELECT source, cost_line, amount_usd FROM core.cost_ledger WHERE action_id = 'a2' "
        "AND source IN ('llm_requests', 'tool_calls') ORDER BY 1"
    ) == [
        ("llm_requests", "failed_run", Decimal("2")),
        ("tool_calls", "failed_run", Decimal("0.75")),
    ]


def test_multi_tag_billing_line_is_split_never_doubled(fleet_models, query):
    fleet_models("core/cost_ledger")
    parts = query(
        "SELECT cost_date, task_id, amount_usd FROM core.cost_ledger "
        "WHERE source = 'billing_lines' AND attribution = 'task' AND record_id LIKE '%#%' "
        "ORDER BY ALL"
    )
    # $3 over 24 hours, 12 on each day, split between t1 and t3
    assert [(str(d), t, a) for d, t, a in parts] == [
        ("2026-10-01", "t1", Decimal("0.75")),
        ("2026-10-01", "t3", Decimal("0.75")),
        ("2026-10-02", "t1", Decimal("0.75")),
        ("2026-10-02", "t3", Decimal("0.75")),
    ]


def test_shared_spend_is_allocated_proportionally_by_default(fleet_models, query):
    fleet_models("core/cost_ledger")
    allocated = query(
        "SELECT task_id, SUM(amount_usd) FROM core.cost_ledger "
        "WHERE attribution = 'allocated_proportional' GROUP BY 1 ORDER BY 1"
    )
    assert sum(a for _, a in allocated) == Decimal("10")
    # machine cost that day (the $3 line is 1.50 on 1 October): t1 1 + 0.5 + 0.25 + 4 + 0.75
    # = 6.50, t2 2 + 0.75 = 2.75, t3 3 + 0.75 = 3.75; 13.00 in all
    assert [(t, round(a, 6)) for t, a in allocated] == [
        ("t1", Decimal("5.000000")),
        ("t2", Decimal("2.115385")),
        ("t3", Decimal("2.884615")),
    ]


def test_even_allocation_gives_each_owner_the_same_share(fleet_models, query):
    fleet_models("core/cost_ledger", allocation_rule="even")
    allocated = query(
        "SELECT amount_usd FROM core.cost_ledger WHERE attribution = 'allocated_even'"
    )
    amounts = sorted(a for (a,) in allocated)
    assert sum(amounts) == Decimal("10")
    assert amounts[-1] - amounts[0] <= Decimal("0.000000000001")


def test_driver_allocation_follows_tokens(fleet_models, query):
    fleet_models("core/cost_ledger", allocation_rule="driver", allocation_driver="tokens")
    assert query(
        "SELECT SUM(amount_usd), COUNT(*) FROM core.cost_ledger "
        "WHERE attribution = 'allocated_driver_tokens'"
    ) == [(Decimal("10"), 4)]  # t1 has two owners that day: agent-a and its sub-agent


def test_agent_only_labour_is_spread_over_its_actions_that_day(fleet_models, query):
    fleet_models("core/cost_ledger")
    assert ledger(query, "source = 'time_entries' AND attribution = 'spread_agent'") == [
        ("oversight", Decimal("30"), "a2", "t2", "agent-b", "team-y", "spread_agent"),
        ("oversight", Decimal("30"), "a3", "t3", "agent-b", "team-y", "spread_agent"),
    ]


def test_team_only_consequence_is_spread_over_its_failed_actions(fleet_models, query):
    fleet_models("core/cost_ledger")
    spread = ledger(query, "source = 'consequence_records' AND attribution = 'spread_team'")
    assert [r[1:3] for r in spread] == [
        (Decimal("4.995"), "a2"),
        (Decimal("4.995"), "a3"),
    ]


def test_unknown_price_request_stays_visible_as_unallocated(fleet_models, query):
    fleet_models("core/cost_ledger", "marts/showback")
    assert query(
        "SELECT cost_line, amount_usd, cost_status, unallocated_reason FROM core.cost_ledger "
        "WHERE record_id = 'r5'"
    ) == [("unallocated", None, "unknown", "names no action, task, session, agent or team")]
    assert query(
        "SELECT requests_priced_share FROM marts.showback WHERE grain = 'fleet' "
        "AND period = 'month'"
    ) == [(Decimal("0.8"),)]


def test_every_dollar_is_booked_once(fleet_models, failing_rows, query):
    fleet_models("marts/showback")
    assert failing_rows("money_conserved") == []
    assert query("SELECT SUM(amount_usd) FROM core.cost_ledger") == [(Decimal("324.49"),)]
    assert query(
        "SELECT total_cost_usd + other_labour_cost_usd FROM marts.showback "
        "WHERE grain = 'fleet' AND period = 'month'"
    ) == [(Decimal("324.49"),)]


def money_conserved(db_path) -> bool:
    """The money_conserved check's result, run on its own over the warehouse."""
    from pipeline.checks.metrics import ledger_money_conserved

    result = run_metric_check(db_path, ledger_money_conserved)
    return check_results(result)[("cost_ledger", "money_conserved")]


def test_money_conserved_fails_when_the_ledger_loses_a_part(fleet_models, db_path):
    import duckdb

    fleet_models("core/cost_ledger")
    assert money_conserved(db_path) is True
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("DELETE FROM core.cost_ledger WHERE record_id = 'c1'")
    assert money_conserved(db_path) is False


def test_money_conserved_fails_when_the_ledger_counts_a_request_twice(fleet_models, db_path):
    import duckdb

    fleet_models("core/cost_ledger")
    with duckdb.connect(str(db_path)) as conn:
        conn.execute(
            "UPDATE core.cost_ledger SET requests = 2 WHERE record_id = "
            "(SELECT MIN(record_id) FROM core.cost_ledger WHERE source = 'llm_requests')"
        )
    assert money_conserved(db_path) is False


def test_money_conserved_names_each_token_count_the_ledger_gets_wrong(
    fleet_models, db_path, failing_rows, query
):
    import duckdb

    fleet_models("core/cost_ledger")
    assert failing_rows("money_conserved") == []
    ((day, request),) = query(
        "SELECT CAST(source_date AS VARCHAR), MIN(record_id) FROM core.cost_ledger "
        "WHERE source = 'llm_requests' GROUP BY 1 ORDER BY 1 LIMIT 1"
    )
    with duckdb.connect(str(db_path)) as conn:
        conn.execute(
            "UPDATE core.cost_ledger SET input_tokens = input_tokens + 1, "
            "cached_input_tokens = cached_input_tokens + 1, output_tokens = output_tokens + 1, "
            "reasoning_tokens = reasoning_tokens + 1 WHERE record_id = $request",
            {"request": request},
        )
    assert sorted(
        (check, at, booked - source)
        for check, at, source, booked in failing_rows("money_conserved")
    ) == [
        (f"llm_requests ({measure})", day, 1)
        for measure in ("cached_input_tokens", "input_tokens", "output_tokens", "reasoning_tokens")
    ]


def test_zero_accepted_units_give_no_ratio(fleet_models, query):
    fleet_models("marts/showback")
    assert query(
        "SELECT cost_per_accepted_action, direct_cost_per_accepted_action, headline_status "
        "FROM marts.showback WHERE grain = 'team' AND team_id = 'team-y' AND period = 'month'"
    ) == [(None, None, "no accepted units: ratio not defined")]
