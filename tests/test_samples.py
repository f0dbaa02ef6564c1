"""The committed data_samples run through the whole job: every source loads, every planted
defect is quarantined with its reason, every row and dollar is accounted for."""

import shutil

import pytest

from tests.conftest import DATA_SAMPLES, check_results

AS_OF = {"as_of": "2026-12-01T00:00:00"}


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    import dagster as dg
    import duckdb

    from pipeline.assets.core import core_assets, mart_assets
    from pipeline.assets.ingest import ingest_assets
    from pipeline.checks import ingest_checks, metric_checks
    from pipeline.resources import IngestSettings, MetricSettings, Warehouse

    root = tmp_path_factory.mktemp("samples")
    shutil.copytree(DATA_SAMPLES, root / "data")
    db_path = root / "agent_finops.duckdb"
    result = dg.materialize(
        [*ingest_assets, *ingest_checks, *core_assets, *mart_assets, *metric_checks],
        resources={
            "warehouse": Warehouse(database=str(db_path)),
            "ingest_settings": IngestSettings(data_dir=str(root / "data")),
            "metric_settings": MetricSettings(**AS_OF),
        },
        raise_on_error=False,
    )

    def query(sql):
        with duckdb.connect(str(db_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    return result, query


def test_the_whole_job_succeeds_with_every_check_passing(samples):
    result, _ = samples
    assert result.success
    assert all(check_results(result).values())


def test_every_source_is_accounted_for_row_by_row(samples):
    _, query = samples
    assert query(
        "SELECT source, SUM(rows_read), SUM(rows_staged), SUM(rows_quarantined), "
        "SUM(rows_duplicate) FROM audit.load_ledger GROUP BY 1 ORDER BY 1"
    ) == [
        ("action_events", 137, 134, 2, 1),
        ("agent_actions", 122, 120, 2, 0),
        ("billing_lines", 654, 653, 1, 0),
        ("consequence_records", 26, 25, 1, 0),
        ("llm_requests", 507, 504, 2, 1),
        ("loaded_rates", 4, 4, 0, 0),
        ("model_prices", 13, 13, 0, 0),
        ("time_entries", 48, 47, 1, 0),
        ("tool_calls", 193, 192, 1, 0),
    ]


def test_each_planted_defect_is_quarantined_with_its_reason(samples):
    _, query = samples
    assert query(
        "SELECT source_file, source_line, column_name FROM audit.quarantine ORDER BY ALL"
    ) == [
        ("action_events/2026-10-01.csv", 52, "(row)"),
        ("action_events/2026-10-01.csv", 53, "escalation_kind"),
        ("agent_actions/2026-10-01.csv", 42, "team_id"),
        ("agent_actions/2026-10-01.csv", 43, "attempted_at"),
        ("billing_lines/2026-10-01.csv", 219, "BilledCost"),
        ("consequence_records/2026-10-01.csv", 13, "currency"),
        ("llm_requests/2026-10-01.jsonl", 153, "(row)"),
        ("llm_requests/2026-10-01.jsonl", 155, "input_tokens"),
        ("time_entries/2026-10-01.csv", 19, "hours"),
        ("tool_calls/2026-10-01.csv", 61, "cost_usd"),
    ]


def test_unknown_model_is_priced_unknown_and_visible(samples):
    _, query = samples
    assert query(
        "SELECT cost_status, cost_usd FROM core.llm_request_costs "
        "WHERE request_id = 'req-unknown-model'"
    ) == [("unknown", None)]


def test_sample_fleet_has_every_outcome(samples):
    _, query = samples
    outcomes = {o for (o,) in query("SELECT DISTINCT outcome FROM core.action_outcomes")}
    assert outcomes == {"accepted_confirmed", "failed", "failed_run", "pending"}


def test_teams_with_pending_actions_are_marked_provisional(samples):
    _, query = samples
    rows = query(
        "SELECT team_id, pending_actions, headline_status, cost_per_accepted_action "
        "FROM marts.showback_by_team_monthly ORDER BY 1"
    )
    assert [r[0] for r in rows] == ["billing-ops", "platform", "support"]
    for _team, pending, status, headline in rows:
        assert status == ("provisional" if pending else "final")
        assert headline > 0
