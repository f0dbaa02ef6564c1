"""Time trackers' exports as time entries and loaded rates: Harvest's, Clockify's and Toggl's
detailed reports (CSV as exported) and Tempo's worklogs (JSON as its API returns them).

None of them carries an entry id: an entry is named by a digest of the fields that identify it
(``FieldRef.identity``), so a re-exported report restates the same entries. None carries our
activity or ids: IngestSettings.time_entry_rules map a project, task, tag or description pattern
to them (staging, sql/staging/time_entries.sql). An export without a role names the role
'unspecified': a person's own rate applies first (their cost rate in Harvest and Clockify
exports, or loaded_rates by person_id). Durations written as clock times ('1:30:00') or seconds
become hours to 6 places (3.6 ms), and keep their exact seconds: labour is costed from those.
"""

from pipeline.adapters.mapping import Adapter, FieldRef

NO_ROLE = FieldRef("role", constant="unspecified")

HARVEST_PERSON = FieldRef("First Name", parts=("First Name", "Last Name"))
HARVEST_ENTRY = ("Date", "First Name", "Last Name", "Client", "Project", "Task", "Notes", "Hours")
HARVEST_RECOGNISED_BY = ("Date", "Project", "Task", "Notes", "Hours", "First Name", "Last Name")

HARVEST_TIME = Adapter(
    name="harvest",
    description="Harvest's detailed time report (CSV): decimal Hours, First and Last Name.",
    recognised_by=HARVEST_RECOGNISED_BY,
    columns={
        "entry_id": FieldRef(
            "Date",
            identity=(
                "Date",
                "First Name",
                "Last Name",
                "Client",
                "Project",
                "Task",
                "Notes",
                "Hours",
            ),
        ),
        "person_id": HARVEST_PERSON,
        "role": FieldRef("Roles", fallback=NO_ROLE),
        "work_date": FieldRef("Date"),
        "hours": FieldRef("Hours"),
        "project": FieldRef("Project"),
        "task_name": FieldRef("Task"),
        "description": FieldRef("Notes"),
    },
)

HARVEST_RATES = Adapter(
    name="harvest",
    description="The Cost Rate of each entry of a Harvest detailed time report, the person's "
    "loaded rate from the entry's day, in the currency its label names ('Euro - EUR').",
    recognised_by=HARVEST_RECOGNISED_BY,
    kind="Cost Rate",
    takes=("*",),
    columns={
        "person_id": HARVEST_PERSON,
        "loaded_hourly_rate": FieldRef("Cost Rate"),
        "currency": FieldRef("Currency", extract=r"([A-Za-z]{3})\s*$"),
        "effective_from": FieldRef("Date"),
    },
)

CLOCKIFY_PERSON = FieldRef("Email", convert="lower", fallback=FieldRef("User"))
CLOCKIFY_RECOGNISED_BY = ("Project", "Description", "Task", "User", "Email", "Start Date")

CLOCKIFY_TIME = Adapter(
    name="clockify",
    description="Clockify's detailed report (CSV): Duration (h) as a clock time, else "
    "Duration (decimal); a closing Total row (no User) is counted, not read.",
    recognised_by=CLOCKIFY_RECOGNISED_BY,
    kind="User",
    takes=("*",),
    columns={
        "entry_id": FieldRef(
            "Email",
            identity=(
                "User",
                "Email",
                "Start Date",
                "Start Time",
                "End Date",
                "End Time",
                "Project",
                "Task",
                "Description",
            ),
        ),
        "person_id": CLOCKIFY_PERSON,
        "role": FieldRef("Group", fallback=NO_ROLE),
        "work_date": FieldRef("Start Date"),
        "hours": FieldRef(
            "Duration (h)", convert="clock_hours", fallback=FieldRef("Duration (decimal)")
        ),
        "duration_seconds": FieldRef("Duration (h)", convert="clock_seconds"),
        "project": FieldRef("Project"),
        "task_name": FieldRef("Task"),
        "tags": FieldRef("Tags"),
        "description": FieldRef("Description"),
    },
)

CLOCKIFY_RATES = Adapter(
    name="clockify",
    description="The Cost Rate of each entry of a Clockify detailed report, the person's loaded "
    "rate from the entry's day, in the currency its header names ('Cost Rate (USD)').",
    recognised_by=CLOCKIFY_RECOGNISED_BY,
    kind="Cost Rate ({currency})",
    takes=("*",),
    columns={
        "person_id": CLOCKIFY_PERSON,
        "loaded_hourly_rate": FieldRef("Cost Rate ({currency})"),
        "currency": FieldRef("Cost Rate ({currency})", header_value=True),
        "effective_from": FieldRef("Start Date"),
    },
)

TOGGL_RECOGNISED_BY = ("Email", "Project", "Task", "Description", "Start date", "Duration")
TOGGL_TIME = Adapter(
    name="toggl",
    description="Toggl Track's detailed report (CSV, with its byte-order mark): Duration as a "
    "clock time, Tags a comma-separated list.",
    recognised_by=(
        "Email",
        "Project",
        "Task",
        "Description",
        "Start date",
        "Start time",
        "Duration",
    ),
    columns={
        "entry_id": FieldRef(
            "Email",
            identity=(
                "Email",
                "Start date",
                "Start time",
                "End date",
                "End time",
                "Project",
                "Task",
                "Description",
            ),
        ),
        "person_id": FieldRef("Email", convert="lower"),
        "role": NO_ROLE,
        "work_date": FieldRef("Start date"),
        "hours": FieldRef("Duration", convert="clock_hours"),
        "duration_seconds": FieldRef("Duration", convert="clock_seconds"),
        "project": FieldRef("Project"),
        "task_name": FieldRef("Task"),
        "tags": FieldRef("Tags"),
        "description": FieldRef("Description"),
    },
)

TEMPO_WORKLOGS = Adapter(
    name="tempo",
    description="Tempo worklogs (Jira) as its REST API returns them: pages of results[], or "
    "one worklog per line; timeSpentSeconds as hours, the issue as the task tested by rules.",
    recognised_by=("tempoWorklogId", "timeSpentSeconds", "startDate"),
    also_recognised_by=(("self", "metadata", "results"),),
    records=("landing/list_pages.sql",),
    columns={
        "entry_id": FieldRef("tempoWorklogId"),
        "person_id": FieldRef("author", "$.accountId"),
        "role": NO_ROLE,
        "work_date": FieldRef("startDate"),
        "hours": FieldRef("timeSpentSeconds", convert="seconds_as_hours"),
        "duration_seconds": FieldRef("timeSpentSeconds"),
        "task_name": FieldRef("issue", ("$.key", "$.id")),
        "description": FieldRef("description"),
    },
)
