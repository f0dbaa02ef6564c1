"""The serving views are created again only when what they are made of changed; the published
file carries every view's and column's comment, whether a table was built whole or copied from
the last published file, and is written in the configured storage version."""

import duckdb
import pytest

from pipeline.assets.serving.views import create_serving_views
from pipeline.sql_files import create_macros
from tests.conftest import materialize_everything, write

ACTIONS = (
    "action_id,attempted_at,task_id,session_id,parent_session_id,agent_id,team_id,task_type,"
    "risk_grade\n"
    "a1,2026-11-22T09:00:00Z,t1,s1,,agent-a,team-x,triage,G1\n"
)
EVENTS = (
    "event_id,action_id,event_type,escalation_kind,occurred_at\n"
    "e1,a1,accepted,,2026-11-22T10:00:00Z\n"
)

VIEW_IDS = "SELECT view_name, view_oid FROM duckdb_views() WHERE schema_name = 'serving' ORDER BY 1"
UNCOMMENTED_COLUMNS = (
    "SELECT COUNT(*) FROM duckdb_columns() WHERE database_name = current_database() "
    "AND schema_name = 'serving' AND comment IS NULL"
)


@pytest.fixture
def warehouse(data_dir, db_path, build_models):
    """The models of one accepted action and the serving views over them; an open connection."""
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    write(data_dir, "action_events/e.csv", EVENTS)
    build_models(serving_views=True)
    with duckdb.connect(str(db_path)) as conn:
        create_macros(conn)
        yield conn


def test_views_made_of_the_same_files_are_left_in_place(warehouse):
    before = warehouse.execute(VIEW_IDS).fetchall()
    views, columns, created = create_serving_views(warehouse)
    assert created is False
    assert warehouse.execute(VIEW_IDS).fetchall() == before
    assert len(views) == 32 and len(columns) > 900
    assert warehouse.execute(UNCOMMENTED_COLUMNS).fetchone() == (0,)


def test_views_made_of_other_files_are_created_again(warehouse):
    before = dict(warehouse.execute(VIEW_IDS).fetchall())
    warehouse.execute("UPDATE audit.serving_definition SET fingerprint = 'another'")
    _, _, created = create_serving_views(warehouse)
    after = dict(warehouse.execute(VIEW_IDS).fetchall())
    assert created is True
    assert after.keys() == before.keys()
    assert all(after[view] != before[view] for view in before)
    assert warehouse.execute(UNCOMMENTED_COLUMNS).fetchone() == (0,)
    assert warehouse.execute("SELECT fingerprint FROM audit.serving_definition").fetchall() != [
        ("another",)
    ]


def test_a_view_dropped_by_hand_is_created_again(warehouse):
    warehouse.execute("DROP VIEW serving.showback_by_team_daily")
    _, _, created = create_serving_views(warehouse)
    assert created is True
    assert ("showback_by_team_daily",) in warehouse.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'serving'"
    ).fetchall()


def comments(conn, database: str) -> list[tuple]:
    """Every serving table's or view's comment and every column's, in one database."""
    return conn.execute(
        "SELECT table_name, NULL AS column_name, comment FROM duckdb_tables() "
        "WHERE database_name = $db AND schema_name = 'serving' AND table_name <> 'publication' "
        "UNION ALL SELECT view_name, NULL, comment FROM duckdb_views() "
        "WHERE database_name = $db AND schema_name = 'serving' "
        "UNION ALL SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = $db AND schema_name = 'serving' AND table_name <> 'publication' "
        "ORDER BY ALL",
        {"db": database},
    ).fetchall()


def test_a_windowed_publish_carries_every_comment_of_the_views(data_dir, db_path):
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    write(data_dir, "action_events/e.csv", EVENTS)
    assert materialize_everything(data_dir, db_path).success
    write(data_dir, "action_events/e2.csv", EVENTS.replace("e1,", "e2,").replace("10:00", "11:00"))
    second = materialize_everything(data_dir, db_path)
    assert second.success
    [published] = [
        event.materialization.metadata
        for event in second.get_asset_materialization_events()
        if event.asset_key.path == ["serving", "published"]
    ]
    assert published["started_from"].value.startswith("the file of run")
    with duckdb.connect(str(db_path), read_only=True) as conn:
        conn.execute(f"ATTACH '{db_path.parent / 'published.duckdb'}' AS published (READ_ONLY)")
        in_warehouse = comments(conn, "agent_finops")
        in_published = comments(conn, "published")
    assert len(in_warehouse) > 900
    assert [row for row in in_warehouse if row[2] is None] == []
    assert in_published == in_warehouse


def storage_version_number(path) -> int:
    """The storage version number in a DuckDB file's header (after the checksum and 'DUCK')."""
    header = path.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    return int.from_bytes(header[12:20], "little")


def test_a_file_in_another_storage_version_is_published_whole_in_the_new_one(data_dir, db_path):
    write(data_dir, "agent_actions/a.csv", ACTIONS)
    write(data_dir, "action_events/e.csv", EVENTS)
    published = db_path.parent / "published.duckdb"
    assert materialize_everything(data_dir, db_path).success
    assert storage_version_number(published) == 67  # v1.4.0, the default
    write(data_dir, "action_events/e2.csv", EVENTS.replace("e1,", "e2,").replace("10:00", "11:00"))
    second = materialize_everything(
        data_dir, db_path, serving={"published_storage_version": "v1.0.0"}
    )
    [metadata] = [
        event.materialization.metadata
        for event in second.get_asset_materialization_events()
        if event.asset_key.path == ["serving", "published"]
    ]
    assert (metadata["started_from"].value, metadata["storage_version"].value) == (
        "empty",
        "v1.0.0",
    )
    assert storage_version_number(published) == 64
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("SELECT storage_version FROM serving.publication").fetchall() == [
            ("v1.0.0",)
        ]
