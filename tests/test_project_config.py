"""One configuration for own data (pipeline/project_config.py): the YAML file AGENT_FINOPS_CONFIG
names places every output together, reads values from the environment through Dagster's EnvVar,
and is what every run of the code location uses, the schedule's included."""

import re
from datetime import datetime
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs as code_location
from pipeline.project_config import CONFIG_ENV_VAR, ProjectConfigError
from tests.conftest import PARTITION_TAG, write


def configure(monkeypatch, tmp_path, text: str) -> None:
    config = tmp_path / "agent_finops.yaml"
    config.write_text(text)
    monkeypatch.setenv(CONFIG_ENV_VAR, str(config))


def test_one_configuration_places_every_output_in_its_folder(monkeypatch, tmp_path):
    write(
        tmp_path / "incoming",
        "agent_actions/2026-10-01.csv",
        "action_id,attempted_at,task_id,agent_id,team_id,task_type,risk_grade\n"
        "a1,2026-10-01T09:00:00Z,t1,agent-a,team-x,triage,G0\n",
    )
    write(
        tmp_path / "incoming",
        "llm_requests/2026-10-01.csv",
        "request_id,requested_at,model,input_tokens,output_tokens,reported_cost_usd,action_id\n"
        "r1,2026-10-01T09:10:00Z,gpt-4o,100,10,0.25,a1\n",
    )
    monkeypatch.chdir(tmp_path)  # nothing may land in ./warehouse
    monkeypatch.setenv("FINOPS_DATA_DIR", str(tmp_path / "incoming"))
    configure(
        monkeypatch,
        tmp_path,
        f"output_dir: {tmp_path / 'finops'}\n"
        "first_day: 2026-10-01\n"
        "resources:\n"
        "  ingest_settings:\n"
        "    data_dir: {env: FINOPS_DATA_DIR}\n"
        "  metric_settings:\n"
        "    as_of: '2026-12-01T00:00:00'\n",
    )
    job = code_location().resolve_job_def("agent_finops_job")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, tags={PARTITION_TAG: "2026-10-01"}, raise_on_error=False
        )
        messages = [event.user_message for event in instance.all_logs(result.run_id)]
    assert result.success
    out = tmp_path / "finops"
    # the run ends with where its outputs are
    [summary] = [m for m in messages if m.startswith("Showback for ")]
    assert f"  report: {out / 'showback_report.html'}" in summary.splitlines()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "agent_finops.duckdb",
        "agent_finops.duckdb.lock",
        "exports",
        "litellm_budgets.json",
        "published.duckdb",
        "published.duckdb.lock",
        "showback_report.html",
    ]
    assert not (tmp_path / "warehouse").exists()
    with duckdb.connect(str(out / "published.duckdb"), read_only=True) as conn:
        # the files were read from the folder the environment named
        assert conn.execute(
            "SELECT total_cost_usd FROM serving.showback_fleet_daily"
        ).fetchall() == [(Decimal("0.25"),)]


def test_the_schedule_runs_at_the_configured_time(monkeypatch, tmp_path):
    configure(monkeypatch, tmp_path, "schedule: {hour_of_day: 7, timezone: Europe/Berlin}\n")
    schedule = code_location().resolve_schedule_def("daily_showback")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 7 * * *", "Europe/Berlin")


def test_the_daily_partitions_start_on_the_configured_first_day(monkeypatch, tmp_path):
    configure(monkeypatch, tmp_path, "first_day: 2026-09-01\n")
    graph = code_location().resolve_asset_graph()
    starts = {
        graph.get(key).partitions_def.start.date().isoformat()
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def is not None
    }
    assert starts == {"2026-09-01"}
    days = graph.get(dg.AssetKey(["staging", "llm_requests"])).partitions_def
    assert days.get_first_partition_key() == "2026-09-01"


def test_environment_values_reach_text_and_whole_number_settings(monkeypatch, tmp_path):
    configure(
        monkeypatch,
        tmp_path,
        "output_dir: out\n"  # relative: beside the configuration file
        "resources:\n"
        "  alert_settings: {webhook_url: {env: FINOPS_HOOK}}\n"
        "  metric_settings: {survival_window_days: {env: FINOPS_WINDOW}, as_of: 2026-12-01}\n",
    )
    resources = code_location().resources
    assert resources["warehouse"].database == str(tmp_path / "out" / "agent_finops.duckdb")
    assert resources["compute_engine"].exchange_dir == str(tmp_path / "out" / "exchange")
    assert resources["alert_settings"].webhook_url == dg.EnvVar("FINOPS_HOOK")
    assert resources["metric_settings"].survival_window_days == dg.EnvVar.int("FINOPS_WINDOW")
    assert resources["metric_settings"].as_of == "2026-12-01"  # YAML's date, read as text


def test_the_schedule_waits_for_the_first_day_to_be_complete(monkeypatch, tmp_path):
    configure(monkeypatch, tmp_path, "first_day: 2026-10-05\n")
    defs = code_location()
    schedule = defs.resolve_schedule_def("daily_showback")

    def tick(moment: str):
        return schedule.evaluate_tick(
            dg.build_schedule_context(
                scheduled_execution_time=datetime.fromisoformat(moment),
                repository_def=defs.get_repository_def(),
            )
        )

    assert tick("2026-10-05T06:00:00+00:00").skip_message == (
        "2026-10-04 is before the first day the pipeline builds, 2026-10-05"
    )
    [request] = tick("2026-10-06T06:00:00+00:00").run_requests
    assert request.partition_key == "2026-10-05"


def test_without_a_configuration_every_setting_keeps_its_default(monkeypatch):
    monkeypatch.delenv(CONFIG_ENV_VAR, raising=False)
    resources = code_location().resources
    assert (
        resources["warehouse"].database,
        resources["serving_settings"].report_path,
        resources["ingest_settings"].data_dir,
    ) == ("warehouse/agent_finops.duckdb", "warehouse/showback_report.html", "data_samples")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "resources:\n  ingest_settings:\n    data_folder: /srv\n",
            "resources.ingest_settings.data_folder: no such setting of ingest_settings",
        ),
        ("resources:\n  settings:\n    data_dir: /srv\n", "resources.settings: no such resource"),
        (
            "resources:\n  metric_settings:\n    survival_window_days: thirty\n",
            "resources.metric_settings: survival_window_days: Input should be a valid integer",
        ),
        ("output_folder: /srv\n", "output_folder: Extra inputs are not permitted"),
        ("schedule: {hour_of_day: 25}\n", "schedule.hour_of_day: Input should be less than"),
        ("resources: [", "not valid YAML"),
        ("schedule: {hour: 7}\n", "schedule.hour: Extra inputs are not permitted"),
        ("schedule: {timezone: Europe/Berln}\n", "'Europe/Berln' is not an IANA timezone"),
        (
            "resources:\n  ingest_settings:\n    time_entry_rules:\n"
            "      - {field: project, pattern: review, activty: review}\n",
            "resources.ingest_settings.time_entry_rules[0].activty: no such setting",
        ),
        (
            "resources:\n  metric_settings:\n    tool_services: {env: TOOLS}\n",
            "resources.metric_settings.tool_services: {env: TOOLS} is only for text and "
            "whole-number settings",
        ),
    ],
)
def test_a_configuration_the_pipeline_cannot_use_is_refused_naming_the_setting(
    monkeypatch, tmp_path, text, named
):
    configure(monkeypatch, tmp_path, text)
    with pytest.raises(ProjectConfigError, match="agent_finops.yaml: .*" + re.escape(named)):
        code_location()
