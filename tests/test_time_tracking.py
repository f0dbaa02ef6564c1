"""Time trackers' exports load as written: Harvest, Clockify and Toggl detailed reports and Tempo
worklogs become time entries, their cost rates loaded rates, and declared rules give each entry
its activity and owners."""

import json
from datetime import date
from decimal import Decimal

from pipeline.sql_files import quote_ident
from tests.conftest import OUTSIDE_DATA, needs_outside_data, write

HR = OUTSIDE_DATA / "hr-time-tracking"

pytestmark = needs_outside_data

DAY = "2026-10-01"
# A support agent's action act-1 is reviewed; its rollback is remediation.
RULES = [
    {"field": "task", "pattern": "(?i)code review", "activity": "review"},
    {"field": "task", "pattern": "(?i)rollback", "activity": "rollback"},
    {"field": "description", "pattern": "(act-[0-9]+)", "capture": "action_id"},
    {
        "field": "project",
        "pattern": "^Support bot$",
        "agent_id": "support-bot",
        "team_id": "support",
    },
]


def header(name: str) -> str:
    return (HR / name).read_text(encoding="utf-8").strip("\n")


# Hugo reviews act-1's reply for 1.5 hours at a cost rate of 90 euros
HUGOS_REVIEW = (
    "2026-10-01,Acme,Support bot,SB-1,Code review,Reply to act-1 checked,1.5,1.5,No,No,"
    "Yes,Hugo,Bernard,Reviewer,Yes,0,0,90.00,135.00,Euro - EUR,"
)


def harvest_report(*rows: str) -> str:
    """A Harvest detailed time report with its real header and the given rows."""
    return "\n".join((header("harvest_detailed_time_report_HEADER.csv"), *rows)) + "\n"


def entries(query) -> list[tuple]:
    return query(
        "SELECT person_id, role, work_date, hours, activity, action_id, agent_id, team_id "
        "FROM staging.time_entries ORDER BY work_date, hours"
    )


