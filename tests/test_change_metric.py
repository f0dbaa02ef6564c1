"""Cost per accepted change (seed 001, SPEC 1 and 7): merged pull requests as the GitHub CLI
prints them, run through the real assets with development-tagged requests, billing and time."""

import json
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from tests.conftest import check_results, materialize_everything, write

AS_OF = "2026-12-31T00:00:00"
REPO = "acme/shop"
TEAM = "team-shop"


def pull_request(
    number: int,
    title: str,
    merged_at: str,
    lines: int = 10,
    files: list[tuple[str, int]] | None = None,
    body: str = "",
    repo: str = REPO,
) -> dict:
    """One element of `gh pr list --state merged --json number,title,body,mergedAt,additions,
    deletions,files,author,labels,mergeCommit,url`."""
    files = files if files is not None else [(f"src/module_{number}.py", lines)]
    return {
        "additions": sum(n for _, n in files),
        "author": {"id": "MDQ6VXNlcjE=", "is_bot": False, "login": "dev-1", "name": "Dev One"},
        "body": body,
        "deletions": 0,
        "files": [{"path": path, "additions": n, "deletions": 0} for path, n in files],
        "labels": [{"id": "LA_1", "name": "enhancement", "description": "", "color": "a2eeef"}],
        "mergeCommit": {"oid": f"{number:04d}" + "ab" * 18},
        "mergedAt": merged_at,
        "number": number,
        "title": title,
        "url": f"https://github.com/{repo}/pull/{number}",
    }


def write_prs(data_dir, relpath: str, prs: list[dict]) -> None:
    write(data_dir, relpath, json.dumps(prs, indent=2))


def write_team_map(data_dir) -> None:
    write(data_dir, "repository_teams/repositories.csv", f"repository,team_id\n{REPO},{TEAM}\n")


def write_development_costs(data_dir) -> None:
    """The seed's worked month: model 1,200, infrastructure 400, engineering 120 h, review
    40 h and rework 16 h at $150 an hour (18,000 + 6,000 + 2,400)."""
    requests = "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,"
    requests += "team_id,work_type\n"
    requests += "".join(
        f"d{i},2026-10-{i + 1:02d}T10:00:00Z,gpt-4o,1000,100,100.00,{TEAM},development\n"
        for i in range(12)
    )
    write(data_dir, "llm_requests/2026-10-dev.csv", requests)
    billing = "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
    billing += "ChargeCategory,ServiceName,ResourceId,Tags\n"
    billing += "".join(
        f"100.00,100.00,USD,2026-10-0{i + 1} 00:00:00,2026-10-0{i + 2} 00:00:00,Usage,CI,"
        f'runner-{i},"{{""team"": ""{TEAM}"", ""work_type"": ""ci""}}"\n'
        for i in range(4)
    )
    write(data_dir, "billing_lines/2026-10-ci.csv", billing)
    entries = "entry_id,person_id,role,work_date,hours,activity,team_id,work_type\n"
    rows = [("development", 8)] * 15 + [("code_review", 4)] * 10 + [("rework", 4)] * 4
    entries += "".join(
        f"h{i},p{i % 5},engineer,2026-10-{i % 28 + 1:02d},{hours},{activity},{TEAM},development\n"
        for i, (activity, hours) in enumerate(rows)
    )
    write(data_dir, "time_entries/2026-10-dev.csv", entries)
    write(
        data_dir,
        "loaded_rates/rates.csv",
        "role,loaded_hourly_rate,currency,effective_from\nengineer,150.00,USD,2026-01-01\n",
    )


def seed_month_prs() -> list[dict]:
    """36 merged changes that stay: one of 1,800 lines (4 units), three of 600-1,000 lines
    (2 units each) and 32 of at most 500 lines: 42 change units."""
    sizes = [1800, 600, 800, 1000] + [40 + 14 * i for i in range(32)]
    return [
        pull_request(i + 1, f"Change {i + 1}", f"2026-10-{i % 28 + 1:02d}T12:00:00Z", lines)
        for i, lines in enumerate(sizes)
    ]


def build(root, prs: list[dict], as_of: str = AS_OF, costs: bool = True, **metric):
    data_dir = root / "data"
    data_dir.mkdir()
    write_team_map(data_dir)
    write_prs(data_dir, "pull_requests/2026-10-31.json", prs)
    if costs:
        write_development_costs(data_dir)
    db_path = root / "warehouse" / "agent_finops.duckdb"
    result = materialize_everything(
        data_dir, db_path, {"as_of": as_of, **metric}, days=("2026-10-01", "2026-10-31")
    )
    return result, db_path


def rows(db_path, sql: str) -> list[dict]:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def outcomes(db_path) -> dict[int, dict]:
    return {
        r["pull_number"]: r
        for r in rows(db_path, "SELECT * FROM core.change_outcomes ORDER BY pull_number")
    }


@pytest.fixture(scope="module")
def seed_month(tmp_path_factory):
    return build(tmp_path_factory.mktemp("seed_month"), seed_month_prs())


def blocking_failures(result) -> list[tuple[str, str]]:
    return [
        (e.asset_key.path[-1], e.check_name)
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]


def test_the_seed_month_run_passes_every_blocking_check(seed_month):
    result, _ = seed_month
    assert result.success
    assert len(check_results(result)) > 20
    assert blocking_failures(result) == []


def test_the_seed_month_reads_666_67_per_accepted_change(seed_month):
    _, db_path = seed_month
    (team,) = rows(db_path, "SELECT * FROM marts.change_showback WHERE grain = 'team'")
    assert team["team_id"] == TEAM
    assert [
        team[c]
        for c in (
            "model_cost_usd",
            "infrastructure_cost_usd",
            "engineering_cost_usd",
            "review_cost_usd",
            "rework_cost_usd",
            "total_cost_usd",
        )
    ] == [Decimal(v) for v in (1200, 400, 18000, 6000, 2400, 28000)]
    assert (team["changes_merged"], team["accepted_change_units"]) == (36, 42)
    assert team["cost_per_accepted_change"].quantize(Decimal("0.01")) == Decimal("666.67")
    assert team["headline_status"] == "final"
