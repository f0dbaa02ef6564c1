"""A restated, superseded or ignored file gives up its rows, and the copies other files hold of
the keys it staged are judged again: staging, quarantine and the load ledger end as a fresh load
of the current files into an empty warehouse would leave them."""

from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import check_results, ingest_sources, write

HEADER = "call_id,called_at,tool_name,cost_usd,action_id\n"
C1 = "c1,2026-10-01T09:00:00Z,search,0.5,a1\n"
C1_DIFFERENT = "c1,2026-10-01T09:00:00Z,search,0.9,a1\n"
C2 = "c2,2026-10-01T09:05:00Z,search,0.1,a1\n"

LEDGER = (
    "SELECT source_file, rows_read, rows_staged, rows_quarantined, rows_duplicate, "
    "amount_read, amount_staged, amount_quarantined, amount_duplicate "
    "FROM audit.load_ledger WHERE source = 'tool_calls' ORDER BY 1"
)
TABLES = {
    "staging": "SELECT * EXCLUDE (load_id, loaded_at) FROM staging.tool_calls ORDER BY ALL",
    "quarantine": "SELECT * EXCLUDE (load_id, loaded_at) FROM audit.quarantine ORDER BY ALL",
    "ledger": "SELECT * EXCLUDE (load_id, loaded_at) FROM audit.load_ledger ORDER BY ALL",
}


def tables(db_path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def fresh_load(data_dir: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The tables a load of the current files into an empty warehouse gives."""
    db_path = tmp_path / "fresh" / "agent_finops.duckdb"
    result = ingest_sources(data_dir, db_path, "2026-11-22")
    assert result.success
    return tables(db_path)


def test_restating_away_the_first_copy_stages_the_duplicate(
    data_dir, db_path, tmp_path, ingest, query
):
    a = write(data_dir, "tool_calls/a.csv", HEADER + C1)
    write(data_dir, "tool_calls/b.csv", HEADER + C1)
    assert ingest().success
    assert query(LEDGER)[1][4] == 1  # b's c1 is a duplicate of a's
    a.write_text(HEADER + C2)
    result = ingest()
    assert result.success
    assert query("SELECT call_id, source_file, cost_usd FROM staging.tool_calls ORDER BY 1") == [
        ("c1", "tool_calls/b.csv", Decimal("0.5")),
        ("c2", "tool_calls/a.csv", Decimal("0.1")),
    ]
    assert query(LEDGER)[1] == (
        "tool_calls/b.csv",
        1,
        1,
        0,
        0,
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal(0),
        Decimal(0),
    )
    assert query("SELECT COUNT(*) FROM audit.duplicates_tool_calls") == [(0,)]
    assert tables(db_path) == fresh_load(data_dir, tmp_path)
    assert check_results(result)[("tool_calls", "amount_conserved")]


def test_restating_away_the_first_copy_releases_the_conflict(
    data_dir, db_path, tmp_path, ingest, query
):
    a = write(data_dir, "tool_calls/a.csv", HEADER + C1)
    write(data_dir, "tool_calls/b.csv", HEADER + C1_DIFFERENT)
    assert ingest().success
    assert query("SELECT source_file, source_line FROM audit.quarantine") == [
        ("tool_calls/b.csv", 2)
    ]
    a.write_text(HEADER + C2)
    result = ingest()
    assert result.success
    assert query("SELECT source_file, cost_usd FROM staging.tool_calls WHERE call_id = 'c1'") == [
        ("tool_calls/b.csv", Decimal("0.9"))
    ]
    assert query("SELECT COUNT(*) FROM audit.quarantine") == [(0,)]
    assert query(LEDGER)[1] == (
        "tool_calls/b.csv",
        1,
        1,
        0,
        0,
        Decimal("0.9"),
        Decimal("0.9"),
        Decimal(0),
        Decimal(0),
    )
    assert tables(db_path) == fresh_load(data_dir, tmp_path)
    assert check_results(result)[("tool_calls", "rows_conserved")]


def test_a_first_copy_restated_with_new_content_turns_a_duplicate_into_a_conflict(
    data_dir, db_path, tmp_path, ingest, query
):
    a = write(data_dir, "tool_calls/a.csv", HEADER + C1)
    write(data_dir, "tool_calls/b.csv", HEADER + C1)
    assert ingest().success
    a.write_text(HEADER + C1_DIFFERENT)
    assert ingest().success
    assert query("SELECT source_file, cost_usd FROM staging.tool_calls") == [
        ("tool_calls/a.csv", Decimal("0.9"))
    ]
    assert query("SELECT source_file, source_line, reason FROM audit.quarantine") == [
        (
            "tool_calls/b.csv",
            2,
            "call_id: duplicate key with different content; kept the row in "
            "tool_calls/a.csv line 2",
        )
    ]
    assert query(LEDGER)[1] == (
        "tool_calls/b.csv",
        1,
        0,
        1,
        0,
        Decimal("0.5"),
        None,
        Decimal("0.5"),
        Decimal(0),
    )
    assert tables(db_path) == fresh_load(data_dir, tmp_path)


def test_a_first_copy_restated_unchanged_keeps_the_duplicate_counted(
    data_dir, db_path, tmp_path, ingest, query
):
    a = write(data_dir, "tool_calls/a.csv", HEADER + C1)
    write(data_dir, "tool_calls/b.csv", HEADER + C1)
    assert ingest().success
    a.write_text(HEADER + C1 + C2)
    assert ingest().success
    assert query("SELECT call_id, source_file FROM staging.tool_calls ORDER BY 1") == [
        ("c1", "tool_calls/a.csv"),
        ("c2", "tool_calls/a.csv"),
    ]
    assert query(LEDGER)[1] == (
        "tool_calls/b.csv",
        1,
        0,
        0,
        1,
        Decimal("0.5"),
        None,
        Decimal(0),
        Decimal("0.5"),
    )
    assert tables(db_path) == fresh_load(data_dir, tmp_path)


def test_a_superseded_export_run_releases_the_keys_it_staged(
    data_dir, db_path, tmp_path, ingest, query
):
    period = "tool_calls/20261001-20261031"
    write(data_dir, f"{period}/202610020000/part-0.csv", HEADER + C1)
    write(data_dir, "tool_calls/other.csv", HEADER + C1)
    assert ingest().success
    write(data_dir, f"{period}/202610030000/part-0.csv", HEADER + C2)
    assert ingest().success
    assert query("SELECT call_id, source_file FROM staging.tool_calls ORDER BY 1") == [
        ("c1", "tool_calls/other.csv"),
        ("c2", f"{period}/202610030000/part-0.csv"),
    ]
    assert tables(db_path) == fresh_load(data_dir, tmp_path)
