"""What Dagster shows on the assets: each staging and model table's row count and column schema
under Dagster's own keys, and exact amounts in plain decimal notation."""

from decimal import Decimal

import duckdb
import pytest

from pipeline.metadata import amount_text
from tests.conftest import materialize_everything, write

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
    "a1,2026-11-22T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n"
    "a2,2026-11-22T09:30:00Z,t2,s2,,agent-a,team-x,triage,G1\n"
)


def test_staging_and_model_tables_show_their_row_count_and_columns(data_dir, db_path):
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    result = materialize_everything(data_dir, db_path, through=("core/action_outcomes",))
    assert result.success
    shown = {
        "/".join(event.asset_key.path): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    with duckdb.connect(str(db_path), read_only=True) as conn:
        for key, table in (
            ("staging/agent_actions", "staging.agent_actions"),
            ("core/action_outcomes", "core.action_outcomes"),
        ):
            columns = [
                (name, kind) for name, kind, *_ in conn.execute(f"DESCRIBE {table}").fetchall()
            ]
            schema = shown[key]["dagster/column_schema"].value
            assert shown[key]["dagster/row_count"].value == 2, key
            assert [(c.name, c.type) for c in schema.columns] == columns, key


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0E-12", "0"),
        ("-0E-12", "0"),
        ("12.500000000000", "12.5"),
        ("-0.000000000001", "-0.000000000001"),
        ("1E+3", "1000"),
        ("123456789012345.123456789012", "123456789012345.123456789012"),
    ],
)
def test_amounts_are_shown_exactly_in_plain_notation(amount, text):
    assert amount_text(Decimal(amount)) == text
