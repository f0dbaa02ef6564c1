"""Cost per accepted change (seed 001, SPEC 1 and 7): merged pull requests as the GitHub CLI
prints them, with development-tagged requests, billing and time, built by the model harness (and
a later daily revert through the real assets)."""

import json
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from tests import model_harness
from tests.conftest import day_tags, materialize_everything, write

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


OCTOBER = ("2026-10-01", "2026-10-31")


def write_month(root, prs: list[dict], costs: bool = True):
    """The team map, the pull requests (one file dated 31 October) and, with `costs`, the
    development costs under root/data; return the data folder."""
    data_dir = root / "data"
    data_dir.mkdir()
    write_team_map(data_dir)
    write_prs(data_dir, "pull_requests/2026-10-31.json", prs)
    if costs:
        write_development_costs(data_dir)
    return data_dir


def build_tables(
    root, prs: list[dict], *targets: str, as_of: str = AS_OF, costs: bool = True, **metric
):
    """Only the models `targets` (every model when none is named) and those they read from
    (tests/model_harness.py), October as one run; return the warehouse file."""
    data_dir = write_month(root, prs, costs)
    db_path = root / "warehouse" / "agent_finops.duckdb"
    model_harness.build_models(
        data_dir, db_path, *targets, tags=day_tags(OCTOBER), metric={"as_of": as_of, **metric}
    )
    return db_path


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
    """The seed month's every model, built alone (tests/model_harness.py): the warehouse file."""
    return build_tables(tmp_path_factory.mktemp("seed_month"), seed_month_prs())


def test_the_seed_month_holds_every_blocking_contract(seed_month):
    # the staging tables' and the metric checks' contracts, as a run is held to them
    assert model_harness.contract_failures(seed_month) == {}


def test_the_seed_month_reads_666_67_per_accepted_change(seed_month):
    db_path = seed_month
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


def test_the_development_cost_stays_out_of_the_agent_showback(seed_month):
    db_path = seed_month
    (ledger,) = rows(
        db_path,
        "SELECT SUM(amount_usd) AS change_usd, COUNT(DISTINCT cost_line) AS lines "
        "FROM core.cost_ledger WHERE cost_line LIKE 'change%'",
    )
    assert (ledger["change_usd"], ledger["lines"]) == (Decimal(28000), 5)
    agent = rows(
        db_path,
        "SELECT COALESCE(SUM(total_cost_usd + other_labour_cost_usd), 0) AS usd "
        "FROM marts.showback WHERE grain = 'fleet' AND period = 'month'",
    )
    assert agent == [{"usd": Decimal(0)}]


