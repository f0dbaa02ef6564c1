"""Development work for cost per accepted change: merged pull requests, the repository-to-team
map, development LLM requests, time entries and CI billing lines."""

from __future__ import annotations

import json
from decimal import Decimal

from sample_data.files import _money_text
from sample_data.fleet import _Cfg

# repository -> team; northwind/infra-tools is deliberately not mapped
REPOSITORIES = (
    ("northwind/payments-api", "team-payments"),
    ("northwind/support-bot", "team-support"),
)
UNMAPPED_REPOSITORY = "northwind/infra-tools"

# A three-day cycle of merged pull requests: (day in cycle, repository, number, title, files
# as (path, lines added), body). Numbers grow by 10 each cycle. {n:k} is the number of the
# cycle's pull request k; {sha:k} its merge commit.
DEV_PULL_REQUESTS = (
    (
        0,
        "northwind/payments-api",
        1,
        "Add refund limits",
        (("src/refunds/limits.py", 120), ("tests/test_limits.py", 60)),
        "Caps refunds per day.",
    ),
    (
        0,
        "northwind/payments-api",
        2,
        "Bump dependencies",
        (("poetry.lock", 2400), ("src/payments/__init__.py", 2)),
        "",
    ),
    (0, "northwind/support-bot", 3, "Triage by sentiment", (("bot/triage.py", 640),), ""),
    (0, "northwind/support-bot", 4, "Change greeting", (("bot/greeting.py", 30),), ""),
    (1, "northwind/payments-api", 5, "Add payout export", (("src/payouts/export.py", 1800),), ""),
    (
        1,
        "northwind/payments-api",
        6,
        'Revert "Add refund limits"',
        (("src/refunds/limits.py", 120), ("tests/test_limits.py", 60)),
        "Reverts northwind/payments-api#{n:1}",
    ),
    (1, "northwind/support-bot", 7, "fix: sentiment threshold", (("bot/triage.py", 12),), ""),
    (2, UNMAPPED_REPOSITORY, 8, "Add CI cache", ((".github/workflows/ci.yml", 40),), ""),
    (
        2,
        "northwind/support-bot",
        9,
        "Back out greeting change",
        (("bot/greeting.py", 30),),
        "This reverts commit {sha:4}.\n\nCustomers found it too informal.",
    ),
)
# per day: (team, LLM spend of development requests in cents, engineering / review / rework
# hours in hundredths) and the CI runner bill in cents per team-tagged and untagged line
DEV_DAILY = (
    ("team-payments", 1875, 600, 150, 200),
    ("team-support", 940, 450, 100, 0),
)
CI_LINE_CENTS = (3600, 1200)


def _sha(cycle: int, k: int) -> str:
    return f"{cycle:04x}{k:04x}" + "5eed" * 8


def _write_development(cfg: _Cfg) -> dict[str, int]:
    """Merged pull requests (GitHub CLI JSON), the repository -> team map and the day's
    development-tagged LLM requests, CI billing and engineering time: a handful of fixed records
    per day, in their own files (``<day>.development.<ext>``) beside the agent sources'."""
    counts = dict.fromkeys(
        ("pull_requests", "repository_teams", "llm_requests", "billing_lines", "time_entries"), 0
    )
    team_map = cfg.out / "repository_teams" / "repositories.csv"
    team_map.parent.mkdir(parents=True, exist_ok=True)
    team_map.write_text("repository,team_id\n" + "".join(f"{r},{t}\n" for r, t in REPOSITORIES))
    counts["repository_teams"] = len(REPOSITORIES)
    for d in range(cfg.days):
        day, cycle = cfg.day(d).isoformat(), d // 3
        number = {k: 100 + 10 * cycle + k for k in range(1, 10)}
        prs = []
        for _, repo, k, title, files, body in (p for p in DEV_PULL_REQUESTS if p[0] == d % 3):
            text = body.replace("{n:1}", str(number[1])).replace("{sha:4}", _sha(cycle, 4))
            prs.append(
                {
                    "additions": sum(lines for _, lines in files),
                    "author": {"is_bot": False, "login": f"dev-{k % 3 + 1}"},
                    "body": text,
                    "deletions": 0,
                    "files": [{"path": f, "additions": n, "deletions": 0} for f, n in files],
                    "labels": [],
                    "mergeCommit": {"oid": _sha(cycle, k)},
                    "mergedAt": f"{day}T{9 + k:02d}:30:00Z",
                    "number": number[k],
                    "title": title,
                    "url": f"https://github.com/{repo}/pull/{number[k]}",
                }
            )
        path = cfg.out / "pull_requests" / f"{day}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(prs, indent=2) + "\n")
        counts["pull_requests"] += len(prs)

        stamp = cfg.day(d).strftime("%Y%m%d")
        requests = [
            {
                "request_id": f"req-{stamp}-dev-{i}",
                "requested_at": f"{day}T{10 + i:02d}:00:00Z",
                "model": "claude-sonnet-4-5",
                "provider": "anthropic",
                "input_tokens": 20000,
                "output_tokens": 1500,
                "reported_cost_usd": format(Decimal(cents).scaleb(-2), ".9f"),
                "team_id": team,
                "work_type": "development",
            }
            for i, (team, cents, *_) in enumerate(DEV_DAILY)
        ]
        path = cfg.out / "llm_requests" / f"{day}.development.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in requests))
        counts["llm_requests"] += len(requests)

        focus = "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        focus += "ChargeCategory,ServiceName,ResourceId,Tags\n"
        tags = ('{"team": "team-payments", "work_type": "ci"}', '{"work_type": "ci"}')
        for i, (cents, tag) in enumerate(zip(CI_LINE_CENTS, tags, strict=True)):
            money = format(Decimal(cents).scaleb(-2), ".10f")
            tag_text = tag.replace('"', '""')
            focus += (
                f"{money},{money},USD,{day} 00:00:00,{cfg.day(d + 1).isoformat()} 00:00:00,"
                f'Usage,CI Runners,ci-runner-{i},"{tag_text}"\n'
            )
        path = cfg.out / "billing_lines" / f"{day}.development.csv"
        path.write_text(focus)
        counts["billing_lines"] += len(CI_LINE_CENTS)

        entries = "entry_id,person_id,role,work_date,hours,activity,team_id,work_type\n"
        n = 0
        for team, _, *hours in DEV_DAILY:
            person = "p-006" if team == "team-payments" else "p-007"
            for activity, hundredths in zip(
                ("development", "code_review", "rework"), hours, strict=True
            ):
                if hundredths:
                    entries += (
                        f"te-{stamp}-dev-{n},{person},engineer,{day},"
                        f"{_money_text(hundredths, 2)},{activity},{team},development\n"
                    )
                    n += 1
        path = cfg.out / "time_entries" / f"{day}.development.csv"
        path.write_text(entries)
        counts["time_entries"] += n
    return counts
