"""Seed 000's worked example, built as raw input files and run through the real assets.

One week, 12,500 attempted actions (all G0, so accepted units = accepted actions), 5,000
accepted and stayed accepted, 1,000 failed runs, 6,500 reverted inside the window. The raw
files are sized so that the seven lines come to: inference 3,000, tool 1,200, infrastructure
800, oversight 9,000, remediation 4,000, failed run 1,000, failure impact 12,000 (USD).
"""

from decimal import Decimal

import duckdb
import pytest

from tests.conftest import check_results, materialize_everything

AS_OF = "2026-12-31T00:00:00"


def write_worked_example(data_dir) -> None:
    for folder in (
        "agent_actions",
        "action_events",
        "llm_requests",
        "tool_calls",
        "billing_lines",
        "time_entries",
        "loaded_rates",
        "consequence_records",
    ):
        (data_dir / folder).mkdir()
    actions = """
        SELECT 'a' || CAST(i AS VARCHAR) AS action_id,
               TIMESTAMP '2026-10-05 08:00:00' + (i % 7) * INTERVAL 1 DAY AS attempted_at,
               't' || CAST(i AS VARCHAR) AS task_id, 's' || CAST(i AS VARCHAR) AS session_id,
               'agent-' || CAST(i % 4 AS VARCHAR) AS agent_id,
               'team-' || CAST(i % 2 AS VARCHAR) AS team_id,
               'ticket_triage' AS task_type, 'G0' AS risk_grade,
               CASE WHEN i <= 5000 THEN 'accepted' WHEN i <= 6000 THEN 'failed_run'
                    ELSE 'reverted' END AS kind, i
        FROM range(1, 12501) AS t(i)
    """
    files = {
        "agent_actions/week.csv": f"""
            SELECT action_id, attempted_at, task_id, session_id, agent_id, team_id, task_type,
                   risk_grade FROM ({actions})""",
        "action_events/week.csv": f"""
            SELECT 'e' || action_id AS event_id, action_id,
                   CASE kind WHEN 'failed_run' THEN 'run_error' ELSE 'accepted' END
                       AS event_type,
                   attempted_at + INTERVAL 1 HOUR AS occurred_at
            FROM ({actions})
            UNION ALL
            SELECT 'r' || action_id, action_id, 'reverted', attempted_at + INTERVAL 2 DAY
            FROM ({actions}) WHERE kind = 'reverted'""",
        # 3,000 requests of $1 on kept or reverted actions, 1,000 of $1 on failed runs
        "llm_requests/week.csv": f"""
            SELECT 'q' || action_id AS request_id, attempted_at + INTERVAL 1 MINUTE
                       AS requested_at, 'gpt-4o' AS model, 1000 AS input_tokens,
                   200 AS output_tokens, 1.00 AS reported_cost_usd, action_id, session_id
            FROM ({actions}) WHERE i <= 3000 OR kind = 'failed_run'""",
        "tool_calls/week.csv": f"""
            SELECT 'c' || action_id AS call_id, attempted_at + INTERVAL 2 MINUTE AS called_at,
                   'crm_api' AS tool_name, 1.00 AS cost_usd, action_id
            FROM ({actions}) WHERE i > 6000 AND i <= 7200""",
        # eight $100 daily lines tagged to a team, no task: infrastructure
        "billing_lines/week.csv": """
            SELECT 100.00 AS BilledCost, 100.00 AS EffectiveCost, 'USD' AS BillingCurrency,
                   TIMESTAMP '2026-10-05 00:00:00' + (i % 7) * INTERVAL 1 DAY
                       AS ChargePeriodStart,
                   TIMESTAMP '2026-10-06 00:00:00' + (i % 7) * INTERVAL 1 DAY
                       AS ChargePeriodEnd,
                   'Usage' AS ChargeCategory, 'Compute' AS ServiceName,
                   'vm-' || CAST(i AS VARCHAR) AS ResourceId,
                   '{"team": "team-' || CAST(i % 2 AS VARCHAR) || '"}' AS Tags
            FROM range(8) AS t(i)""",
        # oversight: 150 h x $60 review; remediation: 50 h x $80 rollback
        "time_entries/week.csv": f"""
            SELECT 'h' || action_id AS entry_id, 'p1' AS person_id, 'reviewer' AS role,
                   CAST(attempted_at AS DATE) AS work_date, 1.5 AS hours, 'review' AS activity,
                   action_id
            FROM ({actions}) WHERE i <= 100
            UNION ALL
            SELECT 'x' || action_id, 'p2', 'engineer', CAST(attempted_at AS DATE), 2.5,
                   'rollback', action_id
            FROM ({actions}) WHERE i > 6000 AND i <= 6020""",
        "loaded_rates/rates.csv": """
            SELECT * FROM (VALUES ('reviewer', 60.00, 'USD', DATE '2026-01-01'),
                                  ('engineer', 80.00, 'USD', DATE '2026-01-01'))
                AS t(role, loaded_hourly_rate, currency, effective_from)""",
        # 6,000 refunds of 200 cents on reverted actions: 12,000 USD observed
        "consequence_records/week.csv": f"""
            SELECT 'k' || action_id AS record_id, 'refund' AS record_type, 200 AS amount,
                   'usd' AS currency, 'minor' AS amount_unit,
                   attempted_at + INTERVAL 5 DAY AS occurred_at, action_id
            FROM ({actions}) WHERE i > 6500""",
    }
    with duckdb.connect() as conn:
        for relpath, sql in files.items():
            conn.execute(
                f"COPY ({sql}) TO $path (FORMAT csv, HEADER true)",
                {"path": str(data_dir / relpath)},
            )