def test_a_harvest_report_becomes_entries_and_its_cost_rates_loaded_rates(
    data_dir, build_models, query
):
    write(
        data_dir,
        "time_entries/harvest_2026-10-01.csv",
        harvest_report(HUGOS_REVIEW)
        + "2026-10-01,Acme,Support bot,SB-1,Rollback,Undo act-1,0.25,0.25,No,No,Yes,Ada,"
        "Lovelace,,Yes,0,0,120,30,Euro - EUR,\n",
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    assert entries(query) == [
        (
            "Ada Lovelace",
            "unspecified",
            date(2026, 10, 1),
            Decimal("0.250000"),
            "rollback",
            "act-1",
            "support-bot",
            "support",
        ),
        (
            "Hugo Bernard",
            "Reviewer",
            date(2026, 10, 1),
            Decimal("1.500000"),
            "review",
            "act-1",
            "support-bot",
            "support",
        ),
    ]
    # the export's Cost Rate is the person's loaded rate from that day, in EUR (1.08 USD)
    assert query(
        "SELECT e.person_id, l.cost_line, l.labour_cost_usd FROM core.labour_costs AS l "
        "JOIN staging.time_entries AS e USING (entry_id) ORDER BY e.person_id"
    ) == [
        ("Ada Lovelace", "remediation", Decimal("32.400000000000")),
        ("Hugo Bernard", "oversight", Decimal("145.800000000000")),
    ]


def test_a_re_exported_report_restates_its_entries(data_dir, build_models, query):
    report = harvest_report(HUGOS_REVIEW)
    write(data_dir, "time_entries/harvest_2026-10-01.csv", report)
    # the same report exported again the next day, now invoiced
    write(
        data_dir,
        "time_entries/harvest_2026-10-01_again.csv",
        report.replace("1.5,1.5,No,No,Yes", "1.5,1.5,No,Yes,Yes"),
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    assert query("SELECT COUNT(*), SUM(hours) FROM staging.time_entries") == [
        (1, Decimal("1.500000"))
    ]


def test_a_clockify_report_reads_clock_durations_and_skips_its_total_row(
    data_dir, build_models, query
):
    write(
        data_dir,
        "time_entries/clockify/2026-10-01.csv",
        header("clockify_detailed_report_HEADER.csv")
        + "\nSupport bot,Acme,Undo act-1,Rollback,Test User,Engineers,User@Example.com,,No,"
        "2026-10-01,09:00:00,2026-10-01,09:20:00,0:20:00,0.33,0,0,60,20.00\n"
        ",,,,,,,,,,,,,0:20:00,0.33,,,,\n",
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    # twenty minutes are 0.333333 hours (6 places), not the export's rounded 0.33
    assert entries(query) == [
        (
            "user@example.com",
            "Engineers",
            date(2026, 10, 1),
            Decimal("0.333333"),
            "rollback",
            "act-1",
            "support-bot",
            "support",
        ),
    ]
    assert query("SELECT person_id, loaded_hourly_rate, currency FROM staging.loaded_rates") == [
        ("user@example.com", Decimal("60.000000000000"), "USD")
    ]
    # costed from the exact seconds: 1,200 s at $60 an hour is $20, not 0.333333 x 60
    assert query("SELECT duration_seconds FROM staging.time_entries") == [(1200,)]
    assert query("SELECT labour_cost_usd FROM core.labour_costs") == [(Decimal("20.000000000000"),)]
    assert query(
        "SELECT source, rows_read, status_reason FROM audit.load_ledger ORDER BY source"
    ) == [
        (
            "loaded_rates",
            1,
            "1 record(s) of other kinds than * (by Cost Rate ({currency}), or unreadable) are "
            "not loaded_rates rows",
        ),
        (
            "time_entries",
            1,
            "1 record(s) of other kinds than * (by User, or unreadable) are not time_entries rows",
        ),
    ]


def test_a_toggl_report_with_its_byte_order_mark_loads(data_dir, build_models, query):
    write(
        data_dir,
        "time_entries/toggl/2026-10-01.csv",
        header("toggl_track_detailed_report_HEADER.csv")
        + '\nAisha Patel,AISHA@example.co.za,Acme,Support bot,Code review,"Check act-1, act-2",'
        'No,2026-10-01,08:30:00,2026-10-01,10:00:00,01:30:00,"site, travel",\n',
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    assert entries(query) == [
        (
            "aisha@example.co.za",
            "unspecified",
            date(2026, 10, 1),
            Decimal("1.500000"),
            "review",
            "act-1",
            "support-bot",
            "support",
        ),
    ]


def test_tempo_worklogs_load_as_its_api_returns_them(data_dir, build_models, query):
    page = {
        "self": "https://api.tempo.io/4/worklogs?from=2026-10-01&to=2026-10-01",
        "metadata": {"count": 1, "offset": 0, "limit": 50},
        "results": [
            {
                "tempoWorklogId": 126,
                "issue": {"id": 10010, "key": "OPS-7"},
                "timeSpentSeconds": 5400,
                "billableSeconds": 0,
                "startDate": "2026-10-01",
                "startTime": "13:00:00",
                "description": "Rollback of act-1",
                "author": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},
            }
        ],
    }
    write(data_dir, "time_entries/tempo/2026-10-01.json", json.dumps(page))
    rules = [{"field": "task", "pattern": "^OPS-", "activity": "rollback"}, *RULES[2:3]]
    build_models("core/labour_costs", days=DAY, time_entry_rules=rules)
    assert query(
        "SELECT entry_id, person_id, hours, activity, action_id FROM staging.time_entries"
    ) == [("126", "5b10ac8d82e05b22cc7d4ef5", Decimal("1.500000"), "rollback", "act-1")]


def test_an_entry_no_rule_gives_an_activity_is_quarantined_naming_the_rules(
    data_dir, build_models, query
):
    write(
        data_dir,
        "time_entries/toggl/2026-10-01.csv",
        header("toggl_track_detailed_report_HEADER.csv")
        + "\nAisha Patel,aisha@example.co.za,Acme,Website,Design,Mockups,No,2026-10-01,"
        "08:30:00,2026-10-01,10:00:00,01:30:00,,\n",
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    assert query("SELECT source, column_name, reason FROM audit.quarantine") == [
        (
            "time_entries",
            "activity",
            "activity: missing (no activity column, and no IngestSettings.time_entry_rules rule "
            "matched its project, task, tags or description)",
        )
    ]


def test_an_exports_cost_rate_reaches_no_serving_view(data_dir, build_models, query):
    write(
        data_dir,
        "time_entries/harvest_2026-10-01.csv",
        harvest_report(HUGOS_REVIEW),
    )
    build_models(serving_views=True, days=DAY, time_entry_rules=RULES)
    views = [
        v for (v,) in query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'serving'")
    ]
    assert len(views) > 20
    # the labour cost is published; the rate (90 EUR, 97.2 USD) and the person are not
    published = " ".join(
        str(row) for view in views for row in query(f"SELECT * FROM serving.{quote_ident(view)}")
    )
    assert "145.8" in published
    assert not any(text in published for text in ("97.2", "90.0", "Hugo Bernard"))


def test_a_report_without_cost_rates_is_recorded_as_holding_no_rates(
    data_dir, build_models, query, failing_rows
):
    write(
        data_dir,
        "time_entries/toggl/2026-10-01.csv",
        header("toggl_track_detailed_report_HEADER.csv")
        + "\nAisha Patel,aisha@example.co.za,Acme,Support bot,Code review,Check act-1,No,"
        "2026-10-01,08:30:00,2026-10-01,10:00:00,1:30,,\n",
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    # a clock time without seconds reads too
    assert query("SELECT hours, duration_seconds FROM staging.time_entries") == [
        (Decimal("1.500000"), 5400)
    ]
    assert query(
        "SELECT source, load_status, status_reason FROM audit.load_ledger ORDER BY source"
    ) == [
        (
            "loaded_rates",
            "ignored",
            "no loaded_rates records: not a format loaded_rates reads "
            "from time_entries/ (clockify, harvest)",
        ),
        ("time_entries", "loaded", None),
    ]
    # another folder's file holding no rates is expected: no warning that a file was passed over
    assert failing_rows("every_file_loaded", source="loaded_rates") == []


def test_a_harvest_report_without_cost_rates_says_what_it_lacks(data_dir, build_models, query):
    # Harvest leaves the cost columns out of a report for people without cost permissions
    columns = header("harvest_detailed_time_report_HEADER.csv").split(",")
    kept = [i for i, c in enumerate(columns) if c not in ("Cost Rate", "Cost Amount")]
    values = HUGOS_REVIEW.split(",")
    write(
        data_dir,
        "time_entries/harvest_2026-10-01.csv",
        ",".join(columns[i] for i in kept) + "\n" + ",".join(values[i] for i in kept) + "\n",
    )
    build_models("core/labour_costs", days=DAY, time_entry_rules=RULES)
    assert query("SELECT COUNT(*) FROM staging.time_entries") == [(1,)]
    assert query(
        "SELECT load_status, status_reason FROM audit.load_ledger WHERE source = 'loaded_rates'"
    ) == [("ignored", "no loaded_rates records: lacks Cost Rate")]
