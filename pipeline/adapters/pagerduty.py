"""PagerDuty incidents and their log entries, as its REST API returns them: an incident costs
the penalty declared for its service, urgency and priority (failure impact), and each
responder's time from acknowledging it to its resolution (remediation labour). PagerDuty's
incident objects carry no money and, once resolved, no responders: both come from what is
declared (IngestSettings.incident_penalties, incident_links) and from the log entries."""

from pipeline.adapters.mapping import Adapter, FieldRef

PAGERDUTY_RECOGNISED_BY = (("incidents",), ("log_entries",), ("incident",), ("log_entry",))
IDS = {column: FieldRef(column) for column in ("action_id", "task_id", "agent_id", "team_id")}

PAGERDUTY_PENALTIES = Adapter(
    name="pagerduty",
    description="PagerDuty incidents with a declared penalty, as SLA penalties (failure impact).",
    recognised_by=("id", "type", "incident_number"),
    also_recognised_by=PAGERDUTY_RECOGNISED_BY,
    records=("landing/list_pages.sql", "landing/pagerduty.sql"),
    kind="record_kind",
    takes=("penalty",),
    columns={
        "record_id": FieldRef("id"),
        "record_type": FieldRef("id", constant="sla_penalty"),
        "amount": FieldRef("penalty_amount"),
        "amount_unit": FieldRef("id", constant="major"),
        "currency": FieldRef("penalty_currency"),
        "occurred_at": FieldRef("created_at"),
        "description": FieldRef("title"),
        **IDS,
    },
)

PAGERDUTY_RESPONSES = Adapter(
    name="pagerduty",
    description="Each PagerDuty responder's time from acknowledging an incident to its "
    "resolution (log entries), as incident response (remediation labour).",
    recognised_by=("id", "type", "incident_number"),
    also_recognised_by=PAGERDUTY_RECOGNISED_BY,
    records=("landing/list_pages.sql", "landing/pagerduty.sql"),
    kind="record_kind",
    takes=("response",),
    columns={
        "entry_id": FieldRef("id"),
        "person_id": FieldRef("responder"),
        "role": FieldRef("id", constant="unspecified"),
        "work_date": FieldRef("started_at"),
        "hours": FieldRef("seconds", convert="seconds_as_hours"),
        "duration_seconds": FieldRef("seconds"),
        "activity": FieldRef("id", constant="incident_response"),
        **IDS,
    },
)
