"""Operate (seed 003): budgets, unit-cost anomalies with their drivers, runaway sub-agent chains,
the forecast and the alerts, on generated data: clean, then with each case planted."""

import json
import shutil
import threading
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import duckdb
import pytest

from pipeline.resources import AlertSettings
from sample_data.generator import generate
from tests.conftest import materialize_everything, write

DAYS = 12
FIRST, LAST = "2026-10-01", f"2026-10-{DAYS:02d}"
AS_OF = f"2026-10-{DAYS + 1:02d}T00:00:00"
SPIKE_AGENT = "agt-triage-1"
OPERATE_CHECKS = {"within_budget", "no_unit_cost_anomalies", "no_runaway_chains"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """DAYS clean generated days, 80 actions a day, every file CSV."""
    root = tmp_path_factory.mktemp("generated")
    generate(
        root,
        seed=21,
        days=DAYS,
        actions_per_day=80,
        formats=("csv",),
        defects=False,
        development=False,
    )
    return root


def run(tmp_path, data_dir, alerts=None):
    db_path = tmp_path / "warehouse" / "agent_finops.duckdb"
    result = materialize_everything(
        data_dir, db_path, {"as_of": AS_OF}, days=(FIRST, LAST), alerts=alerts
    )
    assert result.success
    return result, db_path


def operate_results(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.check_name: e
        for e in result.get_asset_check_evaluations()
        if e.check_name in OPERATE_CHECKS
    }


def rows(db_path, sql: str) -> list[dict]:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def plant_budget_breach(data_dir) -> None:
    """team-support gets a budget far below what it spends; the others ample ones."""
    write(
        data_dir,
        "budgets/budgets.csv",
        "scope,scope_id,month,budget_usd,max_cost_per_accepted_action_usd\n"
        "team,team-support,2026-10,1000.00,\n"
        "task_type,code_fix,,,0.01\n"
        "fleet,,,10000000.00,\n",
    )


def plant_spike(data_dir) -> None:
    """On the last day, each action of SPIKE_AGENT gets 5 more $2 requests: its inference, and
    so its cost per accepted action, jumps."""
    with duckdb.connect() as conn:
        actions = [
            a
            for (a,) in conn.execute(
                "SELECT action_id FROM read_csv($path, all_varchar = true) WHERE agent_id = $agent",
                {"path": str(data_dir / "agent_actions" / f"{LAST}.csv"), "agent": SPIKE_AGENT},
            ).fetchall()
        ]
    assert len(actions) >= 5
    lines = ["request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id"]
    lines += [
        f"spike-{a}-{k},{LAST}T15:00:00Z,gpt-4o,9000,900,2.00,{a}"
        for a in actions
        for k in range(5)
    ]
    write(data_dir, f"llm_requests/{LAST}.spike.csv", "\n".join(lines) + "\n")


def plant_runaway_chain(data_dir) -> None:
    """Task 'task-runaway': a chain of sub-agents 8 levels deep; the deepest repeats one request
    12 times."""
    header = "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,"
    header += "task_id,session_id,parent_session_id,agent_id,team_id"
    lines = [header]
    for level in range(9):
        parent = f"run-s{level - 1}" if level else ""
        task = "task-runaway" if level == 0 else ""
        lines.append(
            f"run-{level},{LAST}T09:{level:02d}:00Z,gpt-4o,1000,100,0.50,{task},run-s{level},"
            f"{parent},agt-coder,team-platform"
        )
    lines += [
        f"loop-{k},{LAST}T10:{k:02d}:00Z,gpt-4o,4242,42,0.75,,run-s8,run-s7,agt-coder,team-platform"
        for k in range(12)
    ]
    write(data_dir, f"llm_requests/{LAST}.runaway.csv", "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def clean(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    shutil.copytree(generated, root / "data")
    write(
        root / "data",
        "budgets/budgets.csv",
        "scope,scope_id,month,budget_usd,max_cost_per_accepted_action_usd\nfleet,,,10000000.00,\n",
    )
    return run(root, root / "data")


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (the standard library's name)
        length = int(self.headers["Content-Length"])
        Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts", Hook.received
    server.shutdown()


@pytest.fixture(scope="module")
def planted(generated, tmp_path_factory, webhook):
    url, _ = webhook
    root = tmp_path_factory.mktemp("planted")
    shutil.copytree(generated, root / "data")
    plant_budget_breach(root / "data")
    plant_spike(root / "data")
    plant_runaway_chain(root / "data")
    return run(root, root / "data", alerts=AlertSettings(webhook_url=url))


def test_clean_generated_data_raises_no_alert(clean):
    result, db_path = clean
    checks = operate_results(result)
    assert set(checks) == OPERATE_CHECKS
    assert {name: c.passed for name, c in checks.items()} == dict.fromkeys(OPERATE_CHECKS, True)
    for table in ("cost_anomalies", "runaway_chains"):
        assert rows(db_path, f"SELECT COUNT(*) AS n FROM marts.{table}") == [{"n": 0}]
    assert rows(db_path, "SELECT DISTINCT status FROM marts.budget_status") == [
        {"status": "within budget"}
    ]


def test_a_planted_budget_breach_fails_the_budget_check_naming_the_team(planted):
    result, db_path = planted
    check = operate_results(result)["within_budget"]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert "team team-support 2026-10: spend breached (spent " in check.description
    (status,) = rows(
        db_path,
        "SELECT budget_usd, spent_to_date_usd > budget_usd AS over, spend_breached, "
        "remaining_usd < 0 AS negative_remaining, month_complete, days_elapsed, days_in_month "
        "FROM marts.budget_status WHERE scope = 'team'",
    )
    assert status == {
        "budget_usd": Decimal("1000"),
        "over": True,
        "spend_breached": True,
        "negative_remaining": True,
        "month_complete": False,
        "days_elapsed": DAYS,
        "days_in_month": 31,
    }


def test_a_cost_per_accepted_action_above_its_limit_is_a_budget_finding(planted):
    result, db_path = planted
    (row,) = rows(
        db_path,
        "SELECT status, cost_per_accepted_action_breached, spend_breached "
        "FROM marts.budget_status WHERE scope = 'task_type'",
    )
    assert row == {
        "status": "cost per accepted action above its limit",
        "cost_per_accepted_action_breached": True,
        "spend_breached": False,
    }
    description = operate_results(result)["within_budget"].description
    assert "task_type code_fix 2026-10: cost per accepted action above its limit (" in description
    assert description.startswith("2 budget(s) breached or projected to breach: ")


def test_a_planted_cost_per_accepted_action_spike_is_found_with_its_driver(planted):
    result, db_path = planted
    spikes = rows(
        db_path,
        "SELECT metric, ratio_to_baseline >= 5 AS fivefold, driver_line, driver_increase_usd > 0 "
        "AS driver_rose FROM marts.cost_anomalies WHERE grain = 'agent' AND owner_id = "
        f"'{SPIKE_AGENT}' AND day = '{LAST}' ORDER BY metric",
    )
    assert spikes == [
        {
            "metric": "agent_cost_per_accepted_action",
            "fivefold": True,
            "driver_line": "inference",
            "driver_rose": True,
        },
        {
            "metric": "agent_cost_per_task",
            "fivefold": True,
            "driver_line": "inference",
            "driver_rose": True,
        },
    ]
    check = operate_results(result)["no_unit_cost_anomalies"]
    assert not check.passed
    assert f"agent {SPIKE_AGENT} {LAST}: agent cost per accepted action " in check.description
    assert "driver: inference +" in check.description


def test_a_planted_runaway_chain_is_flagged_deep_and_looping_with_its_cost(planted):
    result, db_path = planted
    (chain,) = rows(db_path, "SELECT * FROM marts.runaway_chains")
    assert chain["chain_id"] == "task-runaway"
    assert (chain["max_depth"], chain["sessions"], chain["most_repeated_step_count"]) == (8, 9, 12)
    assert chain["cost_burned_usd"] == Decimal("13.50")  # 9 x 0.50 + 12 x 0.75
    assert chain["reasons"] == "deeper than 5 levels; loop: one step repeated 12 times"
    assert chain["most_repeated_session_id"] == "run-s8"
    assert not operate_results(result)["no_runaway_chains"].passed


def test_failing_alerts_are_posted_to_the_webhook(planted, webhook):
    _, received = webhook
    assert sorted(m["check"] for m in received) == sorted(OPERATE_CHECKS)
    budget = next(m for m in received if m["check"] == "within_budget")
    assert budget["asset"] == "marts/budget_status"
    assert budget["text"] == budget["message"]
    assert any("team-support" in finding for finding in budget["findings"])


def test_the_forecast_gives_each_team_next_month_with_an_interval(clean):
    _, db_path = clean
    forecasts = rows(
        db_path,
        "SELECT grain, team_id, forecast_month, basis_days, forecast_spend_low_usd "
        "<= forecast_spend_usd AND forecast_spend_usd <= forecast_spend_high_usd AS ordered, "
        "forecast_cost_per_accepted_action > 0 AS has_cpaa FROM marts.spend_forecast "
        "ORDER BY grain, team_id",
    )
    assert [(f["grain"], f["team_id"]) for f in forecasts] == [
        ("fleet", None),
        ("team", "team-data"),
        ("team", "team-payments"),
        ("team", "team-platform"),
        ("team", "team-support"),
    ]
    assert {str(f["forecast_month"]) for f in forecasts} == {"2026-11-01"}
    assert {f["basis_days"] for f in forecasts} == {DAYS}
    assert all(f["ordered"] and f["has_cpaa"] for f in forecasts)


def test_the_report_shows_budgets_anomalies_and_runaway_chains(planted):
    _, db_path = planted
    html = (db_path.parent / "showback_report.html").read_text()
    budgets = html[html.index('id="budgets"') : html.index("</table>", html.index('id="budgets"'))]
    assert "team team-support" in budgets and "spend breached" in budgets
    anomalies = html[html.index('id="anomalies"') :]
    assert SPIKE_AGENT in anomalies[: anomalies.index("</table>")]
    chains = html[html.index('id="runaway-chains"') :]
    assert "task-runaway" in chains[: chains.index("</table>")]


def test_the_budget_projection_is_the_run_rate_to_month_end(planted):
    _, db_path = planted
    (row,) = rows(
        db_path,
        "SELECT spent_to_date_usd, projected_month_end_usd FROM marts.budget_status "
        "WHERE scope = 'team'",
    )
    # DAYS of October's 31 days elapsed by as_of
    expected = (row["spent_to_date_usd"] * 31 / DAYS).quantize(Decimal("1e-12"), ROUND_HALF_UP)
    assert row["projected_month_end_usd"] == expected