@pytest.fixture(scope="module")
def worked_example(tmp_path_factory):
    root = tmp_path_factory.mktemp("worked_example")
    data_dir = root / "data"
    data_dir.mkdir()
    write_worked_example(data_dir)
    db_path = root / "agent_finops.duckdb"
    result = materialize_everything(
        data_dir, db_path, {"as_of": AS_OF}, days=("2026-10-05", "2026-10-11")
    )
    with duckdb.connect(str(db_path), read_only=True) as conn:
        cursor = conn.execute(
            "SELECT * FROM marts.showback WHERE grain = 'fleet' AND period = 'month'"
        )
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1
    return result, dict(zip(columns, rows[0], strict=True)), db_path


def test_the_worked_example_run_succeeds_with_every_check_passing(worked_example):
    result, _, _ = worked_example
    assert result.success
    assert all(check_results(result).values())


def test_the_seven_lines_come_to_the_seed_figures(worked_example):
    _, fleet, _ = worked_example
    row = fleet
    assert [
        row[c]
        for c in (
            "inference_cost_usd",
            "tool_cost_usd",
            "infrastructure_cost_usd",
            "oversight_cost_usd",
            "remediation_cost_usd",
            "failed_run_cost_usd",
            "failure_impact_cost_usd",
            "direct_cost_usd",
            "total_cost_usd",
        )
    ] == [Decimal(v) for v in (3000, 1200, 800, 9000, 4000, 1000, 12000, 19000, 31000)]


def test_the_three_stories_read_6_20_3_80_and_2_48(worked_example):
    _, fleet, _ = worked_example
    row = fleet
    assert (row["attempted_actions"], row["accepted_units"]) == (12500, Decimal(5000))
    assert row["cost_per_accepted_action"] == Decimal("6.20")
    assert row["direct_cost_per_accepted_action"] == Decimal("3.80")
    assert row["cost_per_run"] == Decimal("2.48")
    assert row["headline_status"] == "final"


def test_failure_impact_is_the_largest_share(worked_example):
    _, fleet, _ = worked_example
    row = fleet
    line_shares = {
        name: row[name]
        for name in (
            "inference_share",
            "tool_share",
            "infrastructure_share",
            "oversight_share",
            "remediation_share",
            "failed_run_share",
            "failure_impact_share",
        )
    }
    assert max(line_shares, key=line_shares.get) == "failure_impact_share"
    assert row["failure_impact_share"].quantize(Decimal("0.001")) == Decimal("0.387")
    assert sum(line_shares.values()) == Decimal(1)


def test_named_showback_views_slice_the_showback(worked_example):
    _, _, db_path = worked_example
    with duckdb.connect(str(db_path), read_only=True) as conn:
        monthly = conn.execute(
            "SELECT month, cost_per_accepted_action FROM serving.showback_fleet_monthly"
        ).fetchall()
        teams = conn.execute(
            "SELECT team_id, SUM(total_cost_usd) FROM serving.showback_by_team_daily "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert [(str(m), c) for m, c in monthly] == [("2026-10-01", Decimal("6.20"))]
    assert sum(total for _, total in teams) == Decimal(31000)
    assert [team for team, _ in teams] == ["team-0", "team-1"]