def test_change_cost_check_fails_when_the_ledger_loses_a_change_part(seed_month, tmp_path):
    import shutil

    from pipeline.checks import change_showback_conserved
    from pipeline.warehouse import Warehouse
    from tests.conftest import day_tags

    db_path = seed_month
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db_path, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute(
            "DELETE FROM core.cost_ledger WHERE record_id = "
            "(SELECT MIN(record_id) FROM core.cost_ledger WHERE cost_line = 'change_model')"
        )
    result = dg.materialize(
        [change_showback_conserved],
        selection=dg.AssetSelection.checks(change_showback_conserved),
        resources={"warehouse": Warehouse(database=str(copy))},
        tags=day_tags("2026-10-31"),
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert "differ from the ledger's change lines" in evaluation.metadata["problems"].value


# --- revert forms, repair candidates, the window boundary, provisional changes, excluded files ---
#
# As of 2026-11-15, 30-day window. acme/shop belongs to team-shop; acme/api is not mapped.
def revert_of(changes: dict, number: int) -> tuple:
    change = changes[number]
    return change["outcome"], change["reverted_by"], change["revert_form"]


@pytest.mark.parametrize(
    ("lines", "units"),
    [
        ([250], 1),
        ([500], 1),
        ([501], 2),
        ([1800], 4),
        ([250, 1800], 5),
        ([250, 0, -100, 600], 3),
        ([], 0),
    ],
)
def test_spec_change_unit_vectors(lines, units):
    from pipeline.sql_files import MACROS_DIR

    with duckdb.connect() as conn:
        conn.execute((MACROS_DIR / "change_units.sql").read_text())
        total = conn.execute(
            "SELECT COALESCE(SUM(change_units(x, 500)), 0) "
            "FROM UNNEST(CAST($l AS BIGINT[])) AS t(x)",
            {"l": lines},
        ).fetchone()[0]
    assert total == units


def test_a_pull_request_with_a_bad_field_is_quarantined_with_file_line_and_field(tmp_path):
    prs = [
        pull_request(1, "Good one", "2026-10-01T12:00:00Z"),
        {**pull_request(2, "Bad date", "2026-10-01T12:00:00Z"), "mergedAt": "yesterday"},
        {**pull_request(3, "No additions", "2026-10-01T12:00:00Z"), "additions": -4},
    ]
    db_path = build_tables(tmp_path, prs, "core/change_outcomes", costs=False)
    quarantined = rows(
        db_path,
        "SELECT source_file, source_line, column_name, reason FROM audit.quarantine "
        "WHERE source = 'pull_requests' ORDER BY source_line",
    )
    assert quarantined == [
        {
            "source_file": "pull_requests/2026-10-31.json",
            "source_line": 2,
            "column_name": "mergedAt",
            "reason": "mergedAt: not a date or time in the expected layout ('yesterday'; "
            "ISO 8601 unless the source declares a format in IngestSettings.date_formats)",
        },
        {
            "source_file": "pull_requests/2026-10-31.json",
            "source_line": 3,
            "column_name": "additions",
            "reason": "additions: not a non-negative whole number ('-4')",
        },
    ]
    assert list(outcomes(db_path)) == [1]


def test_a_revert_delivered_by_a_later_daily_run_invalidates_the_earlier_change(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    write_team_map(data_dir)
    write_prs(
        data_dir,
        "pull_requests/2026-10-01.json",
        [pull_request(1, "Add a", "2026-10-01T10:00:00Z")],
    )
    write_prs(
        data_dir,
        "pull_requests/2026-10-20.json",
        [pull_request(2, 'Revert "Add a"', "2026-10-20T10:00:00Z")],
    )
    db_path = tmp_path / "warehouse" / "agent_finops.duckdb"
    assert materialize_everything(data_dir, db_path, days="2026-10-01").success
    assert outcomes(db_path)[1]["outcome"] == "accepted_provisional"
    assert materialize_everything(data_dir, db_path, days="2026-10-20").success
    assert revert_of(outcomes(db_path), 1) == ("reverted", "acme/shop#2", "title")
    (published,) = rows(
        db_path.parent / "published.duckdb",
        "SELECT changes_reverted, reverts_merged FROM serving.cost_per_accepted_change_monthly",
    )
    assert published == {"changes_reverted": 1, "reverts_merged": 1}


def test_a_litellm_request_tagged_work_type_development_is_model_cost_of_changes(
    data_dir, db_path, build_models
):
    spend = {
        "request_id": "chatcmpl-dev-1",
        "startTime": "2026-10-05T10:00:00Z",
        "model": "gpt-4o",
        "prompt_tokens": 1200,
        "completion_tokens": 300,
        "spend": 0.0125,
        "team_id": TEAM,
        "request_tags": json.dumps(["work_type:development", "task:t-1"]),
    }
    write(data_dir, "llm_requests/litellm/2026-10-05.jsonl", json.dumps(spend) + "\n")
    build_models("core/cost_ledger", days="2026-10-05")
    assert rows(
        db_path,
        "SELECT record_id, cost_line, team_id, amount_usd FROM core.cost_ledger",
    ) == [
        {
            "record_id": "chatcmpl-dev-1",
            "cost_line": "change_model",
            "team_id": TEAM,
            "amount_usd": Decimal("0.0125"),
        }
    ]
