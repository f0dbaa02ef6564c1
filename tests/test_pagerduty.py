"""PagerDuty incidents as its API returns them: an incident costs its declared penalty (failure
impact) and its responders' time from acknowledgement to resolution (remediation labour)."""

import json
from datetime import date, datetime
from decimal import Decimal

from tests.conftest import OUTSIDE_DATA, needs_outside_data, write

EXAMPLE = OUTSIDE_DATA / "incidents-refunds" / "pagerduty_incident_example_TRUNCATED.json"

pytestmark = needs_outside_data

DAY = "2015-10-06"
PENALTIES = [
    {"service": "My Mail Service", "priority": "P1", "amount": "5000"},
    {"service": "My Mail Service", "amount": "250.00"},
]
LINKS = {"action_id": "(act-[0-9]+)"}


def incident(**fields) -> dict:
    """PagerDuty's documented example incident, with the fields given."""
    documented = json.loads(EXAMPLE.read_text())["incidents"][0]
    documented.pop("_truncated")
    return {**documented, **fields}


def log_entry(entry_id: str, kind: str, at: str, who: str | None = None) -> dict:
    entry = {
        "id": entry_id,
        "type": f"{kind}_log_entry",
        "created_at": at,
        "incident": {
            "id": "PT4KHLK",
            "type": "incident_reference",
            "summary": "[#1234] Agent act-9 emptied the mail queue",
        },
    }
    if who:
        entry["agent"] = {"id": f"P{who[:3].upper()}", "type": "user_reference", "summary": who}
    return entry


def write_incidents(data_dir) -> None:
    page = {
        "incidents": [
            incident(
                title="Agent act-9 emptied the mail queue",
                urgency="high",
                priority={"id": "P53ZZH5", "summary": "P2"},
            ),
            incident(id="PX0THER", title="Disk full", service={"id": "P2", "summary": "Other"}),
        ],
        "limit": 25,
        "offset": 0,
        "more": False,
    }
    write(data_dir, "consequence_records/pagerduty/2015-10-06/incidents.json", json.dumps(page))
    entries = {
        "log_entries": [
            log_entry("R1", "trigger", "2015-10-06T21:30:42Z"),
            log_entry("R2", "acknowledge", "2015-10-06T21:31:00Z", "Jane Responder"),
            log_entry("R3", "acknowledge", "2015-10-06T21:35:00Z", "Sam Oncall"),
            log_entry("R4", "acknowledge", "2015-10-06T21:36:00Z", "Jane Responder"),
            log_entry("R5", "resolve", "2015-10-06T21:38:30Z", "Jane Responder"),
        ]
    }
    write(
        data_dir, "consequence_records/pagerduty/2015-10-06/log_entries.json", json.dumps(entries)
    )
    write(
        data_dir,
        "loaded_rates/rates.csv",
        "role,person_id,loaded_hourly_rate,currency,effective_from\n"
        ",Jane Responder,120,USD,2015-01-01\n,Sam Oncall,90,USD,2015-01-01\n",
    )


def test_an_incident_costs_its_declared_penalty(data_dir, build_models, query):
    write_incidents(data_dir)
    build_models("core/labour_costs", days=DAY, incident_penalties=PENALTIES, incident_links=LINKS)
    # P2 on My Mail Service: the second rule; the other service's incident has no penalty
    assert query(
        "SELECT record_id, record_type, amount_usd, occurred_at, action_id, description "
        "FROM staging.consequence_records"
    ) == [
        (
            "PT4KHLK",
            "sla_penalty",
            Decimal("250.000000000000"),
            datetime(2015, 10, 6, 21, 30, 42),
            "act-9",
            "Agent act-9 emptied the mail queue",
        )
    ]


def test_responders_time_from_acknowledgement_to_resolution_is_remediation(
    data_dir, build_models, query
):
    write_incidents(data_dir)
    build_models("core/labour_costs", days=DAY, incident_penalties=PENALTIES, incident_links=LINKS)
    # Jane: 21:31:00 to 21:38:30 (her second acknowledgement is not counted again); Sam from
    # 21:35:00
    assert query(
        "SELECT e.person_id, e.work_date, e.hours, e.activity, e.action_id, l.cost_line, "
        "l.labour_cost_usd FROM staging.time_entries AS e "
        "JOIN core.labour_costs AS l USING (entry_id) ORDER BY e.person_id"
    ) == [
        (
            "Jane Responder",
            date(2015, 10, 6),
            Decimal("0.125000"),
            "incident_response",
            "act-9",
            "remediation",
            Decimal("15.000000000000"),
        ),
        (
            "Sam Oncall",
            date(2015, 10, 6),
            Decimal("0.058333"),
            "incident_response",
            "act-9",
            "remediation",
            Decimal("5.250000000000"),
        ),
    ]


def test_an_incident_linked_to_nothing_is_quarantined_naming_it(data_dir, build_models, query):
    write_incidents(data_dir)
    build_models("core/labour_costs", days=DAY, incident_penalties=PENALTIES)
    assert query(
        "SELECT source, column_name, reason FROM audit.quarantine ORDER BY source, source_line"
    ) == [
        (
            "consequence_records",
            "action_id",
            "action_id: missing (a consequence names an action, task, agent or team)",
        )
    ]


def test_a_response_over_midnight_is_one_entry_per_day(data_dir, build_models, query):
    write(
        data_dir,
        "consequence_records/pagerduty/2015-10-06/log_entries.jsonl",
        "".join(
            json.dumps(entry) + "\n"
            for entry in (
                log_entry("R2", "acknowledge", "2015-10-06T23:30:00Z", "Jane Responder"),
                log_entry("R5", "resolve", "2015-10-08T00:15:00Z", "Jane Responder"),
            )
        ),
    )
    build_models("core/labour_costs", days=("2015-10-06", "2015-10-08"), incident_links=LINKS)
    # 30 minutes, a whole day and 15 minutes: 24.75 hours, none lost to the 24-hour limit
    assert query(
        "SELECT entry_id, work_date, hours, duration_seconds FROM staging.time_entries "
        "ORDER BY work_date"
    ) == [
        ("R2@2015-10-06", date(2015, 10, 6), Decimal("0.500000"), 1800),
        ("R2@2015-10-07", date(2015, 10, 7), Decimal("24.000000"), 86400),
        ("R2@2015-10-08", date(2015, 10, 8), Decimal("0.250000"), 900),
    ]
    assert query("SELECT COUNT(*) FROM audit.quarantine") == [(0,)]


def test_an_integration_acknowledging_is_no_responder(data_dir, build_models, query):
    by_integration = log_entry("R2", "acknowledge", "2015-10-06T21:31:00Z", "Datadog")
    by_integration["agent"]["type"] = "service_reference"
    write(
        data_dir,
        "consequence_records/pagerduty/2015-10-06/log_entries.json",
        json.dumps(
            {
                "log_entries": [
                    by_integration,
                    log_entry("R3", "acknowledge", "2015-10-06T21:35:00Z", "Sam Oncall"),
                    log_entry("R5", "resolve", "2015-10-06T21:38:30Z", "Sam Oncall"),
                ]
            }
        ),
    )
    build_models("core/labour_costs", days=DAY, incident_links=LINKS)
    assert query("SELECT person_id, duration_seconds FROM staging.time_entries") == [
        ("Sam Oncall", 210)
    ]
    assert query("SELECT status_reason FROM audit.load_ledger WHERE source = 'time_entries'") == [
        (
            "2 record(s) of other kinds than response (by record_kind, or unreadable) are not "
            "time_entries rows",
        )
    ]
