"""Re-loading never doubles; a changed file replaces its rows; an unreadable file fails the asset
and leaves earlier data untouched; the conservation checks fail when the tables lose a row; a
failed write reports its own cause, never the rollback that followed."""

from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.assets.ingest import ingest_assets
from pipeline.checks import ingest_checks
from pipeline.resources import IngestSettings
from pipeline.warehouse import Warehouse, transaction
from tests.conftest import DEFAULT_DAY, check_results, day_tags, step_failure_message, write

HEADER = "call_id,called_at,tool_name,cost_usd,action_id\n"


def test_reloading_the_same_files_doubles_nothing(data_dir, ingest, query):
    write(data_dir, "tool_calls/day1.csv", HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\n")
    assert ingest().success
    first = query("SELECT * EXCLUDE (load_id, loaded_at) FROM staging.tool_calls")
    second_run = ingest()
    assert second_run.success
    assert query("SELECT * EXCLUDE (load_id, loaded_at) FROM staging.tool_calls") == first
    assert query("SELECT COUNT(*) FROM audit.load_ledger") == [(1,)]
    materialization = next(
        m for m in second_run.asset_materializations_for_node("staging__tool_calls")
    )
    assert materialization.metadata["files_unchanged"].value == 1


def test_a_source_with_no_file_is_staged_again_only_when_its_model_or_settings_change(
    data_dir, ingest, query
):
    (data_dir / "tool_calls").mkdir()
    staged_at = "SELECT staged_at FROM audit.staging_models WHERE source = 'tool_calls'"
    assert ingest().success
    first = query(staged_at)
    assert len(first) == 1
    assert ingest().success
    assert query(staged_at) == first  # nothing to read: the empty table stands
    assert ingest(team_tag_key="owner").success
    assert query(staged_at) != first  # another tag key shapes its rows: staged again
    assert query("SELECT COUNT(*) FROM staging.tool_calls") == [(0,)]


def test_a_restated_file_replaces_its_earlier_rows(data_dir, ingest, query):
    path = write(
        data_dir, "tool_calls/day1.csv", HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\n"
    )
    assert ingest().success
    path.write_text(
        HEADER + "c1,2026-10-01T09:00:00Z,search,0.7,a1\nc2,2026-10-01T09:05:00Z,search,0.1,a1\n"
    )
    result = ingest()
    assert result.success
    assert query("SELECT call_id, cost_usd FROM staging.tool_calls ORDER BY 1") == [
        ("c1", Decimal("0.7")),
        ("c2", Decimal("0.1")),
    ]
    assert query("SELECT rows_read, amount_read FROM audit.load_ledger") == [(2, Decimal("0.8"))]
    assert check_results(result)[("tool_calls", "amount_conserved")]


def test_unreadable_file_fails_the_asset_and_keeps_earlier_data(data_dir, ingest, query):
    write(data_dir, "tool_calls/day1.csv", HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\n")
    assert ingest().success
    write(data_dir, "tool_calls/day2.csv", "this file,has no,tool call columns\n1,2,3\n")
    write(data_dir, "tool_calls/day3.csv", HEADER + "c3,2026-10-03T09:00:00Z,search,0.2,a1\n")
    result = ingest()
    assert not result.success
    message = step_failure_message(result)
    assert "tool_calls/day2.csv" in message
    assert "missing required column(s) call_id, called_at, tool_name" in message
    # Nothing of the failed load is written: day3 waits for the file to be fixed.
    assert query("SELECT call_id FROM staging.tool_calls") == [("c1",)]
    assert query("SELECT source_file FROM audit.load_ledger") == [("tool_calls/day1.csv",)]


def test_corrupt_parquet_file_is_named_in_the_error(data_dir, ingest):
    (data_dir / "agent_actions").mkdir()
    (data_dir / "agent_actions" / "day1.parquet").write_bytes(b"PAR1 not really parquet")
    result = ingest()
    message = step_failure_message(result)
    assert "agent_actions/day1.parquet: cannot be read as Parquet" in message


def test_parquet_rows_carry_their_row_numbers(data_dir, ingest, query, tmp_path):
    import duckdb

    (data_dir / "tool_calls").mkdir()
    with duckdb.connect() as conn:
        conn.execute(
            "COPY (SELECT 'c' || CAST(i AS VARCHAR) AS call_id, "
            "TIMESTAMP '2026-10-01 09:00:00' AS called_at, 'search' AS tool_name, "
            "CAST(CASE WHEN i = 3 THEN -1 ELSE 0.25 END AS DECIMAL(10, 4)) AS cost_usd "
            "FROM range(1, 6) t(i)) TO $path (FORMAT parquet)",
            {"path": str(data_dir / "tool_calls" / "day1.parquet")},
        )
    assert ingest().success
    assert query("SELECT source_line, reason FROM audit.quarantine") == [(3, "cost_usd: negative")]
    assert query("SELECT SUM(cost_usd), COUNT(*) FROM staging.tool_calls") == [(Decimal("1.00"), 4)]


def _write_tool_calls_parquet(data_dir, relpath, select_sql):
    import duckdb

    path = data_dir / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as conn:
        conn.execute(f"COPY ({select_sql}) TO $path (FORMAT parquet)", {"path": str(path)})


def test_quarantined_parquet_rows_keep_their_columns_as_raw_json(data_dir, ingest, query):
    # line 2 is rejected (negative cost); line 4 repeats c1's key with another cost: a conflict
    _write_tool_calls_parquet(
        data_dir,
        "tool_calls/day1.parquet",
        "SELECT * FROM (VALUES "
        "('c1', TIMESTAMP '2026-10-01 09:00:00', 'search', CAST(0.25 AS DECIMAL(10, 4))), "
        "('c2', TIMESTAMP '2026-10-01 09:01:00', 'search', CAST(-1 AS DECIMAL(10, 4))), "
        "('c3', TIMESTAMP '2026-10-01 09:02:00', 'search', CAST(0.5 AS DECIMAL(10, 4))), "
        "('c1', TIMESTAMP '2026-10-01 09:00:00', 'search', CAST(0.75 AS DECIMAL(10, 4)))"
        ") AS t(call_id, called_at, tool_name, cost_usd)",
    )
    assert ingest().success
    assert query("SELECT source_line, column_name, raw_row FROM audit.quarantine ORDER BY 1") == [
        (
            2,
            "cost_usd",
            '{"call_id":"c2","called_at":"2026-10-01 09:01:00","tool_name":"search",'
            '"cost_usd":-1.0}',
        ),
        (
            4,
            "call_id",
            '{"call_id":"c1","called_at":"2026-10-01 09:00:00","tool_name":"search",'
            '"cost_usd":0.75}',
        ),
    ]
    assert query("SELECT call_id, source_line FROM staging.tool_calls ORDER BY 1") == [
        ("c1", 1),
        ("c3", 3),
    ]


def test_parquet_with_a_file_row_number_column_keeps_its_lines(data_dir, ingest, query):
    _write_tool_calls_parquet(
        data_dir,
        "tool_calls/day1.parquet",
        "SELECT 'c' || CAST(i AS VARCHAR) AS call_id, "
        "TIMESTAMP '2026-10-01 09:00:00' AS called_at, 'search' AS tool_name, "
        "CAST(CASE WHEN i = 2 THEN -1 ELSE 0.25 END AS DECIMAL(10, 4)) AS cost_usd, "
        "100 + i AS file_row_number FROM range(1, 4) t(i)",
    )
    assert ingest().success
    assert query("SELECT source_line, raw_row FROM audit.quarantine") == [
        (
            2,
            '{"call_id":"c2","called_at":"2026-10-01 09:00:00","tool_name":"search",'
            '"cost_usd":-1.0,"file_row_number":102}',
        )
    ]
    assert query("SELECT call_id, source_line FROM staging.tool_calls ORDER BY 1") == [
        ("c1", 1),
        ("c3", 3),
    ]


def _run_checks_only(data_dir, db_path):
    """Run the checks of the staging tables without re-loading anything."""
    return dg.materialize(
        [*ingest_assets, *ingest_checks],
        selection=dg.AssetSelection.checks_for_assets(*ingest_assets),
        resources={
            "warehouse": Warehouse(database=str(db_path)),
            "ingest_settings": IngestSettings(data_dir=str(data_dir)),
        },
        tags=day_tags(DEFAULT_DAY),
        raise_on_error=False,
    )


def test_rows_conserved_fails_when_a_staged_row_goes_missing(data_dir, db_path, ingest):
    import duckdb

    write(data_dir, "tool_calls/day1.csv", HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\n")
    assert check_results(ingest())[("tool_calls", "rows_conserved")]
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("DELETE FROM staging.tool_calls")
    checks = check_results(_run_checks_only(data_dir, db_path))
    assert checks[("tool_calls", "rows_conserved")] is False


def test_amount_conserved_fails_when_a_staged_amount_changes(data_dir, db_path, ingest):
    import duckdb

    write(data_dir, "tool_calls/day1.csv", HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\n")
    assert check_results(ingest())[("tool_calls", "amount_conserved")]
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("UPDATE staging.tool_calls SET cost_usd = cost_usd + 0.01")
    checks = check_results(_run_checks_only(data_dir, db_path))
    assert checks[("tool_calls", "amount_conserved")] is False
    assert checks[("tool_calls", "rows_conserved")] is True


def test_quarantine_share_warns_above_the_threshold(data_dir, ingest):
    write(
        data_dir,
        "tool_calls/day1.csv",
        HEADER + "c1,2026-10-01T09:00:00Z,search,0.5,a1\nc2,not a time,search,0.5,a1\n",
    )
    assert check_results(ingest())[("tool_calls", "quarantine_share")] is False
    assert check_results(ingest(quarantine_warn_ratio=0.5))[("tool_calls", "quarantine_share")]


def test_a_failed_load_leaves_the_warehouse_file_closed(data_dir, db_path, ingest):
    import gc

    import duckdb

    write(data_dir, "tool_calls/day1.csv", "this file,has no,tool call columns\n1,2,3\n")
    gc.disable()  # nothing but the resource itself may close the failed step's connection
    try:
        assert not ingest().success
        with duckdb.connect(str(db_path), read_only=True) as conn:
            assert conn.execute("SELECT COUNT(*) FROM audit.load_ledger").fetchone() == (0,)
    finally:
        gc.enable()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_commit_failing_on_a_full_disk_reports_the_full_disk_not_the_rollback(db_path):
    wal = Path(f"{db_path}.wal")
    with Warehouse(database=str(db_path)).get_connection() as conn:
        conn.execute("CREATE TABLE kept AS SELECT range AS n FROM range(10)")
        conn.execute("CHECKPOINT")  # the write-ahead log is written out and removed
        assert not wal.exists()
        # the next write-ahead log is /dev/full: every write to it fails with ENOSPC, as on a
        # full disk, for root too
        wal.symlink_to("/dev/full")
        with pytest.raises(duckdb.TransactionException) as failure, transaction(conn):
            conn.execute("INSERT INTO kept SELECT range FROM range(100)")
        wal.unlink()
        assert str(failure.value) == (
            f'TransactionContext Error: Failed to commit: Could not write file "{wal}": '
            "No space left on device"
        )
        assert getattr(failure.value, "__notes__", []) == []
        assert conn.execute("SELECT COUNT(*) FROM kept").fetchone() == (10,)


def test_a_failed_statement_in_a_transaction_is_rolled_back_and_reported(db_path):
    with Warehouse(database=str(db_path)).get_connection() as conn:
        conn.execute("CREATE TABLE kept AS SELECT range AS n FROM range(10)")
        with pytest.raises(duckdb.ConversionException) as failure, transaction(conn):
            conn.execute("INSERT INTO kept SELECT range FROM range(100)")
            conn.execute("INSERT INTO kept VALUES ('not a number')")
        assert str(failure.value).startswith(
            "Conversion Error: Could not convert string 'not a number' to INT64"
        )
        assert getattr(failure.value, "__notes__", []) == []
        assert conn.execute("SELECT COUNT(*) FROM kept").fetchone() == (10,)
